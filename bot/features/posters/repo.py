"""poster_boards: the numbered boards of each poster session.

A claim is a single UPDATE that only touches a free board, inside the caller's BEGIN IMMEDIATE
transaction: of any number of simultaneous claims of one board exactly one changes a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import aiosqlite

from bot.domain.clock import from_epoch, to_epoch
from bot.features.posters.domain.boards import PosterBoard
from bot.store.db import Database
from bot.store.uow import Transaction

_COLUMNS = (
    "id, guild_id, session_id, number, presenter_id, title, abstract, claimed_at, file_name, "
    "file_message_id"
)


def _board(row: aiosqlite.Row) -> PosterBoard:
    return PosterBoard(
        id=row["id"],
        guild_id=row["guild_id"],
        session_id=row["session_id"],
        number=row["number"],
        presenter_id=row["presenter_id"],
        title=row["title"],
        abstract=row["abstract"],
        claimed_at=None if row["claimed_at"] is None else from_epoch(row["claimed_at"]),
        file_name=row["file_name"],
        file_message_id=row["file_message_id"],
    )


class PosterRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def boards(self, session_id: int) -> list[PosterBoard]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM poster_boards WHERE session_id = ? ORDER BY number",
            (session_id,),
        )
        return [_board(r) for r in rows]

    async def board(self, session_id: int, number: int) -> PosterBoard | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM poster_boards WHERE session_id = ? AND number = ?",
            (session_id, number),
        )
        return None if row is None else _board(row)

    async def of_presenter(self, guild_id: int, presenter_id: int) -> list[PosterBoard]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM poster_boards WHERE guild_id = ? AND presenter_id = ? "
            "ORDER BY session_id, number",
            (guild_id, presenter_id),
        )
        return [_board(r) for r in rows]

    async def sessions_with_boards(self, guild_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT DISTINCT session_id FROM poster_boards WHERE guild_id = ?", (guild_id,)
        )
        return [int(r[0]) for r in rows]

    # -- inside the caller's transaction -----------------------------------------------------------

    async def add_boards(
        self, tx: Transaction, guild_id: int, session_id: int, numbers: Iterable[int]
    ) -> None:
        await tx.executemany(
            "INSERT INTO poster_boards (guild_id, session_id, number) VALUES (?, ?, ?)",
            [(guild_id, session_id, n) for n in numbers],
        )

    async def remove_free(self, tx: Transaction, session_id: int, numbers: Iterable[int]) -> None:
        await tx.executemany(
            "DELETE FROM poster_boards WHERE session_id = ? AND number = ? "
            "AND presenter_id IS NULL",
            [(session_id, n) for n in numbers],
        )

    async def count_claimed_by(self, tx: Transaction, session_id: int, presenter_id: int) -> int:
        async with tx.execute(
            "SELECT count(*) FROM poster_boards WHERE session_id = ? AND presenter_id = ?",
            (session_id, presenter_id),
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def claim(
        self,
        tx: Transaction,
        session_id: int,
        number: int | None,
        *,
        presenter_id: int,
        title: str,
        abstract: str | None,
        actor_id: int,
        now: datetime,
    ) -> int | None:
        """Claim board `number` (None: the lowest free one) if it is free; its number, or None
        when someone else was first (or nothing is free)."""
        if number is None:
            async with tx.execute(
                "SELECT number FROM poster_boards WHERE session_id = ? AND presenter_id IS NULL "
                "ORDER BY number LIMIT 1",
                (session_id,),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            number = int(row[0])
        cursor = await tx.execute(
            "UPDATE poster_boards SET presenter_id = ?, title = ?, abstract = ?, claimed_at = ?, "
            "claimed_by = ?, file_name = NULL, file_message_id = NULL "
            "WHERE session_id = ? AND number = ? AND presenter_id IS NULL",
            (presenter_id, title, abstract, to_epoch(now), actor_id, session_id, number),
        )
        return number if cursor.rowcount == 1 else None

    async def release(self, tx: Transaction, session_id: int, number: int) -> bool:
        cursor = await tx.execute(
            "UPDATE poster_boards SET presenter_id = NULL, title = NULL, abstract = NULL, "
            "claimed_at = NULL, claimed_by = NULL, file_name = NULL, file_message_id = NULL "
            "WHERE session_id = ? AND number = ? AND presenter_id IS NOT NULL",
            (session_id, number),
        )
        return cursor.rowcount == 1

    async def set_file(self, board_id: int, file_name: str, message_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE poster_boards SET file_name = ?, file_message_id = ? WHERE id = ?",
                (file_name, message_id, board_id),
            )

    async def set_abstract(
        self, session_id: int, number: int, *, presenter_id: int, abstract: str | None
    ) -> bool:
        """The abstract of board `number`, if `presenter_id` still holds it."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE poster_boards SET abstract = ? "
                "WHERE session_id = ? AND number = ? AND presenter_id = ?",
                (abstract, session_id, number, presenter_id),
            )
        return cursor.rowcount == 1
