"""The end-to-end fixtures live in tests/world.py (shared by every test folder)."""

from tests.world import *  # noqa: F403
