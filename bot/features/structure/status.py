"""Counts shown by `/workshop status`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from bot.store.db import Database


@runtime_checkable
class StatusPart(Protocol):
    """A later feature's part of `/workshop status`, exposed as `status:<name>`: one embed
    field (name, value ≤ 1024 characters), or None when it has nothing to say."""

    async def status_field(self, guild_id: int, locale: str) -> tuple[str, str] | None: ...


# label -> (table whose rows are counted per guild, extra condition)
COUNTED = {
    "sessions": ("sessions", "status != 'cancelled'"),
    "rooms": ("rooms", "state = 'open'"),
    "posters": ("poster_boards", "1"),
}


class StatusService:
    """Programme counts per guild. Sessions, topic rooms and posters are added to the schema by
    their own features; until a feature's table exists its count is zero."""

    def __init__(self, db: Database, parts: Callable[[], Sequence[object]] = tuple) -> None:
        self._db = db
        self._parts = parts

    async def extra_fields(self, guild_id: int, locale: str) -> list[tuple[str, str]]:
        """The fields the later features add (see `StatusPart`)."""
        found = []
        for part in self._parts():
            if isinstance(part, StatusPart):
                field = await part.status_field(guild_id, locale)
                if field is not None:
                    found.append((field[0][:256], field[1][:1024]))
        return found

    async def counts(self, guild_id: int) -> dict[str, int]:
        tables = {
            row[0]
            for row in await self._db.fetch_all("SELECT name FROM sqlite_master WHERE type='table'")
        }
        counts: dict[str, int] = {}
        for label, (table, condition) in COUNTED.items():
            if table in tables:
                value = await self._db.fetch_value(
                    f"SELECT count(*) FROM {table} WHERE guild_id = ? AND {condition}",
                    (guild_id,),
                )
                counts[label] = int(value or 0)
            else:
                counts[label] = 0
        return counts
