"""One aiosqlite connection for the bot: WAL, foreign keys, busy timeout, short transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.migrate import MigrationResult, apply_migrations, default_migrations_dir

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000


class Database:
    """Owns the connection. Writes go through `transaction()`, which serializes writers.

    aiosqlite runs every statement on one worker thread, so statements never interleave, but two
    tasks could still interleave *transactions*; the lock keeps each BEGIN..COMMIT whole.
    """

    def __init__(self, path: Path | str, *, migrations_dir: Path | None = None) -> None:
        self.path = path if path == ":memory:" else Path(path)
        self.migrations_dir = migrations_dir or default_migrations_dir()
        self._conn: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    async def open(self) -> None:
        if self._conn is not None:
            return
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            # A file that is not a database: without the close, aiosqlite's worker thread
            # would keep the process from ever exiting.
            await conn.close()
            raise
        self._conn = conn

    async def migrate(self) -> MigrationResult:
        async with self._write_lock:
            return await apply_migrations(self.conn, self.path, self.migrations_dir)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE .. COMMIT, rolled back on any exception."""
        async with self._write_lock:
            conn = self.conn
            begin = asyncio.ensure_future(conn.execute("BEGIN IMMEDIATE"))
            try:
                await asyncio.shield(begin)
            except asyncio.CancelledError:
                # The BEGIN runs on the worker thread all the same: end what it opened before
                # the lock is released, or every later writer finds a transaction open.
                with contextlib.suppress(Exception):
                    await begin
                    await conn.execute("ROLLBACK")
                raise
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def fetch_one(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            row: aiosqlite.Row | None = await cursor.fetchone()
            return row

    async def fetch_all(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())

    async def fetch_value(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]
