"""Registering the slash commands with Discord: only ever from `workshop-bot sync`.

Discord allows 200 command creations per guild per day, so this never runs on start. What the
bot does on start is read back what was registered (one GET), to learn the ids that messages
need to mention commands (`</attendance me:ID>`, see bot/i18n/mentions.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

log = logging.getLogger(__name__)


def _ids(commands: Iterable[app_commands.AppCommand]) -> dict[str, int]:
    return {c.name: c.id for c in commands if c.type is discord.AppCommandType.chat_input}


async def sync_commands(bot: WorkshopBot, guild_id: int | None) -> list[app_commands.AppCommand]:
    """Upload the tree (with its ja localizations) to one guild, or globally when None.

    For a guild the global commands are copied into it, so they appear there at once (global
    commands can take a while to reach every client).
    """
    if guild_id is None:
        synced = await bot.tree.sync()
    else:
        guild = discord.Object(id=guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    bot.catalog.commands.learn(_ids(synced))
    return synced


async def learn_command_ids(bot: WorkshopBot) -> None:
    """Once at start: the ids of the commands `workshop-bot sync` registered, in the served
    guild (`sync --guild`) or else globally. Without them (never synced, Discord unreachable)
    messages name commands in words instead of mentions."""
    if bot.application_id is None:
        return  # not logged in (a test building the tree offline)
    guild_id = bot.settings.guild_id
    try:
        found: list[app_commands.AppCommand] = []
        if guild_id is not None:
            found = await bot.tree.fetch_commands(guild=discord.Object(id=guild_id))
        if not found:
            found = await bot.tree.fetch_commands()
    except discord.HTTPException as exc:
        log.warning("could not read the registered commands (%s): messages name them", exc)
        return
    ids = _ids(found)
    bot.catalog.commands.learn(ids)
    if not ids:
        log.info("no slash commands registered yet: run `workshop-bot sync`")
