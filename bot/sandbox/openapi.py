"""Validate request bodies against Discord's official OpenAPI description.

Operations are found by method + concrete path (matched against the spec's path templates,
literal segments winning over parameters). The operation's JSON request schema is validated with
``jsonschema`` (Draft 2020-12, as OpenAPI 3.1 uses); ``$ref``s resolve inside the spec document.

Accommodation (documented): the spec types snowflakes as strings (``format: snowflake``) while
discord.py sends most ids as JSON integers, which Discord accepts. Every snowflake string schema is
therefore widened to ``anyOf: [string, non-negative integer]``.

Accommodation (documented): the spec types permission bitsets in requests (``allow``/``deny`` of
overwrites, role ``permissions``) as integers, while Discord's docs define them as serialized
strings and discord.py sends strings there (``_Overwrites._asdict`` uses ``str(self.allow)``,
``create_role`` sends ``str(permissions.value)``). Those properties also accept digit strings.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

_SNOWFLAKE_INT = {"type": "integer", "minimum": 0}
_BITSET_STRING = {"type": "string", "pattern": "^[0-9]+$"}
_BITSET_KEYS = ("allow", "deny", "permissions")


def _is_integer_schema(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    return kind == "integer" or (isinstance(kind, list) and "integer" in kind)


def _widen_snowflakes(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _widen_snowflakes(v) for k, v in node.items()}
        props = out.get("properties")
        if isinstance(props, dict):
            for key in _BITSET_KEYS:
                if _is_integer_schema(props.get(key)):
                    props[key] = {"anyOf": [props[key], _BITSET_STRING]}
        if out.get("format") == "snowflake" and out.get("type") == "string":
            return {"anyOf": [out, _SNOWFLAKE_INT]}
        return out
    if isinstance(node, list):
        return [_widen_snowflakes(v) for v in node]
    return node


_CODES = {
    "maxLength": "BASE_TYPE_BAD_LENGTH",
    "minLength": "BASE_TYPE_BAD_LENGTH",
    "maxItems": "BASE_TYPE_MAX_LENGTH",
    "minItems": "BASE_TYPE_MIN_LENGTH",
    "required": "BASE_TYPE_REQUIRED",
    "enum": "BASE_TYPE_CHOICES",
    "const": "BASE_TYPE_CHOICES",
    "maximum": "NUMBER_TYPE_MAX",
    "minimum": "NUMBER_TYPE_MIN",
    "type": "BASE_TYPE_INVALID",
}


@dataclass(frozen=True)
class Violation:
    path: list[str | int]
    message: str
    validator: str = ""

    @property
    def code(self) -> str:
        """Discord's error code for this kind of failure (the message stays jsonschema's)."""
        return _CODES.get(self.validator, "SCHEMA_INVALID")


@dataclass
class _Operation:
    template: str
    regex: re.Pattern[str]
    literal_segments: int
    methods: dict[str, dict[str, Any]]


class SpecValidator:
    def __init__(self, spec_path: Path) -> None:
        raw = json.loads(spec_path.read_text(encoding="utf-8"))
        self.components = _widen_snowflakes(raw.get("components", {}))
        self._ops: list[_Operation] = []
        for template, item in raw.get("paths", {}).items():
            parts = template.strip("/").split("/")
            pattern = "/".join(
                "[^/]+" if part.startswith("{") else re.escape(part) for part in parts
            )
            literal = sum(1 for part in parts if not part.startswith("{"))
            methods = {
                m.upper(): op
                for m, op in item.items()
                if isinstance(op, dict) and m != "parameters"
            }
            self._ops.append(_Operation(template, re.compile(f"^/{pattern}$"), literal, methods))
        self._ops.sort(key=lambda op: -op.literal_segments)
        self._validators: dict[tuple[str, str], jsonschema.protocols.Validator | None] = {}

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for op in self._ops:
            if op.regex.match(path) and method.upper() in op.methods:
                return op.template, op.methods[method.upper()]
        return None

    def _validator(self, method: str, template: str, op: dict[str, Any]) -> Any:
        key = (method, template)
        if key not in self._validators:
            content = (op.get("requestBody") or {}).get("content") or {}
            schema = (content.get("application/json") or {}).get("schema")
            self._validators[key] = None if schema is None else self._build(schema)
        return self._validators[key]

    def validate_response(self, method: str, path: str, status: int, body: Any) -> list[Violation]:
        """Check a sandbox answer against the operation's documented response schema.

        Used by the sandbox's own tests; only successful answers are checked (the spec types
        field error codes as integers where Discord sends strings such as
        ``BASE_TYPE_REQUIRED``).
        """
        found = self.operation(method, path)
        if found is None or body is None or status >= 300:
            return []
        template, op = found
        key = (f"{method.upper()} {status}", template)
        if key not in self._validators:
            response = (op.get("responses") or {}).get(str(status)) or {}
            schema = ((response.get("content") or {}).get("application/json") or {}).get("schema")
            self._validators[key] = None if schema is None else self._build(schema)
        validator = self._validators[key]
        if validator is None:
            return []
        return self._violations(validator, body)

    def _build(self, schema: dict[str, Any]) -> Any:
        root = {"components": self.components, "allOf": [_widen_snowflakes(copy.deepcopy(schema))]}
        cls = jsonschema.validators.validator_for(root, default=jsonschema.Draft202012Validator)
        return cls(root)

    def _violations(self, validator: Any, body: Any) -> list[Violation]:
        errs = list(validator.iter_errors(body))
        if not errs:
            return []
        best = jsonschema.exceptions.best_match(errs)
        chosen = [best] if best is not None else errs[:1]
        return [Violation(list(e.absolute_path), _describe(e), str(e.validator)) for e in chosen]

    def validate(self, method: str, path: str, body: Any) -> list[Violation]:
        """Return the violations of ``body`` (empty when valid or when no schema applies)."""
        found = self.operation(method, path)
        if found is None:
            return []
        template, op = found
        validator = self._validator(method.upper(), template, op)
        if validator is None:
            return []
        return self._violations(validator, body)


def _describe(error: Any) -> str:
    if error.context:
        deepest = max(error.context, key=lambda e: len(list(e.absolute_path)))
        where = "/".join(str(p) for p in deepest.absolute_path)
        return f"{error.message[:300]} (closest: {where}: {deepest.message[:300]})"
    return str(error.message)[:500]
