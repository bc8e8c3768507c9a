"""Registering the slash commands with Discord: only ever from `workshop-bot sync`.

Discord allows 200 command creations per guild per day, so this never runs on start.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.app import WorkshopBot


async def sync_commands(bot: WorkshopBot, guild_id: int | None) -> list[app_commands.AppCommand]:
    """Upload the tree (with its ja localizations) to one guild, or globally when None.

    For a guild the global commands are copied into it, so they appear there at once (global
    commands can take a while to reach every client).
    """
    if guild_id is None:
        return await bot.tree.sync()
    guild = discord.Object(id=guild_id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)
