"""audit_log: what organizers did, and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain.clock import from_epoch, to_epoch
from bot.store.db import Database


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    guild_id: int
    actor_id: int
    action: str
    detail: dict[str, Any]
    at: datetime


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, guild_id: int, actor_id: int, action: str, detail: dict[str, Any], now: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO audit_log (guild_id, actor_id, action, detail, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (guild_id, actor_id, action, json.dumps(detail, ensure_ascii=False), to_epoch(now)),
            )

    async def recent(self, guild_id: int, limit: int = 50) -> list[AuditEntry]:
        rows = await self._db.fetch_all(
            "SELECT id, guild_id, actor_id, action, detail, created_at FROM audit_log "
            "WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [
            AuditEntry(
                id=r["id"],
                guild_id=r["guild_id"],
                actor_id=r["actor_id"],
                action=r["action"],
                detail=json.loads(r["detail"]),
                at=from_epoch(r["created_at"]),
            )
            for r in rows
        ]
