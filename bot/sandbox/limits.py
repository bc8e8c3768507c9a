"""Discord's documented size limits, checked the way Discord reports them (50035 trees)."""

from __future__ import annotations

import unicodedata
from typing import Any

from bot.sandbox import errors
from bot.sandbox.errors import FormErrors

_LOCALE_LIST = """
id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru
uk hi th zh-CN ja zh-TW ko
"""
LOCALES = frozenset(_LOCALE_LIST.split())

MAX_GUILD_CHANNELS = 500
MAX_CATEGORY_CHANNELS = 50
MAX_ROLES = 250
MAX_ACTIVE_EVENTS = 100
EPHEMERAL = 1 << 6
IS_COMPONENTS_V2 = 1 << 15


def _max(errs: FormErrors, path: list[str | int], value: Any, hi: int) -> None:
    if value is not None and len(value) > hi:
        errs.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {hi} or fewer in length.")


def check_embeds(errs: FormErrors, embeds: list[dict[str, Any]], path: list[str | int]) -> None:
    if len(embeds) > 10:
        errs.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        here = [*path, i]
        for key, hi in (("title", 256), ("description", 4096)):
            _max(errs, [*here, key], embed.get(key), hi)
            total += len(embed.get(key) or "")
        footer = embed.get("footer") or {}
        _max(errs, [*here, "footer", "text"], footer.get("text"), 2048)
        total += len(footer.get("text") or "")
        author = embed.get("author") or {}
        _max(errs, [*here, "author", "name"], author.get("name"), 256)
        total += len(author.get("name") or "")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errs.add([*here, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        for j, fld in enumerate(fields):
            for key, hi in (("name", 256), ("value", 1024)):
                value = fld.get(key)
                if value is None:
                    errs.add(
                        [*here, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required"
                    )
                else:
                    errs.length([*here, "fields", j, key], str(value), 1, hi)
                    total += len(str(value))
    if total > 6000:
        errs.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _check_button(errs: FormErrors, comp: dict[str, Any], here: list[str | int]) -> None:
    _max(errs, [*here, "label"], comp.get("label"), 80)
    style = comp.get("style")
    if style == 5:
        if not comp.get("url"):
            errs.add([*here, "url"], "BASE_TYPE_REQUIRED", "This field is required")
        if comp.get("custom_id"):
            errs.add(
                [*here, "custom_id"],
                "COMPONENT_LINK_HAS_CUSTOM_ID",
                "A custom id cannot be set on a link button",
            )
    elif style != 6 and not comp.get("custom_id"):
        errs.add([*here, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")


def _check_select(errs: FormErrors, comp: dict[str, Any], here: list[str | int]) -> None:
    if not comp.get("custom_id"):
        errs.add([*here, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    _max(errs, [*here, "placeholder"], comp.get("placeholder"), 150)
    if comp["type"] == 3:
        options = comp.get("options") or []
        if not 1 <= len(options) <= 25:
            errs.add(
                [*here, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
            )
        values = [o.get("value") for o in options]
        if len(set(values)) != len(values):
            errs.add(
                [*here, "options"],
                "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                "Select component option values must be unique",
            )
        for j, opt in enumerate(options):
            errs.length([*here, "options", j, "label"], opt.get("label"), 1, 100)
            errs.length([*here, "options", j, "value"], opt.get("value"), 1, 100)
            _max(errs, [*here, "options", j, "description"], opt.get("description"), 100)
    for key in ("min_values", "max_values"):
        value = comp.get(key)
        if value is not None and not 0 <= int(value) <= 25:
            errs.add(
                [*here, key], "NUMBER_TYPE_MAX", "int value should be less than or equal to 25."
            )


def check_components(
    errs: FormErrors, rows: list[dict[str, Any]], path: list[str | int], *, flags: int = 0
) -> None:
    seen: set[str] = set()

    def visit(comp: dict[str, Any], here: list[str | int]) -> None:
        cid = comp.get("custom_id")
        if cid is not None:
            errs.length([*here, "custom_id"], cid, 1, 100)
            if cid in seen:
                errs.add(
                    [*here, "custom_id"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(cid)
        ctype = comp.get("type")
        if ctype == 2:
            _check_button(errs, comp, here)
        elif ctype in (3, 5, 6, 7, 8):
            _check_select(errs, comp, here)
        for k, child in enumerate(comp.get("components") or []):
            visit(child, [*here, "components", k])

    if flags & IS_COMPONENTS_V2:
        for i, comp in enumerate(rows):
            visit(comp, [*path, i])
        return
    if len(rows) > 5:
        errs.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for i, row in enumerate(rows):
        if row.get("type") != 1:
            errs.add(
                [*path, i, "type"],
                "UNION_TYPE_CHOICES",
                'Value of field "type" must be one of (1,).',
            )
            continue
        children = row.get("components") or []
        if not 1 <= len(children) <= 5:
            errs.add(
                [*path, i, "components"],
                "BASE_TYPE_BAD_LENGTH",
                "Must be between 1 and 5 in length.",
            )
        if any(c.get("type") != 2 for c in children) and len(children) > 1:
            errs.add(
                [*path, i, "components"],
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for k, child in enumerate(children):
            visit(child, [*path, i, "components", k])


def check_allowed_mentions(errs: FormErrors, am: dict[str, Any] | None) -> None:
    if not am:
        return
    parse = am.get("parse") or []
    for i, value in enumerate(parse):
        if value not in ("roles", "users", "everyone"):
            errs.add(
                ["allowed_mentions", "parse", i],
                "BASE_TYPE_CHOICES",
                "Value must be one of {'users', 'roles', 'everyone'}.",
            )
    for kind in ("users", "roles"):
        listed = am.get(kind) or []
        if kind in parse and listed:
            errs.add(
                ["allowed_mentions"],
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )
        if len(listed) > 100:
            errs.add(
                ["allowed_mentions", kind],
                "BASE_TYPE_MAX_LENGTH",
                "Must be 100 or fewer in length.",
            )


def check_message(body: dict[str, Any], *, files: int = 0, editing: bool = False) -> None:
    """Validate a message create/edit payload; raises 50035 or 50006 like Discord."""
    errs = FormErrors()
    content = body.get("content")
    if content is not None:
        _max(errs, ["content"], str(content), 2000)
    embeds = body.get("embeds") or []
    check_embeds(errs, embeds, ["embeds"])
    flags = int(body.get("flags") or 0)
    check_components(errs, body.get("components") or [], ["components"], flags=flags)
    check_allowed_mentions(errs, body.get("allowed_mentions"))
    errs.raise_if_any()
    if editing:
        return
    has_content = bool(content and str(content).strip())
    attachments = body.get("attachments") or []
    if not (
        has_content
        or embeds
        or body.get("components")
        or files
        or attachments
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        raise errors.empty_message()


def check_modal(data: dict[str, Any]) -> None:
    errs = FormErrors()
    errs.length(["data", "title"], data.get("title"), 1, 45)
    errs.length(["data", "custom_id"], data.get("custom_id"), 1, 100)
    if data.get("title") is None:
        errs.add(["data", "title"], "BASE_TYPE_REQUIRED", "This field is required")
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        errs.add(
            ["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    for i, row in enumerate(rows):
        inputs = row.get("components") or ([row.get("component")] if row.get("component") else [])
        for k, comp in enumerate(inputs):
            here: list[str | int] = ["data", "components", i, "components", k]
            if comp.get("type") == 4:
                errs.length([*here, "custom_id"], comp.get("custom_id"), 1, 100)
                _max(errs, [*here, "label"], comp.get("label"), 45)
                _max(errs, [*here, "placeholder"], comp.get("placeholder"), 100)
                _max(errs, [*here, "value"], comp.get("value"), 4000)
    errs.raise_if_any()


def check_choices(choices: list[dict[str, Any]]) -> None:
    errs = FormErrors()
    if len(choices) > 25:
        errs.add(["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, choice in enumerate(choices):
        errs.length(["data", "choices", i, "name"], choice.get("name"), 1, 100)
        value = choice.get("value")
        if isinstance(value, str):
            _max(errs, ["data", "choices", i, "value"], value, 100)
    errs.raise_if_any()


def valid_command_name(name: Any, *, chat_input: bool = True) -> bool:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return False
    for ch in name:
        if ch in "-_":
            continue
        category = unicodedata.category(ch)
        if not (category.startswith("L") or category.startswith("N")):
            return False
        if chat_input and ch.lower() != ch:
            return False
    return True
