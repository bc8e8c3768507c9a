"""The agenda unit tests get a migrated database in a real SQLite file (the end-to-end fixtures
come from tests/world.py)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "workshop.db")
    await database.open()
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()
