"""guild_structure: which Discord objects the bot owns, and for what purpose."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.clock import to_epoch
from bot.domain.structure import ItemKind, ItemState, StructureItem
from bot.store.db import Database

_COLUMNS = "guild_id, purpose, kind, parent_purpose, discord_id, state"


def _item(row: aiosqlite.Row) -> StructureItem:
    return StructureItem(
        guild_id=row["guild_id"],
        purpose=row["purpose"],
        kind=ItemKind(row["kind"]),
        parent_purpose=row["parent_purpose"],
        discord_id=row["discord_id"],
        state=ItemState(row["state"]),
    )


class StructureRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, purpose: str) -> StructureItem | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM guild_structure WHERE guild_id = ? AND purpose = ?",
            (guild_id, purpose),
        )
        return None if row is None else _item(row)

    async def all(self, guild_id: int) -> list[StructureItem]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM guild_structure WHERE guild_id = ? ORDER BY rowid",
            (guild_id,),
        )
        return [_item(r) for r in rows]

    async def by_discord_id(self, discord_id: int) -> StructureItem | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM guild_structure WHERE discord_id = ?", (discord_id,)
        )
        return None if row is None else _item(row)

    async def guilds(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT DISTINCT guild_id FROM guild_structure")
        return [int(r[0]) for r in rows]

    async def intend(
        self,
        guild_id: int,
        purpose: str,
        kind: ItemKind,
        parent_purpose: str | None,
        now: datetime,
    ) -> StructureItem:
        """Record the intent to own `purpose` (id unknown yet). Keeps an existing row's id NULL."""
        at = to_epoch(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                """
                INSERT INTO guild_structure
                    (guild_id, purpose, kind, parent_purpose, discord_id, state,
                     created_at, updated_at)
                VALUES (?, ?, ?, ?, NULL, 'pending', ?, ?)
                ON CONFLICT (guild_id, purpose) DO UPDATE SET
                    kind = excluded.kind,
                    parent_purpose = excluded.parent_purpose,
                    discord_id = NULL,
                    state = 'pending',
                    updated_at = excluded.updated_at
                """,
                (guild_id, purpose, kind.value, parent_purpose, at, at),
            )
        return StructureItem(
            guild_id=guild_id,
            purpose=purpose,
            kind=kind,
            parent_purpose=parent_purpose,
            discord_id=None,
            state=ItemState.PENDING,
        )

    async def record(
        self, guild_id: int, purpose: str, discord_id: int, now: datetime
    ) -> StructureItem:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE guild_structure SET discord_id = ?, state = 'live', updated_at = ? "
                "WHERE guild_id = ? AND purpose = ?",
                (discord_id, to_epoch(now), guild_id, purpose),
            )
        item = await self.get(guild_id, purpose)
        if item is None:
            raise LookupError(f"no intent recorded for {purpose} in guild {guild_id}")
        return item

    async def mark_gone(self, discord_id: int, now: datetime) -> StructureItem | None:
        """Discord reported the object deleted: keep the purpose, forget the id."""
        item = await self.by_discord_id(discord_id)
        if item is None:
            return None
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE guild_structure SET discord_id = NULL, state = 'gone', updated_at = ? "
                "WHERE discord_id = ?",
                (to_epoch(now), discord_id),
            )
        return item.model_copy(update={"discord_id": None, "state": ItemState.GONE})

    async def repurpose(self, guild_id: int, old: str, new: str, now: datetime) -> None:
        """The row of `old` is now the row of `new` (one statement: never neither)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE guild_structure SET purpose = ?, updated_at = ? "
                "WHERE guild_id = ? AND purpose = ?",
                (new, to_epoch(now), guild_id, old),
            )

    async def forget(self, guild_id: int, purpose: str) -> None:
        """The bot no longer wants anything for this purpose."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM guild_structure WHERE guild_id = ? AND purpose = ?",
                (guild_id, purpose),
            )

    async def with_prefix(self, guild_id: int, prefix: str) -> list[StructureItem]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM guild_structure "
            "WHERE guild_id = ? AND substr(purpose, 1, length(?)) = ? ORDER BY purpose",
            (guild_id, prefix, prefix),
        )
        return [_item(r) for r in rows]
