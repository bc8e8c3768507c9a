"""Counts shown by `/workshop status`."""

from __future__ import annotations

from bot.store.db import Database

# label -> (table whose rows are counted per guild, extra condition)
COUNTED = {
    "sessions": ("sessions", "status != 'cancelled'"),
    "rooms": ("rooms", "state = 'open'"),
    "posters": ("poster_boards", "1"),
}


class StatusService:
    """Programme counts per guild. Sessions, topic rooms and posters are added to the schema by
    their own features; until a feature's table exists its count is zero."""

    def __init__(self, db: Database) -> None:
        self._db = db

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
