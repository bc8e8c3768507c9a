"""pending_imports: an uploaded schedule between its preview and the organizer's Confirm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import to_epoch
from bot.store.db import Database
from bot.store.uow import Transaction


@dataclass(frozen=True)
class PendingImport:
    id: int
    guild_id: int
    actor_id: int
    filename: str
    content: bytes
    state: str


class ImportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, guild_id: int, actor_id: int, filename: str, content: bytes, now: datetime
    ) -> int:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO pending_imports (guild_id, actor_id, filename, content, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, actor_id, filename, content, to_epoch(now), to_epoch(now)),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def get(self, import_id: int) -> PendingImport | None:
        row = await self._db.fetch_one(
            "SELECT id, guild_id, actor_id, filename, content, state FROM pending_imports "
            "WHERE id = ?",
            (import_id,),
        )
        if row is None:
            return None
        return PendingImport(
            id=row["id"],
            guild_id=row["guild_id"],
            actor_id=row["actor_id"],
            filename=row["filename"],
            content=bytes(row["content"]),
            state=row["state"],
        )

    async def move(self, import_id: int, from_state: str, to_state: str, now: datetime) -> bool:
        """Change the state if it is `from_state` (one Confirm wins, a second click does not)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE pending_imports SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                (to_state, to_epoch(now), import_id, from_state),
            )
            return cursor.rowcount == 1

    async def set_state(self, tx: Transaction, import_id: int, state: str, now: datetime) -> None:
        """Inside the caller's transaction (the import is applied in the same one)."""
        await tx.execute(
            "UPDATE pending_imports SET state = ?, updated_at = ? WHERE id = ?",
            (state, to_epoch(now), import_id),
        )
