"""Migrations and the store on real SQLite files."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.store.db import Database
from bot.store.migrate import MigrationError, default_migrations_dir, discover


def write_migrations(folder: Path, *scripts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, sql in enumerate(scripts, start=1):
        (folder / f"{number:04d}_step{number}.sql").write_text(sql, encoding="utf-8")
    return folder


async def test_fresh_database_gets_every_migration_and_no_backup(tmp_path: Path) -> None:
    db = Database(tmp_path / "data" / "w.db")
    await db.open()
    try:
        result = await db.migrate()
        assert result.from_version == 0
        assert result.to_version == len(discover(default_migrations_dir()))
        assert result.backup is None
        assert await db.fetch_value("PRAGMA user_version") == result.to_version
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
        assert await db.fetch_value("PRAGMA busy_timeout") == 5000
        again = await db.migrate()
        assert again.applied == ()
    finally:
        await db.close()
    assert not list((tmp_path / "data").glob("*.bak-*"))


async def test_upgrade_from_an_older_schema_keeps_data_and_backs_up(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    v1 = "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT;"
    write_migrations(folder, v1)
    path = tmp_path / "w.db"
    db = Database(path, migrations_dir=folder)
    await db.open()
    await db.migrate()
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO note (body) VALUES ('kept')")
    await db.close()

    write_migrations(folder, v1, "ALTER TABLE note ADD COLUMN author TEXT NOT NULL DEFAULT 'x';")
    db = Database(path, migrations_dir=folder)
    await db.open()
    try:
        result = await db.migrate()
        assert (result.from_version, result.to_version) == (1, 2)
        assert result.applied == ("0002_step2",)
        assert result.backup is not None and result.backup.exists()
        row = await db.fetch_one("SELECT body, author FROM note")
        assert row is not None and tuple(row) == ("kept", "x")
    finally:
        await db.close()
    # The backup is a complete database at the old version, data included.
    with sqlite3.connect(result.backup) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT body FROM note").fetchall() == [("kept",)]


async def test_real_schema_upgrade_from_a_v1_file(tmp_path: Path) -> None:
    """A database written at schema 1 upgrades to the current schema with its rows intact."""
    folder = tmp_path / "v1"
    folder.mkdir()
    real = discover(default_migrations_dir())
    (folder / real[0].path.name).write_text(real[0].path.read_text("utf-8"), encoding="utf-8")
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
        assert result.to_version == len(real)
        assert await db.fetch_value("SELECT count(*) FROM audit_log") == 1
        if len(real) > 1:
            assert result.backup is not None
    finally:
        await db.close()


async def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    folder = write_migrations(
        tmp_path / "m",
        "CREATE TABLE a (id INTEGER PRIMARY KEY);",
        "CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO nope VALUES (1);",
    )
    db = Database(tmp_path / "w.db", migrations_dir=folder)
    await db.open()
    try:
        with pytest.raises(MigrationError, match="0002_step2"):
            await db.migrate()
        assert await db.fetch_value("PRAGMA user_version") == 1
        tables = await db.fetch_all("SELECT name FROM sqlite_master WHERE type='table'")
        assert [r[0] for r in tables] == ["a"]
    finally:
        await db.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    db = Database(path)
    await db.open()
    try:
        with pytest.raises(MigrationError, match="newer workshop-bot"):
            await db.migrate()
    finally:
        await db.close()


def test_migration_files_are_numbered_without_gaps(tmp_path: Path) -> None:
    assert discover(default_migrations_dir())[0].version == 1
    write_migrations(tmp_path, "SELECT 1;")
    (tmp_path / "0003_late.sql").write_text("SELECT 1;", encoding="utf-8")
    with pytest.raises(MigrationError, match="without gaps"):
        discover(tmp_path)


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.db")
    await db.open()
    await db.migrate()
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO audit_log (guild_id, actor_id, action, created_at) "
                    "VALUES (1, 2, 'x', 3)"
                )
                raise RuntimeError("boom")
        assert await db.fetch_value("SELECT count(*) FROM audit_log") == 0
    finally:
        await db.close()


@pytest.mark.parametrize("yields", range(10))
async def test_a_transaction_cancelled_at_any_point_leaves_the_connection_usable(
    tmp_path: Path, yields: int
) -> None:
    """A task cancelled while its BEGIN, a statement or its COMMIT is on the worker thread (a
    service stopping at shutdown) must not leave a transaction open for every later writer."""
    db = Database(tmp_path / "w.db")
    await db.open()
    await db.migrate()
    insert = "INSERT INTO audit_log (guild_id, actor_id, action, created_at) VALUES (1, 2, ?, 3)"

    async def write() -> None:
        async with db.transaction() as conn:
            await conn.execute(insert, ("cancelled",))

    try:
        task = asyncio.create_task(write())
        for _ in range(yields):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with db.transaction() as conn:
            await conn.execute(insert, ("after",))
        actions = [r[0] for r in await db.fetch_all("SELECT action FROM audit_log")]
        assert actions in (["after"], ["cancelled", "after"])
    finally:
        await db.close()
