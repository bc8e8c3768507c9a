"""Poster posts in a poster session's forum: one post (a thread) per claimed board."""

from __future__ import annotations

import contextlib
import io

import discord

from bot.domain.posters import PosterBoard, post_title
from bot.gateway.base import GatewayBase, translate_errors


class PostersMixin(GatewayBase):
    def upload_limit(self, guild_id: int) -> int:
        guild = self._client.get_guild(guild_id)
        return guild.filesize_limit if guild is not None else 10 * 1024 * 1024

    @translate_errors
    async def create_post(self, forum_id: int, board: PosterBoard) -> int:
        """Open the board's post in the forum; returns the post's (thread's) id."""
        forum = self._client.get_channel(forum_id)
        if not isinstance(forum, discord.ForumChannel):
            raise LookupError(f"channel {forum_id} is not a forum")
        created = await forum.create_thread(
            name=post_title(board),
            embed=self._renderer.poster_post(board),
            allowed_mentions=discord.AllowedMentions.none(),
            reason=f"poster board {board.number} claimed",
        )
        return created.thread.id

    @translate_errors
    async def delete_post(self, post_id: int, reason: str) -> None:
        await self._delete_own(
            post_id, lambda: self._client.http.delete_channel(post_id, reason=reason)
        )

    @translate_errors
    async def post_file(self, post_id: int, filename: str, data: bytes, text: str) -> int:
        """Attach the poster file to its post (as a new message in it); returns its id."""
        thread = discord.PartialMessageable(self._client._connection, post_id)
        message = await thread.send(
            content=text,
            file=discord.File(io.BytesIO(data), filename=filename),
            allowed_mentions=discord.AllowedMentions.none(),
        )
        return message.id

    @translate_errors
    async def delete_post_message(self, post_id: int, message_id: int) -> None:
        thread = discord.PartialMessageable(self._client._connection, post_id)
        with contextlib.suppress(discord.NotFound):
            await thread.get_partial_message(message_id).delete()
