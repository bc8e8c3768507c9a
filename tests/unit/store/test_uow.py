"""The unit of work: one BEGIN IMMEDIATE .. COMMIT per block, rolled back on any exception."""

from pathlib import Path

import pytest

from bot.store.db import Database
from bot.store.uow import UnitOfWork


async def test_a_block_commits_whole_or_not_at_all(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.db")
    await db.open()
    try:
        await db.conn.execute("CREATE TABLE t (v INTEGER)")
        uow = UnitOfWork(db)
        async with uow.transaction() as tx:
            await tx.execute("INSERT INTO t (v) VALUES (?)", (1,))
            await tx.executemany("INSERT INTO t (v) VALUES (?)", [(2,), (3,)])
        with pytest.raises(RuntimeError):
            async with uow.transaction() as tx:
                await tx.execute("INSERT INTO t (v) VALUES (?)", (4,))
                raise RuntimeError("undo")
        async with uow.transaction() as tx, tx.execute("SELECT count(*) FROM t") as cursor:
            row = await cursor.fetchone()
            assert row is not None and tuple(row) == (3,)
    finally:
        await db.close()
