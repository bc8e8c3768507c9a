"""rooms and room_renames: the topic rooms of each guild."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.clock import from_epoch, to_epoch
from bot.features.rooms.domain.rooms import CloseReason, Room, RoomState
from bot.store.db import Database

_COLUMNS = "id, guild_id, owner_id, topic, user_limit, state, empty_since, opened_at, link"


def _room(row: aiosqlite.Row) -> Room:
    return Room(
        id=row["id"],
        guild_id=row["guild_id"],
        owner_id=row["owner_id"],
        topic=row["topic"],
        user_limit=row["user_limit"],
        state=RoomState(row["state"]),
        empty_since=None if row["empty_since"] is None else from_epoch(row["empty_since"]),
        opened_at=from_epoch(row["opened_at"]),
        link=row["link"],
    )


class RoomRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        conn: aiosqlite.Connection,
        guild_id: int,
        owner_id: int,
        topic: str,
        user_limit: int | None,
        now: datetime,
        link: str | None = None,
    ) -> int:
        """A new open room, empty since now (inside the caller's transaction)."""
        cursor = await conn.execute(
            "INSERT INTO rooms (guild_id, owner_id, topic, user_limit, state, empty_since, "
            "opened_at, link) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
            (guild_id, owner_id, topic, user_limit, to_epoch(now), to_epoch(now), link),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def get(self, room_id: int) -> Room | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM rooms WHERE id = ?", (room_id,))
        return None if row is None else _room(row)

    async def open_rooms(self, guild_id: int) -> list[Room]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM rooms WHERE guild_id = ? AND state = 'open' ORDER BY id",
            (guild_id,),
        )
        return [_room(r) for r in rows]

    async def opened_since(self, guild_id: int, owner_id: int, since: datetime) -> list[datetime]:
        rows = await self._db.fetch_all(
            "SELECT opened_at FROM rooms WHERE guild_id = ? AND owner_id = ? AND opened_at > ?",
            (guild_id, owner_id, to_epoch(since)),
        )
        return [from_epoch(r["opened_at"]) for r in rows]

    async def set_topic(
        self, conn: aiosqlite.Connection, room_id: int, topic: str, now: datetime
    ) -> None:
        await conn.execute("UPDATE rooms SET topic = ? WHERE id = ?", (topic, room_id))
        await conn.execute(
            "INSERT INTO room_renames (room_id, renamed_at) VALUES (?, ?)",
            (room_id, to_epoch(now)),
        )

    async def renames_since(self, room_id: int, since: datetime) -> list[datetime]:
        rows = await self._db.fetch_all(
            "SELECT renamed_at FROM room_renames WHERE room_id = ? AND renamed_at > ?",
            (room_id, to_epoch(since)),
        )
        return [from_epoch(r["renamed_at"]) for r in rows]

    async def set_empty_since(
        self, conn: aiosqlite.Connection, room_id: int, since: datetime | None
    ) -> None:
        await conn.execute(
            "UPDATE rooms SET empty_since = ? WHERE id = ? AND state = 'open'",
            (None if since is None else to_epoch(since), room_id),
        )

    async def delete(self, conn: aiosqlite.Connection, room_id: int) -> None:
        """A room Discord never got a channel for: as if it had never been opened."""
        await conn.execute("DELETE FROM rooms WHERE id = ?", (room_id,))

    async def close(
        self,
        conn: aiosqlite.Connection,
        room_id: int,
        reason: CloseReason,
        now: datetime,
    ) -> bool:
        """Mark an open room closed (or gone, when deleted by hand); False if it was not open."""
        state = RoomState.GONE if reason is CloseReason.DELETED else RoomState.CLOSED
        cursor = await conn.execute(
            "UPDATE rooms SET state = ?, closed_at = ?, close_reason = ?, empty_since = NULL "
            "WHERE id = ? AND state = 'open'",
            (state.value, to_epoch(now), reason.value, room_id),
        )
        return cursor.rowcount == 1
