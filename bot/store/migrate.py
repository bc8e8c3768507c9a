"""Forward-only numbered migrations (`migrations/NNNN_name.sql`) versioned by PRAGMA user_version.

Before an existing database file is migrated, a consistent copy is written next to it
(`<name>.bak-v<old>-<epoch>`), with `VACUUM INTO` so the copy includes what is still in the WAL.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    """The schema cannot be brought up to date. `str()` is the English line (logs); `key` and
    `params` name the message of `cli.migrate` for the operator, in the workshop's locale."""

    def __init__(self, message: str, key: str, /, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class MigrationResult:
    from_version: int
    to_version: int
    applied: tuple[str, ...]
    backup: Path | None


def default_migrations_dir() -> Path:
    return Path(__file__).with_name("migrations")


def discover(migrations_dir: Path) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(migrations_dir.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(
                f"migration file {path.name} is not named NNNN_name.sql", "bad_name", name=path.name
            )
        found.append(Migration(int(match.group(1)), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(
            f"migrations must be numbered 0001.. without gaps, got {versions}",
            "gaps",
            versions=", ".join(str(v) for v in versions),
        )
    return found


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _has_tables(conn: aiosqlite.Connection) -> bool:
    async with conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        row = await cursor.fetchone()
    return bool(row and row[0])


async def backup(conn: aiosqlite.Connection, db_path: Path, version: int) -> Path:
    target = db_path.with_name(f"{db_path.name}.bak-v{version}-{int(time.time())}")
    n = 1
    while target.exists():
        target = db_path.with_name(f"{db_path.name}.bak-v{version}-{int(time.time())}-{n}")
        n += 1
    await conn.execute("VACUUM INTO ?", (str(target),))
    return target


async def apply_migrations(
    conn: aiosqlite.Connection, db_path: Path | str, migrations_dir: Path
) -> MigrationResult:
    migrations = discover(migrations_dir)
    latest = len(migrations)
    start = await current_version(conn)
    if start > latest:
        raise MigrationError(
            f"the database is at schema version {start} but this bot knows only {latest}: "
            "it was written by a newer workshop-bot; upgrade the bot instead",
            "newer",
            version=start,
            latest=latest,
        )
    pending = [m for m in migrations if m.version > start]
    if not pending:
        return MigrationResult(start, start, (), None)

    copy: Path | None = None
    if isinstance(db_path, Path) and (start > 0 or await _has_tables(conn)):
        copy = await backup(conn, db_path, start)
        log.info("database backed up to %s before migrating", copy)

    applied: list[str] = []
    for migration in pending:
        sql = migration.path.read_text(encoding="utf-8")
        # One migration is one transaction, user_version included: all of it or none of it.
        script = f"BEGIN IMMEDIATE;\n{sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await conn.executescript(script)
        except Exception as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise MigrationError(
                f"migration {migration.name} failed: {exc}",
                "failed",
                name=migration.name,
                error=str(exc),
            ) from exc
        applied.append(migration.name)
        log.info("applied migration %s", migration.name)
    return MigrationResult(start, latest, tuple(applied), copy)
