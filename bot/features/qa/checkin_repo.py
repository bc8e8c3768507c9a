"""The `checkins` rows of speaker check-in: one per chair or speaker of a session, written
before their prompt goes out (intent), completed when it went (`prompted`) and when they
checked in; and the once-only late notice in `qa_notices` (see checkin.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_epoch, to_epoch
from bot.store.db import Database


@dataclass(frozen=True)
class CheckinRow:
    session_id: int
    user_id: int
    role: str
    prompted_at: datetime | None
    via: str | None
    checked_in_at: datetime | None
    how: str | None


class CheckinRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def of_session(self, session_id: int) -> list[CheckinRow]:
        rows = await self._db.fetch_all(
            "SELECT session_id, user_id, role, prompted_at, via, checked_in_at, how "
            "FROM checkins WHERE session_id = ? ORDER BY rowid",
            (session_id,),
        )
        return [
            CheckinRow(
                r[0],
                r[1],
                r[2],
                from_epoch(r[3]) if r[3] is not None else None,
                r[4],
                from_epoch(r[5]) if r[5] is not None else None,
                r[6],
            )
            for r in rows
        ]

    async def intend(self, guild_id: int, session_id: int, user_id: int, role: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO checkins (session_id, user_id, guild_id, role) "
                "VALUES (?, ?, ?, ?)",
                (session_id, user_id, guild_id, role),
            )

    async def prompted(self, session_id: int, user_id: int, via: str, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE checkins SET prompted_at = ?, via = ? WHERE session_id = ? AND user_id = ?",
                (to_epoch(now), via, session_id, user_id),
            )

    async def check_in(
        self, guild_id: int, session_id: int, user_id: int, role: str, how: str, now: datetime
    ) -> bool:
        """True when this checked them in (False: they were already)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO checkins (session_id, user_id, guild_id, role) "
                "VALUES (?, ?, ?, ?)",
                (session_id, user_id, guild_id, role),
            )
            cursor = await conn.execute(
                "UPDATE checkins SET checked_in_at = ?, how = ? "
                "WHERE session_id = ? AND user_id = ? AND checked_in_at IS NULL",
                (to_epoch(now), how, session_id, user_id),
            )
            return cursor.rowcount > 0

    async def late_noticed(self, session_id: int) -> bool:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM qa_notices WHERE session_id = ? AND kind = 'late'",
            (session_id,),
        )
        return bool(value)

    async def record_late(self, session_id: int, message_id: int | None, now: datetime) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO qa_notices (session_id, kind, minutes, message_id, sent_at)"
                " VALUES (?, 'late', 5, ?, ?)",
                (session_id, message_id, to_epoch(now)),
            )
            return cursor.rowcount > 0
