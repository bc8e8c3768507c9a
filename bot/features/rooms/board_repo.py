"""board_state: what the live room board message of each guild shows (a digest)."""

from __future__ import annotations

from bot.store.db import Database


class BoardRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def shown(self, guild_id: int) -> tuple[int, str] | None:
        row = await self._db.fetch_one(
            "SELECT message_id, digest FROM board_state WHERE guild_id = ?", (guild_id,)
        )
        return None if row is None else (int(row["message_id"]), str(row["digest"]))

    async def record(self, guild_id: int, message_id: int, digest: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO board_state (guild_id, message_id, digest) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET message_id = excluded.message_id, "
                "digest = excluded.digest",
                (guild_id, message_id, digest),
            )
