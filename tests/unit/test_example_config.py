"""`config/workshop.example.toml` is the settings reference an organizer copies: it loads through
the bot's own loader to exactly the defaults, names every setting, and explains each one in
English and then in Japanese (the Japanese in the catalog's punctuation style)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.settings import Section, Settings, load_settings
from tests.unit.i18n.test_ja_style import JAPANESE, mixed_punctuation

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "workshop.example.toml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
_JAPANESE = re.compile(f"[{JAPANESE}]")
# Kana or Japanese punctuation: a Japanese line (an English line may quote a name such as 運営).
_KANA = re.compile("[\u3041-\u30ff\u3001\u3002\uff08\uff09\uff1a]")
_COMMENTED_KEY = re.compile(r"^#\s?(\w+) = ")  # `# title = "…"`: a setting left out, not prose
# What the environment gives, not the file.
_ENVIRONMENT_ONLY = {
    "discord_token",
    "discord_token_file",
    "discord_api_base",
    "discord_gateway_url",
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("WORKSHOP_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's


def test_the_example_loads_to_exactly_the_defaults(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKSHOP_CONFIG", str(EXAMPLE))
    from_example = load_settings()
    monkeypatch.setenv("WORKSHOP_CONFIG", str(tmp_path / "empty.toml"))
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    assert from_example.model_dump() == load_settings().model_dump()


def _settings_keys() -> set[str]:
    keys: set[str] = set()
    for name, field in Settings.model_fields.items():
        if name in _ENVIRONMENT_ONLY:
            continue
        section = field.annotation
        if isinstance(section, type) and issubclass(section, Section):
            keys |= {f"{name}.{sub}" for sub in section.model_fields}
        else:
            keys.add(name)
    return keys


def _example_keys() -> set[str]:
    """Every key the example sets, and every key it shows commented out (`# title = …`)."""
    keys: set[str] = set()
    for name, value in tomllib.loads(TEXT).items():
        if isinstance(value, dict):
            keys |= {f"{name}.{sub}" for sub in value}
        else:
            keys.add(name)
    section = ""
    for line in TEXT.splitlines():
        if m := re.match(r"^\[(\w+)\]$", line):
            section = m.group(1) + "."
        elif m := _COMMENTED_KEY.match(line):
            keys.add(section + m.group(1))
    return keys


def test_the_example_names_every_setting() -> None:
    assert _example_keys() == _settings_keys()


def _comment_blocks() -> list[list[str]]:
    """Runs of comment lines (a bare `#` splits a run), without commented-out settings."""
    blocks: list[list[str]] = [[]]
    for line in TEXT.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#") or stripped == "#":
            blocks.append([])
        elif not _COMMENTED_KEY.match(stripped):
            blocks[-1].append(stripped.removeprefix("#").strip())
    return [b for b in blocks if b]


def test_every_comment_is_in_english_then_in_japanese() -> None:
    blocks = _comment_blocks()
    assert len(blocks) >= 20
    for block in blocks:
        japanese = [bool(_KANA.search(line)) for line in block]
        assert japanese[0] is False, f"no English before: {block[0]!r}"
        assert japanese[-1] is True, f"no Japanese after: {block[-1]!r}"
        turn = japanese.index(True)
        assert all(japanese[turn:]), f"English and Japanese interleave: {block!r}"


def test_the_japanese_comments_follow_the_catalog_style() -> None:
    for block in _comment_blocks():
        for line in block:
            if _JAPANESE.search(line):
                assert not mixed_punctuation(line), line
