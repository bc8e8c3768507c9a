"""SQL of the feedback feature: ratings (`feedback`) and the end of a workshop (`workshop_end`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_epoch, to_epoch
from bot.store.db import Database


@dataclass(frozen=True)
class Rating:
    session_id: int
    user_id: int
    display_name: str
    rating: int
    comment: str | None
    created_at: datetime
    updated_at: datetime


_COLUMNS = "session_id, user_id, display_name, rating, comment, created_at, updated_at"


def _rating(row: object) -> Rating:
    r = row  # aiosqlite.Row
    return Rating(
        session_id=int(r["session_id"]),  # type: ignore[index]
        user_id=int(r["user_id"]),  # type: ignore[index]
        display_name=str(r["display_name"]),  # type: ignore[index]
        rating=int(r["rating"]),  # type: ignore[index]
        comment=r["comment"],  # type: ignore[index]
        created_at=from_epoch(int(r["created_at"])),  # type: ignore[index]
        updated_at=from_epoch(int(r["updated_at"])),  # type: ignore[index]
    )


class FeedbackRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, session_id: int, user_id: int) -> Rating | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM feedback WHERE session_id = ? AND user_id = ?",
            (session_id, user_id),
        )
        return None if row is None else _rating(row)

    async def put(
        self,
        guild_id: int,
        session_id: int,
        user_id: int,
        display_name: str,
        rating: int,
        comment: str | None,
        now: datetime,
    ) -> bool:
        """Store or replace a person's rating of a session; True when it is their first."""
        at = to_epoch(now)
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM feedback WHERE session_id = ? AND user_id = ?",
                (session_id, user_id),
            ) as cursor:
                existed = await cursor.fetchone() is not None
            await conn.execute(
                """
                INSERT INTO feedback (guild_id, session_id, user_id, display_name, rating,
                                      comment, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (session_id, user_id) DO UPDATE SET
                    display_name = excluded.display_name,
                    rating = excluded.rating,
                    comment = excluded.comment,
                    updated_at = excluded.updated_at
                """,
                (guild_id, session_id, user_id, display_name, rating, comment, at, at),
            )
        return not existed

    async def of_session(self, guild_id: int, session_id: int) -> list[Rating]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM feedback WHERE guild_id = ? AND session_id = ? "
            "ORDER BY created_at, user_id",
            (guild_id, session_id),
        )
        return [_rating(r) for r in rows]

    async def of_guild(self, guild_id: int) -> list[Rating]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM feedback WHERE guild_id = ? "
            "ORDER BY session_id, created_at, user_id",
            (guild_id,),
        )
        return [_rating(r) for r in rows]

    async def count_guild(self, guild_id: int) -> int:
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM feedback WHERE guild_id = ?", (guild_id,)
            )
        )

    async def count_person(self, guild_id: int, user_id: int) -> int:
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM feedback WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        )

    async def forget_person(self, guild_id: int, user_id: int) -> int:
        """Delete a person's ratings (returned: how many) and the note of the DMs they got."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM feedback WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            await conn.execute(
                "DELETE FROM feedback_dms WHERE user_id = ? AND session_id IN "
                "(SELECT id FROM sessions WHERE guild_id = ?)",
                (user_id, guild_id),
            )
            return cursor.rowcount

    async def claim_dm(self, session_id: int, user_id: int, now: datetime) -> bool:
        """Note that the person gets the session's DM now; False when they had it already."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO feedback_dms (session_id, user_id, sent_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (session_id, user_id, to_epoch(now)),
            )
            return cursor.rowcount == 1
