"""The attendance tests run against the sandbox like every end-to-end test: the same fixtures
(`world`, `sandbox`, a test fails on any ERROR log)."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.db import Database
from tests.e2e.conftest import community, sandbox, swallowed_errors, world
from tests.fakes.attendance import database

__all__ = ["community", "db", "sandbox", "swallowed_errors", "world"]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database in a real SQLite file (the unit tests of attendance)."""
    async with database(tmp_path / "w.db") as opened:
        yield opened
