"""The unit of work services write through, so that only bot/store knows aiosqlite.

A service opens `async with uow.transaction() as tx:` and hands `tx` to its repositories; the
repositories run their SQL on it; the transaction commits when the block ends and rolls back on
any exception (the boundaries of `Database.transaction()`, whose writer lock it holds).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiosqlite
    from aiosqlite.context import Result

    from bot.store.db import Database


class Transaction:
    """One open BEGIN IMMEDIATE .. COMMIT. Services only pass it on; repositories execute on it
    (`await tx.execute(...)` or `async with tx.execute(...) as cursor`)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Iterable[Any] = ()) -> Result[aiosqlite.Cursor]:
        return self._conn.execute(sql, tuple(params))

    def executemany(self, sql: str, params: Iterable[Iterable[Any]]) -> Result[aiosqlite.Cursor]:
        return self._conn.executemany(sql, params)


class UnitOfWork:
    """What a service receives instead of the database: short write transactions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._db.transaction() as conn:
            yield Transaction(conn)
