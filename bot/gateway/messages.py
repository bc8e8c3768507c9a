"""Messages the bot posts: the room board, reminders and announcements (never pinging anyone)."""

from __future__ import annotations

import discord

from bot.domain.board import RoomBoard
from bot.gateway.base import GatewayBase, translate_errors

HISTORY_LOOKBACK = 25
NOTICE_COLOUR = discord.Colour(0xF59E0B)


class MessagesMixin(GatewayBase):
    @translate_errors
    async def post_board(self, channel_id: int, board: RoomBoard) -> int:
        embed, view = self._renderer.board_message(board)
        message = await self._messageable(channel_id).send(embed=embed, view=view)
        return message.id

    @translate_errors
    async def message_exists(self, channel_id: int, message_id: int) -> bool:
        try:
            await self._messageable(channel_id).fetch_message(message_id)
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def find_own_message(self, channel_id: int) -> int | None:
        async for message in self._messageable(channel_id).history(limit=HISTORY_LOOKBACK):
            if message.author.id == self.bot_user_id and message.embeds:
                return message.id
        return None

    @translate_errors
    async def post(self, channel_id: int, text: str, *, marker: str) -> int:
        embed = discord.Embed(description=text, colour=NOTICE_COLOUR)
        embed.set_footer(text=marker)
        message = await self._messageable(channel_id).send(
            embed=embed, allowed_mentions=discord.AllowedMentions.none()
        )
        return message.id

    @translate_errors
    async def find_post(self, channel_id: int, marker: str) -> int | None:
        async for message in self._messageable(channel_id).history(limit=HISTORY_LOOKBACK):
            if message.author.id == self.bot_user_id and any(
                e.footer.text == marker for e in message.embeds
            ):
                return message.id
        return None
