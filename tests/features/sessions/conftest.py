"""The sessions tests run against the sandbox like every end-to-end test (the same fixtures:
`world`, `sandbox`, a test fails on any ERROR log); the unit tests get a migrated database in a
real SQLite file."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database
from tests.world import community, sandbox, swallowed_errors, world

__all__ = ["community", "db", "sandbox", "swallowed_errors", "world"]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "workshop.db")
    await database.open()
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()
