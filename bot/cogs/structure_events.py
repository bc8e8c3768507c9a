"""Gateway events that make the reconciler converge the base structure again."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import WorkshopBot

log = logging.getLogger(__name__)


class StructureEvents(commands.Cog):
    def __init__(self, bot: WorkshopBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Startup, reconnect with a new session: converge whatever changed while away."""
        if not self.bot.serves(guild.id) or self.bot.closing:
            return
        try:
            await self.bot.services.structure.reconcile(guild.id, verify_board=True)
        finally:
            self.bot.mark_reconciled(guild.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        if self.bot.serves(channel.guild.id) and not self.bot.closing:
            await self.bot.services.structure.on_channel_deleted(channel.guild.id, channel.id)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if (
            payload.guild_id is not None
            and self.bot.serves(payload.guild_id)
            and not self.bot.closing
        ):
            await self.bot.services.structure.on_message_deleted(payload.message_id)
