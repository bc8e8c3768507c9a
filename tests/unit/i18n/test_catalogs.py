"""Catalogs stay in step, and every command has valid Japanese names and descriptions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.app import build_bot
from bot.i18n import Catalog, load_catalog_file, pick_locale
from bot.i18n.translator import CatalogTranslator, command_key
from bot.settings import Settings

I18N = Path(__file__).resolve().parents[3] / "bot" / "i18n"
# Discord's rule for command and option names (CHAT_INPUT): letters of any script, digits, - and _
NAME = re.compile(r"^[-_\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")


def test_en_and_ja_have_identical_keys() -> None:
    en, ja = load_catalog_file("en"), load_catalog_file("ja")
    assert sorted(set(en) - set(ja)) == []
    assert sorted(set(ja) - set(en)) == []


def test_catalogs_are_valid_toml_with_placeholders_in_step() -> None:
    en, ja = load_catalog_file("en"), load_catalog_file("ja")
    placeholder = re.compile(r"\{(\w+)\}")
    for key, text in en.items():
        assert set(placeholder.findall(text)) == set(placeholder.findall(ja[key])), key
    for name in ("en.toml", "ja.toml"):
        with (I18N / name).open("rb") as fh:
            tomllib.load(fh)


@pytest.mark.parametrize(
    ("requested", "fallback", "expected"),
    [
        ("ja", "en", "ja"),
        ("en-US", "ja", "en"),
        ("en-GB", "ja", "en"),
        ("fr", "ja", "ja"),
        ("fr", "en", "en"),
        (None, "ja", "ja"),
        ("ko", "xx", "en"),
    ],
)
def test_locale_selection(requested: str | None, fallback: str, expected: str) -> None:
    assert pick_locale(requested, fallback) == expected


def test_messages_fall_back_and_fill_placeholders() -> None:
    catalog = Catalog(
        {"en": {"a": "Hi {name}", "b": "only en"}, "ja": {"a": "こんにちは {name}"}}, "ja"
    )
    assert catalog.t("a", "ja", name="x") == "こんにちは x"
    assert catalog.t("a", "de", name="x") == "こんにちは x"  # the workshop's locale
    assert catalog.t("b", "ja") == "only en"
    assert catalog.t("a", "en-US", name="x") == "Hi x"


def walk(commands: list[app_commands.Command | app_commands.Group]):  # type: ignore[no-untyped-def]
    for command in commands:
        yield command
        if isinstance(command, app_commands.Group):
            yield from walk(list(command.commands))


async def test_every_command_and_option_has_a_valid_japanese_translation(tmp_path: Path) -> None:
    bot = build_bot(Settings(database=tmp_path / "w.db"))
    await bot.setup_hook()
    try:
        translator = CatalogTranslator(bot.catalog)
        await bot.tree.set_translator(translator)
        payloads = [
            await c.get_translated_payload(bot.tree, translator) for c in bot.tree.get_commands()
        ]
        assert payloads, "no commands registered"

        def check(node: dict, path: str) -> None:  # type: ignore[type-arg]
            ja_name = node.get("name_localizations", {}).get("ja")
            ja_desc = node.get("description_localizations", {}).get("ja")
            assert ja_name, f"{path}: no ja name"
            assert NAME.match(ja_name) and ja_name == ja_name.lower(), (
                f"{path}: bad ja name {ja_name!r}"
            )
            assert NAME.match(node["name"]) and node["name"] == node["name"].lower(), path
            assert ja_desc and 1 <= len(ja_desc) <= 100, f"{path}: bad ja description {ja_desc!r}"
            assert 1 <= len(node["description"]) <= 100, path
            for option in node.get("options", []):
                check(option, f"{path} {option['name']}")

        for payload in payloads:
            check(payload, payload["name"])
    finally:
        await bot.close()


async def test_english_descriptions_in_the_catalog_are_the_decorators(tmp_path: Path) -> None:
    """The English text of every command and option is written in its decorator; the catalog's
    copy (kept so that en and ja have the same keys) must say exactly the same, and no more."""
    bot = build_bot(Settings(database=tmp_path / "w.db"))
    await bot.setup_hook()
    try:
        wanted: dict[str, str] = {}
        for command in walk(list(bot.tree.get_commands())):
            key = command_key(command.qualified_name)
            wanted[f"{key}.description"] = command.description
            if isinstance(command, app_commands.Command):
                for p in command.parameters:
                    wanted[f"{key}.options.{p.name}.description"] = p.description
        en = load_catalog_file("en")
        catalog = {
            k: v for k, v in en.items() if k.startswith("commands.") and k.endswith("description")
        }
        assert catalog == wanted
    finally:
        await bot.close()


def test_every_command_key_exists_in_both_catalogs() -> None:
    en = load_catalog_file("en")
    assert any(k.startswith("commands.") for k in en)
    for key, text in en.items():
        if key.startswith("commands.") and key.endswith(".name"):
            assert NAME.match(text) and text == text.lower(), key


def test_discord_locale_japanese_is_translated() -> None:
    assert discord.Locale.japanese.value == "ja"


def test_every_message_key_used_in_the_code_exists() -> None:
    """Catalog keys written as literals anywhere in bot/ (errors.*, import.*, ...) resolve."""
    en = load_catalog_file("en")
    pattern = re.compile(r"""["']((?:errors|import|setup|status|board|structure)\.[a-z_.]+)["']""")
    used: set[str] = set()
    for path in (I18N.parent).rglob("*.py"):
        if "sandbox" in path.parts:
            continue
        used.update(pattern.findall(path.read_text(encoding="utf-8")))
    dynamic_prefixes = tuple(k for k in used if k.endswith("."))
    missing = sorted(k for k in used if k not in en and k not in dynamic_prefixes)
    assert missing == []
