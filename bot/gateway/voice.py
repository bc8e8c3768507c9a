"""Who is in which voice channel (from the gateway cache), and the live room board message."""

from __future__ import annotations

import discord

from bot.domain.permissions import Perm
from bot.gateway.base import GatewayBase, translate_errors


class VoiceMixin(GatewayBase):
    def occupants(self, guild_id: int, channel_id: int) -> tuple[str, ...]:
        """Display names of the people (not bots) in a voice or stage channel."""
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return ()
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return ()
        names = []
        for user_id in channel.voice_states:
            member = guild.get_member(user_id)
            if member is None:
                names.append(str(user_id))
            elif not member.bot:
                names.append(member.display_name)
        return tuple(names)

    def voice_channel_of(self, guild_id: int, user_id: int) -> int | None:
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return None
        member = guild.get_member(user_id)
        if member is None or member.voice is None or member.voice.channel is None:
            return None
        return member.voice.channel.id

    @translate_errors
    async def edit_board(
        self, channel_id: int, message_id: int, embed: discord.Embed, view: discord.ui.View
    ) -> bool:
        """Show the rendered board in its message; False when the message (or channel) is gone."""
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        try:
            with self._needs(None, Perm.VIEW_CHANNEL | Perm.EMBED_LINKS, channel_id):
                await channel.get_partial_message(message_id).edit(embed=embed, view=view)
        except discord.NotFound:
            return False
        return True
