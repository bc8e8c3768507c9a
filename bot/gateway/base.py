"""What every part of the gateway shares: the client and the cache lookups."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.cogs.embeds import Renderer


class GatewayBase:
    def __init__(self, client: discord.Client, renderer: Renderer) -> None:
        self._client = client
        self._renderer = renderer

    @property
    def bot_user_id(self) -> int:
        if self._client.user is None:
            raise RuntimeError("not logged in")
        return self._client.user.id

    def _guild(self, guild_id: int) -> discord.Guild:
        guild = self._client.get_guild(guild_id)
        if guild is None:
            raise LookupError(f"guild {guild_id} is not available")
        return guild

    def _messageable(self, channel_id: int) -> discord.abc.Messageable:
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise LookupError(f"channel {channel_id} is not a channel the bot can post in")
        return channel
