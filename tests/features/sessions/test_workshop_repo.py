"""workshops (migration 0010): the title a guild's schedule files name, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.features.sessions.workshop_repo import WorkshopRepository
from bot.store.db import Database
from bot.store.migrate import default_migrations_dir, discover
from bot.store.uow import UnitOfWork

NOW = datetime(2027, 6, 1, tzinfo=UTC)


async def test_the_title_is_kept_per_guild_and_replaced(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.db")
    await db.open()
    await db.migrate()
    repo = WorkshopRepository(db)
    uow = UnitOfWork(db)
    try:
        assert await repo.title(1) is None
        async with uow.transaction() as tx:
            await repo.set_title(tx, 1, "Summer camp", NOW)
            await repo.set_title(tx, 2, "サマーキャンプ", NOW)
        async with uow.transaction() as tx:
            await repo.set_title(tx, 1, "Summer camp 2027", NOW)
        assert await repo.title(1) == "Summer camp 2027"
        assert await repo.title(2) == "サマーキャンプ"
        assert await db.fetch_value("SELECT count(*) FROM workshops") == 2
        for bad in ("", "x" * 201):
            with pytest.raises(sqlite3.IntegrityError):
                async with uow.transaction() as tx:
                    await repo.set_title(tx, 3, bad, NOW)
        assert await repo.title(3) is None
    finally:
        await db.close()


async def test_a_database_of_schema_9_gets_the_table_and_keeps_its_rows(tmp_path: Path) -> None:
    folder = tmp_path / "v9"
    folder.mkdir()
    real = discover(default_migrations_dir())
    assert real[9].name == "0010_workshops"
    for migration in real[:9]:
        (folder / migration.path.name).write_text(migration.path.read_text("utf-8"), "utf-8")
    path = tmp_path / "w.db"
    db = Database(path, migrations_dir=folder)
    await db.open()
    await db.migrate()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, created_at) VALUES (1, 2, 'x', 3)"
        )
    await db.close()

    db = Database(path)
    await db.open()
    try:
        result = await db.migrate()
        # 0010 first; later features' migrations follow it (their own tests cover them).
        assert (result.from_version, result.applied[0]) == (9, "0010_workshops")
        assert list(result.applied) == sorted(result.applied)
        assert result.backup is not None and result.backup.exists()
        assert await db.fetch_value("SELECT count(*) FROM audit_log") == 1
        assert await WorkshopRepository(db).title(1) is None
    finally:
        await db.close()
