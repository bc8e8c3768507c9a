"""README.md and README.ja.md are one document in two languages: they link to each other, start
with the same commands, have the same sections, and every slash command, CLI subcommand and
option they name exists (a Japanese command name as the Japanese client shows it counts)."""

from __future__ import annotations

import argparse
import asyncio
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from discord import app_commands

from bot.app import build_bot
from bot.cli import _parser
from bot.i18n import load_catalog_file
from bot.settings import Settings
from tests.unit.i18n.test_ja_style import mixed_punctuation

ROOT = Path(__file__).resolve().parents[2]
READMES = {
    name: (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "README.ja.md")
}
_FENCED = re.compile(r"^```[^\n]*\n(.*?)^```$", re.DOTALL | re.MULTILINE)


_CODE = "\u27e6code\u27e7"  # where a code block was, in `sections`


def prose(text: str, mark: str = "") -> str:
    """The text without its fenced code blocks (each replaced by `mark`)."""
    return _FENCED.sub(mark, text)


def sections(text: str, level: str = "##") -> dict[str, str]:
    """Heading -> body of each `level` section (a `#` line in a code block starts none; each
    block is left as one mark)."""
    parts = re.split(rf"^{level} (.+)$", prose(text, _CODE), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def units(text: str) -> Iterator[str]:
    """Each inline code span (whitespace runs made one space) and each line of a code block
    (a line ending in a backslash continues)."""
    for span in re.findall(r"`([^`]+)`", prose(text)):
        yield re.sub(r"\s+", " ", span).strip()
    for block in _FENCED.findall(text):
        yield from block.replace("\\\n", " ").splitlines()


# Slash commands ------------------------------------------------------------------------------


def walk(
    commands: list[app_commands.Command | app_commands.Group],  # type: ignore[type-arg]
) -> Iterator[app_commands.Command | app_commands.Group]:  # type: ignore[type-arg]
    for command in commands:
        yield command
        if isinstance(command, app_commands.Group):
            yield from walk(list(command.commands))


async def _tree(database: Path) -> dict[str, set[str] | None]:
    """Qualified name -> option names (None for a group), for the bot's real command tree."""
    bot = build_bot(Settings(database=database))
    await bot.setup_hook()
    try:
        return {
            c.qualified_name: (
                {p.name for p in c.parameters} if isinstance(c, app_commands.Command) else None
            )
            for c in walk(list(bot.tree.get_commands()))
        }
    finally:
        await bot.close()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str] | None]:
    """The tree by English name, and again by Japanese name (as a Japanese client shows it)."""
    english = asyncio.run(_tree(tmp_path_factory.mktemp("tree") / "w.db"))
    ja = load_catalog_file("ja")
    both = dict(english)
    for qualified, options in english.items():
        parts = qualified.split()
        names = [ja[f"commands.{'.'.join(parts[: i + 1])}.name"] for i in range(len(parts))]
        base = "commands." + ".".join(parts)
        localized = None if options is None else {ja[f"{base}.options.{o}.name"] for o in options}
        both[" ".join(names)] = localized
        if options is not None and localized is not None:
            both[qualified] = options | localized
    return both


_SLASH = re.compile(r"^/([^\s/|]+)(?:\s|$)")
_PATHS = {"/data"}  # a span that is a path in the container, not a command


def slash_commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """(qualified name, options named) for every command in a code span: `/room open topic
    [limit]`, `/session edit|open|close|cancel`, `/attendance export per_person:True`."""
    for unit in units(text):
        if not _SLASH.match(unit) or unit in _PATHS:
            continue
        words = re.sub(r"\|\s+", "|", unit[1:]).split()
        yield words[0], words[1:]


def test_every_slash_command_named_exists(tree: dict[str, set[str] | None]) -> None:
    for name, text in READMES.items():
        seen = 0
        for top, rest in slash_commands(text):
            assert top in tree, f"{name}: no command /{top}"
            qualified = [top]
            if tree[top] is None and rest:  # a group: the next word is its subcommand(s)
                subs, rest = rest[0].split("|"), rest[1:]
                qualified = [f"{top} {sub}" for sub in subs]
            for command in qualified:
                assert command in tree, f"{name}: no command /{command}"
                options = tree[command] or set()
                for word in rest:
                    option = word.strip("[]").split(":")[0]
                    assert option in options, f"{name}: /{command} has no option {option!r}"
                seen += 1
        assert seen > 40, name


# The command line ----------------------------------------------------------------------------

# Where `workshop-bot` is a Docker image or container name, not the command.
_DOCKER_NAME_BEFORE = {"-t", "--name", "exec", "start", "restart", "logs", "-f", "rm"}


def _subcommands() -> dict[str, set[str]]:
    parser = _parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {name: set(p._option_string_actions) for name, p in sub.choices.items()}


def cli_commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """(subcommand, options named) of every `workshop-bot X …` in code spans and blocks."""
    for unit in units(text):
        words = unit.split()
        for i, word in enumerate(words[:-1]):
            if word.split("/")[-1] != "workshop-bot":
                continue
            if i > 0 and words[i - 1] in _DOCKER_NAME_BEFORE:
                continue
            command = words[i + 1]
            if command == "workshop-bot" or not re.fullmatch(r"[a-z][a-z-]*", command):
                continue
            options = []
            for later in words[i + 2 :]:
                if later in ("&&", "|", ">", "#", ";") or later.split("/")[-1] == "workshop-bot":
                    break
                if m := re.match(r"^\[?(--[a-z-]+)", later):
                    options.append(m.group(1))
            yield command, options


def test_every_cli_subcommand_and_option_named_exists() -> None:
    known = _subcommands()
    for name, text in READMES.items():
        seen = set()
        for command, options in cli_commands(text):
            assert command in known, f"{name}: no subcommand workshop-bot {command}"
            for option in options:
                assert option in known[command], f"{name}: workshop-bot {command} has no {option}"
            seen.add(command)
        assert seen == set(known), f"{name} never names {set(known) - seen}"


# The two languages ---------------------------------------------------------------------------


def test_each_readme_links_to_the_other_first() -> None:
    assert READMES["README.md"].startswith("[日本語](README.ja.md)\n")
    assert READMES["README.ja.md"].startswith("[English](README.md)\n")


def _quick_start_commands(text: str) -> list[str]:
    first = next(iter(sections(text).keys()))
    start = text.index(f"\n## {first}\n")
    end = text.index("\n## ", start + 1)
    body = text[start:end]
    blocks = re.findall(r"```sh\n(.*?)\n```", body, re.DOTALL)
    spans = [s for s in re.findall(r"`([^`\n]+)`", prose(body)) if ".venv/bin/" in s]
    return blocks + spans


def test_the_quick_start_commands_are_the_same() -> None:
    en, ja = (_quick_start_commands(READMES[n]) for n in ("README.md", "README.ja.md"))
    assert len(en) >= 4
    assert en == ja


def test_the_same_sections() -> None:
    en, ja = (sections(READMES[n]) for n in ("README.md", "README.ja.md"))
    assert len(en) == len(ja)
    for (en_title, en_body), (ja_title, ja_body) in zip(en.items(), ja.items(), strict=True):
        assert len(sections(en_body, "###")) == len(sections(ja_body, "###")), (en_title, ja_title)
        assert en_body.count(_CODE) == ja_body.count(_CODE), (en_title, ja_title)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    kept = (
        ch for ch in heading.strip().lower() if ch in " -_" or unicodedata.category(ch)[0] in "LMN"
    )
    return "".join(kept).replace(" ", "-")


@pytest.mark.parametrize("name", READMES)
def test_every_link_inside_the_readme_has_its_heading(name: str) -> None:
    text = READMES[name]
    anchors = {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", prose(text), re.MULTILINE)}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links
    for link in links:
        assert link in anchors, f"{name}: no heading for #{link}"


@pytest.mark.parametrize("name", READMES)
def test_no_readme_points_outside_the_repository(name: str) -> None:
    assert "../shared" not in READMES[name]
    assert "/work/" not in READMES[name]


def test_the_japanese_readme_punctuation_is_full_width() -> None:
    bad = [line for line in prose(READMES["README.ja.md"]).splitlines() if mixed_punctuation(line)]
    assert not bad


@pytest.mark.parametrize("name", READMES)
def test_every_file_named_exists(name: str) -> None:
    """A path the README names in its text (`bench/voice_burst.py`) is in the repository; only
    the organizer's own settings file is theirs to make. (The architecture block is a sketch.)"""
    named = {
        word
        for span in re.findall(r"`([^`]+)`", prose(READMES[name]))
        for word in span.split()
        if re.fullmatch(r"(bot|tests|bench|config)/[\w./-]+\.\w+", word)
    }
    assert len(named) > 5
    missing = {p for p in named if not (ROOT / p).exists()} - {"config/workshop.toml"}
    assert not missing, f"{name} names files that do not exist: {missing}"
