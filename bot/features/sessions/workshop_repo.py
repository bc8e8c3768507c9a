"""workshops: what a guild's workshop says of itself in its schedule files (its title)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import to_epoch
from bot.store.db import Database
from bot.store.uow import Transaction


class WorkshopRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def title(self, guild_id: int) -> str | None:
        """The title the guild's last import that named one gave, if any."""
        value = await self._db.fetch_value(
            "SELECT title FROM workshops WHERE guild_id = ?", (guild_id,)
        )
        return str(value) if value is not None else None

    async def set_title(self, tx: Transaction, guild_id: int, title: str, now: datetime) -> None:
        """Inside the caller's transaction (the import that names it is applied in the same)."""
        await tx.execute(
            "INSERT INTO workshops (guild_id, title, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET title = excluded.title, "
            "updated_at = excluded.updated_at",
            (guild_id, title, to_epoch(now)),
        )
