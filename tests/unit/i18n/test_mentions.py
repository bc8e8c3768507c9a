"""Commands in messages: every `{/command}` and `{/command:option}` of the catalogs names a real
command or option of the tree, and becomes a mention with an id or the reader's names without."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from discord import app_commands

from bot.app import build_bot
from bot.i18n import LOCALES, Catalog, load_catalog_file
from bot.i18n.mentions import PLACEHOLDER, CommandIds, references
from bot.settings import Settings


def walk(
    commands: list[app_commands.Command | app_commands.Group],  # type: ignore[type-arg]
) -> Iterator[app_commands.Command | app_commands.Group]:  # type: ignore[type-arg]
    for command in commands:
        yield command
        if isinstance(command, app_commands.Group):
            yield from walk(list(command.commands))


async def _tree(database: Path) -> dict[str, set[str]]:
    bot = build_bot(Settings(database=database))
    await bot.setup_hook()
    try:
        found: dict[str, set[str]] = {}
        for command in walk(list(bot.tree.get_commands())):
            options = (
                {p.name for p in command.parameters}
                if isinstance(command, app_commands.Command)
                else set()
            )
            found[command.qualified_name] = options
        return found
    finally:
        await bot.close()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """Every command and group of the bot by qualified name, with its options."""
    return asyncio.run(_tree(tmp_path_factory.mktemp("tree") / "w.db"))


def test_every_placeholder_names_a_real_command_or_option(tree: dict[str, set[str]]) -> None:
    seen = 0
    for locale in LOCALES:
        for key, text in load_catalog_file(locale).items():
            for ref in references(text):
                seen += 1
                assert ref.qualified_name in tree, f"{locale} {key}: no command /{ref}"
                if ref.option is not None:
                    assert ref.option in tree[ref.qualified_name], (
                        f"{locale} {key}: /{ref.qualified_name} has no option {ref.option}"
                    )
            # Anything that looks like a command placeholder must be one.
            assert text.count("{/") == len(PLACEHOLDER.findall(text)), f"{locale} {key}"
    assert seen > 40


def test_both_languages_name_the_same_commands() -> None:
    en, ja = load_catalog_file("en"), load_catalog_file("ja")
    for key, text in en.items():
        assert sorted(map(repr, references(text))) == sorted(map(repr, references(ja[key]))), key


def test_no_message_names_a_command_as_plain_text(tree: dict[str, set[str]]) -> None:
    """`/room open` written out would show in English to everyone and not be clickable."""
    top = sorted({name.split()[0] for name in tree})
    plain = re.compile(r"(?<![\w<{/.-])/(" + "|".join(map(re.escape, top)) + r")\b")
    for locale in LOCALES:
        for key, text in load_catalog_file(locale).items():
            assert not plain.search(PLACEHOLDER.sub("", text)), f"{locale} {key}: {text!r}"


def test_english_names_in_the_catalog_are_the_commands_own(tree: dict[str, set[str]]) -> None:
    """Without ids the English fallback comes from en.toml: it must match the tree."""
    en = load_catalog_file("en")
    for qualified, options in tree.items():
        base = "commands." + ".".join(qualified.split())
        assert en[f"{base}.name"] == qualified.split()[-1], qualified
        for option in options:
            assert en[f"{base}.options.{option}.name"] == option, f"{qualified} {option}"


def catalog(ids: dict[str, int] | None = None) -> Catalog:
    known = CommandIds()
    if ids:
        known.learn(ids)
    return Catalog.load(default_locale="ja", commands=known)


def test_a_command_is_a_mention_once_its_id_is_known() -> None:
    text = catalog({"attendance": 111}).t("attendance.me_footer", "en-US")
    assert text == "Delete your records: </attendance forget-me:111>"
    assert (
        catalog({"attendance": 111})
        .t("attendance.me_footer", "ja")
        .endswith("</attendance forget-me:111>")
    )


def test_without_an_id_a_command_is_its_name_in_the_readers_language() -> None:
    assert catalog().t("attendance.me_footer", "ja") == "記録の削除：`/出席 記録削除`"
    assert catalog().t("attendance.me_footer", "en-GB") == (
        "Delete your records: `/attendance forget-me`"
    )
    assert catalog().t("attendance.me_footer", "fr") == "記録の削除：`/出席 記録削除`"  # workshop's


def test_an_option_is_its_name_in_the_readers_language() -> None:
    known = catalog({"poster": 5, "room": 6})
    assert known.t("errors.room_pick_one", "ja") == (
        "ルームを複数持っています。「ルーム」オプションで対象を指定してください。"
    )
    assert "“presenter” of </poster claim:5>" in known.t("help.organizer", "en")
    assert "</poster claim:5> の「発表者」" in known.t("help.organizer", "ja")


def test_parameters_are_filled_after_commands_and_never_read_as_commands() -> None:
    known = catalog({"room": 6})
    text = known.t("errors.room_max_open", "en", max="{/workshop setup}")
    assert text.startswith("{/workshop setup} topic rooms are open already")
    assert text.endswith("(</room list:6>).")


def test_board_templates_keep_their_own_placeholders() -> None:
    """The board fills `{rooms}` itself: a template read without parameters keeps them."""
    text = catalog({"room": 6}).t("board.more_rooms", "en")
    assert text == "+{rooms} more rooms ({people} inside): </room list:6>"
    assert text.format(rooms=3, people=4) == "+3 more rooms (4 inside): </room list:6>"


def test_offline_the_catalog_names_commands(tmp_path: Path) -> None:
    """The CLI loads the catalogs without a bot: no ids, names."""
    assert "`/workshop status`" in Catalog.load().t("refusals.leftovers", "en")
