"""discord.py Translator: Japanese names and descriptions for every command, group and option.

Keys are derived from the command tree: `commands.<group>.<command>.name` / `.description` and
`commands.<group>.<command>.options.<option>.name` / `.description`; choices carry their own key
(`locale_str(..., key="choices....")`). English is the commands' own text.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Loc

from bot.i18n import Catalog

_NAMES = (Loc.command_name, Loc.group_name, Loc.parameter_name, Loc.choice_name)
TRANSLATED = {discord.Locale.japanese: "ja"}


def command_key(qualified_name: str) -> str:
    return "commands." + ".".join(qualified_name.split())


def key_for(
    string: app_commands.locale_str, context: app_commands.TranslationContextTypes
) -> str | None:
    explicit = string.extras.get("key")
    if isinstance(explicit, str):
        return explicit
    data = context.data
    field = "name" if context.location in _NAMES else "description"
    if isinstance(data, app_commands.Command | app_commands.Group):
        return f"{command_key(data.qualified_name)}.{field}"
    if isinstance(data, app_commands.Parameter):
        return f"{command_key(data.command.qualified_name)}.options.{data.name}.{field}"
    return None


class CatalogTranslator(app_commands.Translator):
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        target = TRANSLATED.get(locale)
        if target is None:
            return None
        key = key_for(string, context)
        if key is None:
            return None
        return self.catalog.raw(key, target)
