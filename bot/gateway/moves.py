"""Voice moves (breakouts, the hallway), voice channel status lines, and short posts that name
people (the only ping is the people named)."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.domain.permissions import Perm
from bot.gateway.base import GatewayBase, translate_errors

NOT_IN_VOICE = 40032  # "Target user is not connected to voice"
UNKNOWN_MEMBER = 10007


class MovesMixin(GatewayBase):
    def members_in(self, guild_id: int, channel_id: int) -> list[int]:
        """Ids of the people (not bots) in a voice or stage channel, from the cache."""
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return []
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return []
        found = []
        for user_id in channel.voice_states:
            member = guild.get_member(user_id)
            if member is None or not member.bot:
                found.append(user_id)
        return sorted(found)

    def can_move(self, guild_id: int) -> bool:
        return bool(self.bot_permissions(guild_id) & (Perm.MOVE_MEMBERS | Perm.ADMINISTRATOR))

    @translate_errors
    async def move_member(self, guild_id: int, user_id: int, channel_id: int, reason: str) -> bool:
        """Move someone connected to voice into `channel_id`; False when they are not in voice
        (any more) or not in the server. discord.py's limiter waits out a 429 and retries the
        same request, so one call is one move."""
        guild = self._guild(guild_id)
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return False
        member = guild.get_member(user_id)
        try:
            with self._needs(guild_id, Perm.MOVE_MEMBERS | Perm.CONNECT, channel_id):
                if member is not None:
                    await member.move_to(channel, reason=reason)
                else:
                    await self._client.http.edit_member(
                        guild_id, user_id, channel_id=channel_id, reason=reason
                    )
        except discord.NotFound:
            return False
        except discord.HTTPException as exc:
            if exc.status == 400 and exc.code == NOT_IN_VOICE:
                return False
            raise
        return True

    @translate_errors
    async def set_voice_status(self, channel_id: int, status: str | None, reason: str) -> bool:
        """The status line under a voice channel (None clears it); False when it is gone."""
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.VoiceChannel):
            return False
        if channel_id in self._deleted or channel_id in self._deleting:
            return False  # the bot is deleting it: the cache has not heard yet
        try:
            with self._needs(
                None, Perm.SET_VOICE_CHANNEL_STATUS | Perm.MANAGE_CHANNELS, channel_id
            ):
                await channel.edit(status=status, reason=reason)
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def post_naming(
        self, channel_id: int, text: str, user_ids: Sequence[int], *, marker: str
    ) -> int:
        """Post `text` (an embed with `marker` in its footer) with a content line naming the
        people `user_ids`; only they are pinged."""
        embed = discord.Embed(description=text)
        embed.set_footer(text=marker)
        content = " ".join(f"<@{uid}>" for uid in user_ids) or None
        allowed = discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(uid) for uid in user_ids]
        )
        with self._needs(None, Perm.SEND_MESSAGES | Perm.EMBED_LINKS, channel_id):
            message = await self._messageable(channel_id).send(
                content=content, embed=embed, allowed_mentions=allowed
            )
        return message.id
