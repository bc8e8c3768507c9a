"""REST routing: route templates (as discord.py's ``Route`` spells them) to handlers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox


@dataclass
class Ctx:
    sb: Sandbox
    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[tuple[str, bytes, str]] = field(default_factory=list)
    multipart: bool = False
    reason: str | None = None

    def id(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            from bot.sandbox import errors

            raise errors.field_error(
                [name], "NUMBER_TYPE_COERCE", f'Value "{self.params[name]}" is not snowflake.'
            ) from None

    @property
    def json(self) -> dict[str, Any]:
        return self.body if isinstance(self.body, dict) else {}


@dataclass
class Reply:
    status: int = 200
    body: Any = None


Handler = Callable[[Ctx], Awaitable[Reply]]


@dataclass
class RouteDef:
    method: str
    template: str
    regex: re.Pattern[str]
    handler: Handler
    auth: bool
    literal: int

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


class Router:
    def __init__(self) -> None:
        self.routes: list[RouteDef] = []

    def add(self, method: str, template: str, *, auth: bool = True) -> Callable[[Handler], Handler]:
        parts = template.strip("/").split("/")
        pattern = "/".join(
            f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
            for part in parts
        )
        literal = sum(1 for part in parts if not part.startswith("{"))

        def deco(handler: Handler) -> Handler:
            self.routes.append(
                RouteDef(method, template, re.compile(f"^/{pattern}/?$"), handler, auth, literal)
            )
            self.routes.sort(key=lambda r: -r.literal)
            return handler

        return deco

    def match(self, method: str, path: str) -> tuple[RouteDef, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.regex.match(path)
            if found:
                return route, found.groupdict()
        return None


router = Router()


def _register_routes() -> None:
    from bot.sandbox.rest import (  # noqa: F401
        channels,
        dms,
        events,
        guilds,
        interactions,
        messages,
        meta,
        pins_reactions,
        stage,
        threads,
        voice_status,
    )
