"""The rooms unit tests' database (the end-to-end fixtures come from tests/world.py)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database
from tests.fakes.rooms import database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database in a real SQLite file."""
    async with database(tmp_path / "w.db") as opened:
        yield opened
