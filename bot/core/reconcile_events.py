"""Gateway events that make the reconciler converge Discord back to the database."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

log = logging.getLogger(__name__)


class ReconcileEvents(commands.Cog):
    def __init__(self, bot: WorkshopBot) -> None:
        self.bot = bot

    def _wanted(self, guild_id: int | None) -> bool:
        return guild_id is not None and self.bot.serves(guild_id) and not self.bot.closing

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """Startup, or a new gateway session: converge whatever changed while away."""
        if not self._wanted(guild.id):
            return
        try:
            await self.bot.services.permissions.check(guild.id, retry=False)
            await self.bot.services.reconciler.guild_available(guild.id)
        except Exception:
            log.exception("guild %s could not be reconciled", guild.id)
        finally:
            self.bot.mark_reconciled(guild.id)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        """A role of the bot (or @everyone) changed: its permissions may have."""
        guild = after.guild
        if self._wanted(guild.id) and (after.is_default() or after in guild.me.roles):
            await self.bot.services.permissions.check(guild.id)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        """The bot's roles changed (Discord sends the bot's own member updates without the
        members intent)."""
        if after.id == self.bot.services.gateway.bot_user_id and self._wanted(after.guild.id):
            await self.bot.services.permissions.check(after.guild.id)

    @commands.Cog.listener()
    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        self.bot.services.gateway.settled(channel.id)

    @commands.Cog.listener()
    async def on_guild_channel_update(
        self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        self.bot.services.gateway.settled(after.id)

    @commands.Cog.listener()
    async def on_scheduled_event_create(self, event: discord.ScheduledEvent) -> None:
        self.bot.services.gateway.settled(event.id)

    @commands.Cog.listener()
    async def on_scheduled_event_update(
        self, before: discord.ScheduledEvent, after: discord.ScheduledEvent
    ) -> None:
        self.bot.services.gateway.settled(after.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        gateway = self.bot.services.gateway
        gateway.settled(channel.id)
        if gateway.deleted_by_bot(channel.id):
            return
        if self._wanted(channel.guild.id):
            await self.bot.services.reconciler.object_deleted(channel.guild.id, channel.id)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if self._wanted(payload.guild_id):
            assert payload.guild_id is not None
            await self.bot.services.reconciler.object_deleted(payload.guild_id, payload.message_id)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        """A poster's forum post deleted by hand: its board still wants it."""
        gateway = self.bot.services.gateway
        gateway.settled(payload.thread_id)
        if gateway.deleted_by_bot(payload.thread_id):
            return
        if self._wanted(payload.guild_id):
            await self.bot.services.reconciler.object_deleted(payload.guild_id, payload.thread_id)

    @commands.Cog.listener()
    async def on_scheduled_event_delete(self, event: discord.ScheduledEvent) -> None:
        gateway = self.bot.services.gateway
        gateway.settled(event.id)
        if gateway.deleted_by_bot(event.id):
            return
        if self._wanted(event.guild_id):
            await self.bot.services.reconciler.object_deleted(event.guild_id, event.id)
