"""Messages the bot posts: the room board, reminders, announcements and the guide pinned in
#help (never pinging anyone)."""

from __future__ import annotations

import discord

from bot.domain.permissions import Perm
from bot.gateway.base import GatewayBase, translate_errors

POSTING = Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.EMBED_LINKS
READING = Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY
# Discord also lets Manage Messages pin; the catalogue asks for Pin Messages.
PINNING = READING | Perm.PIN_MESSAGES

HISTORY_LOOKBACK = 25
NOTICE_COLOUR = discord.Colour(0xF59E0B)
GUIDE_COLOUR = discord.Colour(0x10B981)


def _guide(title: str, text: str, marker: str) -> discord.Embed:
    embed = discord.Embed(title=title, description=text, colour=GUIDE_COLOUR)
    embed.set_footer(text=marker)
    return embed


class MessagesMixin(GatewayBase):
    @translate_errors
    async def post_board(self, channel_id: int, embed: discord.Embed, view: discord.ui.View) -> int:
        with self._needs(None, POSTING, channel_id):
            message = await self._messageable(channel_id).send(embed=embed, view=view)
        return message.id

    @translate_errors
    async def message_exists(self, channel_id: int, message_id: int) -> bool:
        try:
            with self._needs(None, READING, channel_id):
                await self._messageable(channel_id).fetch_message(message_id)
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def find_own_message(self, channel_id: int) -> int | None:
        with self._needs(None, READING, channel_id):
            async for message in self._messageable(channel_id).history(limit=HISTORY_LOOKBACK):
                if message.author.id == self.bot_user_id and message.embeds:
                    return message.id
        return None

    @translate_errors
    async def post(self, channel_id: int, text: str, *, marker: str) -> int:
        embed = discord.Embed(description=text, colour=NOTICE_COLOUR)
        embed.set_footer(text=marker)
        with self._needs(None, POSTING, channel_id):
            message = await self._messageable(channel_id).send(
                embed=embed, allowed_mentions=discord.AllowedMentions.none()
            )
        return message.id

    @translate_errors
    async def find_post(self, channel_id: int, marker: str) -> int | None:
        with self._needs(None, READING, channel_id):
            async for message in self._messageable(channel_id).history(limit=HISTORY_LOOKBACK):
                if message.author.id == self.bot_user_id and any(
                    e.footer.text == marker for e in message.embeds
                ):
                    return message.id
        return None

    @translate_errors
    async def post_guide(self, channel_id: int, title: str, text: str, *, marker: str) -> int:
        with self._needs(None, POSTING, channel_id):
            message = await self._messageable(channel_id).send(
                embed=_guide(title, text, marker), allowed_mentions=discord.AllowedMentions.none()
            )
        return message.id

    @translate_errors
    async def edit_guide(
        self, channel_id: int, message_id: int, title: str, text: str, *, marker: str
    ) -> bool:
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        try:
            with self._needs(None, POSTING, channel_id):
                await channel.get_partial_message(message_id).edit(
                    embed=_guide(title, text, marker)
                )
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def pin(self, channel_id: int, message_id: int) -> bool:
        """Pin a message (pinning it again changes nothing); False when it is gone."""
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        try:
            with self._needs(None, PINNING, channel_id):
                await channel.get_partial_message(message_id).pin()
        except discord.NotFound:
            return False
        return True
