"""problems: what background work could not do because Discord refused it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain.clock import from_epoch, to_epoch
from bot.domain.errors import DiscordRefused, Refusal
from bot.store.db import Database

_COLUMNS = (
    "guild_id, key, what, params, cause, missing, channel_id, detail, since, last_seen, attempts"
)


class Problem(BaseModel):
    model_config = ConfigDict(frozen=True)
    guild_id: int
    key: str
    what: str
    params: dict[str, Any]
    cause: Refusal
    missing: int
    channel_id: int | None
    detail: str
    since: datetime
    last_seen: datetime
    attempts: int


class ProblemRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        guild_id: int,
        key: str,
        what: str,
        params: dict[str, Any],
        refusal: DiscordRefused,
        now: datetime,
    ) -> bool:
        """Insert or refresh; True when the problem is new (not already recorded)."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM problems WHERE guild_id = ? AND key = ?", (guild_id, key)
            ) as cursor:
                known = await cursor.fetchone() is not None
            await conn.execute(
                "INSERT INTO problems (guild_id, key, what, params, cause, missing, channel_id, "
                "detail, since, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, key) DO UPDATE SET what = excluded.what, "
                "params = excluded.params, cause = excluded.cause, missing = excluded.missing, "
                "channel_id = excluded.channel_id, detail = excluded.detail, "
                "last_seen = excluded.last_seen, attempts = attempts + 1",
                (
                    guild_id,
                    key,
                    what,
                    json.dumps(params, ensure_ascii=False),
                    refusal.refusal.value,
                    refusal.missing,
                    refusal.channel_id,
                    refusal.detail,
                    to_epoch(now),
                    to_epoch(now),
                ),
            )
        return not known

    async def clear(self, guild_id: int, key: str) -> bool:
        """Forget a problem (its work succeeded); True when there was one."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM problems WHERE guild_id = ? AND key = ?", (guild_id, key)
            )
            return cursor.rowcount > 0

    async def open(self, guild_id: int) -> list[Problem]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM problems WHERE guild_id = ? ORDER BY since, key", (guild_id,)
        )
        return [
            Problem(
                guild_id=r["guild_id"],
                key=r["key"],
                what=r["what"],
                params=json.loads(r["params"]),
                cause=Refusal(r["cause"]),
                missing=r["missing"],
                channel_id=r["channel_id"],
                detail=r["detail"],
                since=from_epoch(r["since"]),
                last_seen=from_epoch(r["last_seen"]),
                attempts=r["attempts"],
            )
            for r in rows
        ]

    async def guilds(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT DISTINCT guild_id FROM problems")
        return [int(r[0]) for r in rows]
