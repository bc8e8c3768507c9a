"""breakouts and breakout_people."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import aiosqlite

from bot.domain.clock import from_epoch, to_epoch
from bot.features.breakouts.domain.breakouts import Breakout, BreakoutState, EndReason, Person
from bot.store.db import Database

_COLUMNS = "id, guild_id, session_id, home_id, rooms, title, started_by, started_at, ends_at, state"


def _breakout(row: aiosqlite.Row) -> Breakout:
    return Breakout(
        id=row["id"],
        guild_id=row["guild_id"],
        session_id=row["session_id"],
        home_id=row["home_id"],
        rooms=row["rooms"],
        title=row["title"],
        started_by=row["started_by"],
        started_at=from_epoch(row["started_at"]),
        ends_at=from_epoch(row["ends_at"]),
        state=BreakoutState(row["state"]),
    )


class BreakoutRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        conn: aiosqlite.Connection,
        *,
        guild_id: int,
        session_id: int,
        home_id: int,
        rooms: int,
        title: str,
        started_by: int,
        now: datetime,
        ends_at: datetime,
        people: Mapping[int, int],
    ) -> int:
        cursor = await conn.execute(
            "INSERT INTO breakouts (guild_id, session_id, home_id, rooms, title, started_by, "
            "started_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                session_id,
                home_id,
                rooms,
                title,
                started_by,
                to_epoch(now),
                to_epoch(ends_at),
            ),
        )
        breakout_id = cursor.lastrowid
        assert breakout_id is not None
        await conn.executemany(
            "INSERT INTO breakout_people (breakout_id, user_id, room) VALUES (?, ?, ?)",
            [(breakout_id, user, room) for user, room in people.items()],
        )
        return breakout_id

    async def delete(self, conn: aiosqlite.Connection, breakout_id: int) -> None:
        await conn.execute("DELETE FROM breakouts WHERE id = ?", (breakout_id,))

    async def get(self, breakout_id: int) -> Breakout | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM breakouts WHERE id = ?", (breakout_id,)
        )
        return None if row is None else _breakout(row)

    async def running(self, guild_id: int) -> list[Breakout]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM breakouts WHERE guild_id = ? AND state = 'running' "
            "ORDER BY id",
            (guild_id,),
        )
        return [_breakout(r) for r in rows]

    async def running_of(self, session_id: int) -> Breakout | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM breakouts WHERE session_id = ? AND state = 'running'",
            (session_id,),
        )
        return None if row is None else _breakout(row)

    async def ended(self, guild_id: int) -> list[Breakout]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM breakouts WHERE guild_id = ? AND state = 'ended'",
            (guild_id,),
        )
        return [_breakout(r) for r in rows]

    async def people(self, breakout_id: int) -> list[Person]:
        rows = await self._db.fetch_all(
            "SELECT user_id, room, moved_out, moved_back, skipped FROM breakout_people "
            "WHERE breakout_id = ? ORDER BY room, user_id",
            (breakout_id,),
        )
        return [
            Person(
                user_id=r["user_id"],
                room=r["room"],
                moved_out=r["moved_out"] is not None,
                moved_back=r["moved_back"] is not None,
                skipped=bool(r["skipped"]),
            )
            for r in rows
        ]

    async def moved_out(self, breakout_id: int, user_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE breakout_people SET moved_out = ? WHERE breakout_id = ? AND user_id = ?",
                (to_epoch(now), breakout_id, user_id),
            )

    async def skipped(self, breakout_id: int, user_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE breakout_people SET skipped = 1 WHERE breakout_id = ? AND user_id = ?",
                (breakout_id, user_id),
            )

    async def moved_back(self, breakout_id: int, user_id: int, room: int, now: datetime) -> None:
        """Someone called back (one who walked into a room by themselves gets a row too)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO breakout_people (breakout_id, user_id, room, moved_back) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (breakout_id, user_id) "
                "DO UPDATE SET moved_back = excluded.moved_back",
                (breakout_id, user_id, room, to_epoch(now)),
            )

    async def end(
        self, conn: aiosqlite.Connection, breakout_id: int, reason: EndReason, now: datetime
    ) -> None:
        await conn.execute(
            "UPDATE breakouts SET state = 'ended', ended_at = ?, end_reason = ? WHERE id = ?",
            (to_epoch(now), reason.value, breakout_id),
        )

    async def count_person(self, guild_id: int, user_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM breakout_people p JOIN breakouts b ON b.id = p.breakout_id "
            "WHERE b.guild_id = ? AND p.user_id = ?",
            (guild_id, user_id),
        )
        return int(row[0]) if row is not None else 0

    async def forget_person(self, guild_id: int, user_id: int) -> int:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM breakout_people WHERE user_id = ? AND breakout_id IN "
                "(SELECT id FROM breakouts WHERE guild_id = ?)",
                (user_id, guild_id),
            )
        return cursor.rowcount
