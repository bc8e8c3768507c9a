"""SQL of the workshop's end (`workshop_end`): when the wrap-up ran and finished, the teardown
asked for and finished."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_epoch, to_epoch
from bot.store.db import Database


@dataclass(frozen=True)
class WorkshopEnd:
    guild_id: int
    wrapped_at: datetime
    wrap_done: bool
    teardown_asked: bool
    teardown_done: bool
    teardown_by: int | None = None


class EndRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> WorkshopEnd | None:
        row = await self._db.fetch_one(
            "SELECT guild_id, wrapped_at, wrap_done_at, teardown_at, teardown_by, teardown_done_at "
            "FROM workshop_end WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return None
        return WorkshopEnd(
            guild_id=int(row["guild_id"]),
            wrapped_at=from_epoch(int(row["wrapped_at"])),
            wrap_done=row["wrap_done_at"] is not None,
            teardown_asked=row["teardown_at"] is not None,
            teardown_done=row["teardown_done_at"] is not None,
            teardown_by=row["teardown_by"],
        )

    async def guilds(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT guild_id FROM workshop_end")
        return [int(r[0]) for r in rows]

    async def start_wrap(self, guild_id: int, actor_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO workshop_end (guild_id, wrapped_at, wrapped_by) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id) DO NOTHING",
                (guild_id, to_epoch(now), actor_id),
            )

    async def wrap_done(self, guild_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE workshop_end SET wrap_done_at = coalesce(wrap_done_at, ?) "
                "WHERE guild_id = ?",
                (to_epoch(now), guild_id),
            )

    async def teardown_done(self, guild_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE workshop_end SET teardown_done_at = ? WHERE guild_id = ?",
                (to_epoch(now), guild_id),
            )
