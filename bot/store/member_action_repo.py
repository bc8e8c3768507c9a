"""member_actions: what each member did, when (for the per-member limits)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import from_epoch, to_epoch
from bot.store.db import Database


class MemberActionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(
        self,
        guild_id: int,
        user_id: int,
        action: str,
        now: datetime,
        *,
        since: datetime,
        allowed: int,
    ) -> tuple[int | None, list[datetime]]:
        """In one transaction: the member's actions since `since`; when fewer than `allowed`,
        record this one (its id is returned, else None). Old rows are pruned on the way."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM member_actions WHERE guild_id = ? AND user_id = ? AND action = ? "
                "AND at <= ?",
                (guild_id, user_id, action, to_epoch(since)),
            )
            async with conn.execute(
                "SELECT at FROM member_actions WHERE guild_id = ? AND user_id = ? AND action = ? "
                "ORDER BY at",
                (guild_id, user_id, action),
            ) as cursor:
                times = [from_epoch(int(r[0])) for r in await cursor.fetchall()]
            if len(times) >= allowed:
                return None, times
            cursor = await conn.execute(
                "INSERT INTO member_actions (guild_id, user_id, action, at) VALUES (?, ?, ?, ?)",
                (guild_id, user_id, action, to_epoch(now)),
            )
            return cursor.lastrowid, times

    async def forget(self, action_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM member_actions WHERE id = ?", (action_id,))
