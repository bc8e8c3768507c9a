"""qa: SQL of questions, their votes and a session's said-once notices."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.clock import from_epoch, to_epoch
from bot.features.qa.domain import Question, QuestionState
from bot.store.db import Database

_COLUMNS = (
    "id, guild_id, session_id, author_id, anonymous, text, state, votes, channel_id, "
    "message_id, card_votes, card_state, asked_at"
)


def _question(row: aiosqlite.Row) -> Question:
    return Question(
        id=row["id"],
        guild_id=row["guild_id"],
        session_id=row["session_id"],
        author_id=row["author_id"],
        anonymous=bool(row["anonymous"]),
        text=row["text"],
        state=QuestionState(row["state"]),
        votes=row["votes"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        card_votes=row["card_votes"],
        card_state=row["card_state"],
        asked_at=from_epoch(row["asked_at"]),
    )


class QuestionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        guild_id: int,
        session_id: int,
        author_id: int,
        text: str,
        anonymous: bool,
        now: datetime,
    ) -> int:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO questions (guild_id, session_id, author_id, anonymous, text, "
                "asked_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    guild_id,
                    session_id,
                    author_id,
                    int(anonymous),
                    text,
                    to_epoch(now),
                    to_epoch(now),
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def get(self, question_id: int) -> Question | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM questions WHERE id = ?", (question_id,)
        )
        return None if row is None else _question(row)

    async def of_session(self, session_id: int) -> list[Question]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM questions WHERE session_id = ? ORDER BY id", (session_id,)
        )
        return [_question(r) for r in rows]

    async def of_guild(self, guild_id: int) -> list[Question]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM questions WHERE guild_id = ? ORDER BY session_id, id",
            (guild_id,),
        )
        return [_question(r) for r in rows]

    async def lagging_cards(self) -> list[Question]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM questions WHERE message_id IS NOT NULL AND "
            "(card_votes IS NOT votes OR card_state IS NOT state)"
        )
        return [_question(r) for r in rows]

    async def count_by(self, session_id: int, author_id: int) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM questions WHERE session_id = ? AND author_id = ?",
            (session_id, author_id),
        )
        return int(value or 0)

    async def set_card(
        self, question_id: int, channel_id: int, message_id: int, votes: int, state: str
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE questions SET channel_id = ?, message_id = ?, card_votes = ?, "
                "card_state = ? WHERE id = ?",
                (channel_id, message_id, votes, state, question_id),
            )

    async def card_shown(self, question_id: int, votes: int, state: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE questions SET card_votes = ?, card_state = ? WHERE id = ?",
                (votes, state, question_id),
            )

    async def toggle_vote(self, question_id: int, user_id: int, now: datetime) -> tuple[bool, int]:
        """Add this person's vote, or take it back when there is one: (voted now, count). One
        transaction: the count always equals the votes' rows."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM question_votes WHERE question_id = ? AND user_id = ?",
                (question_id, user_id),
            )
            voted = cursor.rowcount == 0
            if voted:
                await conn.execute(
                    "INSERT INTO question_votes (question_id, user_id, voted_at) VALUES (?, ?, ?)",
                    (question_id, user_id, to_epoch(now)),
                )
            await conn.execute(
                "UPDATE questions SET votes = (SELECT count(*) FROM question_votes "
                "WHERE question_id = ?), updated_at = ? WHERE id = ?",
                (question_id, to_epoch(now), question_id),
            )
            async with conn.execute(
                "SELECT votes FROM questions WHERE id = ?", (question_id,)
            ) as cur:
                row = await cur.fetchone()
        return voted, int(row[0]) if row else 0

    async def set_state(self, question_id: int, state: QuestionState, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE questions SET state = ?, updated_at = ? WHERE id = ?",
                (state.value, to_epoch(now), question_id),
            )

    # -- personal data: a person's questions and votes -------------------------------------------

    async def count_questions(self, guild_id: int, user_id: int) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM questions WHERE guild_id = ? AND author_id = ?",
            (guild_id, user_id),
        )
        return int(value or 0)

    async def forget_questions(self, guild_id: int, user_id: int) -> int:
        """The person's questions go (their votes with them)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM questions WHERE guild_id = ? AND author_id = ?", (guild_id, user_id)
            )
            return max(cursor.rowcount, 0)

    async def count_votes(self, guild_id: int, user_id: int) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM question_votes v JOIN questions q ON q.id = v.question_id "
            "WHERE q.guild_id = ? AND v.user_id = ?",
            (guild_id, user_id),
        )
        return int(value or 0)

    async def forget_votes(self, guild_id: int, user_id: int) -> list[int]:
        """The person's upvotes go and the counts follow; the questions whose count changed."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT v.question_id FROM question_votes v JOIN questions q "
                "ON q.id = v.question_id WHERE q.guild_id = ? AND v.user_id = ?",
                (guild_id, user_id),
            ) as cur:
                touched = [int(r[0]) for r in await cur.fetchall()]
            for question_id in touched:
                await conn.execute(
                    "DELETE FROM question_votes WHERE question_id = ? AND user_id = ?",
                    (question_id, user_id),
                )
                await conn.execute(
                    "UPDATE questions SET votes = votes - 1 WHERE id = ?", (question_id,)
                )
        return touched

    # -- notices said once (time signals) --------------------------------------------------------

    async def notices(self, session_id: int, kind: str) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT minutes FROM qa_notices WHERE session_id = ? AND kind = ?", (session_id, kind)
        )
        return {int(r[0]) for r in rows}

    async def record_notice(
        self, session_id: int, kind: str, minutes: int, message_id: int | None, now: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO qa_notices (session_id, kind, minutes, message_id, sent_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (session_id, kind, minutes, message_id, to_epoch(now)),
            )
