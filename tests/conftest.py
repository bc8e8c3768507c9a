"""Every test runs with a clean environment: no settings leak in from the developer's shell,
config file or .env."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The sandbox, the bot and the `world` fixture, for every folder (tests/features/*, tests/e2e).
pytest_plugins = ("tests.world",)


@pytest.fixture(autouse=True)
def isolated_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in list(os.environ):
        if name.startswith(("WORKSHOP_", "DISCORD_")):
            monkeypatch.delenv(name)
    # A config path that does not exist: Settings() then runs on defaults + what the test sets.
    empty = tmp_path_factory.mktemp("cfg") / "absent.toml"
    monkeypatch.setattr("bot.settings.DEFAULT_CONFIG", Path(empty))
