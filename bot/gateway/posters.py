"""Poster posts in a poster session's place: one post (a thread) per claimed board.

In a forum the post is a forum post (its first message comes with it: one request). In a text
channel (a server without Community) it is the bot's message with a thread started from it (two
requests), so the channel lists every board like a forum does. Either way the post's id is its
first message's id, and that message carries the board's embed and its "abstract" button.
"""

from __future__ import annotations

import contextlib
import io
from typing import Final, Literal

import discord

from bot.gateway.base import GatewayBase, translate_errors

ARCHIVE_MINUTES: Final[Literal[10080]] = 10080  # a week without replies, then Discord archives
ARCHIVED_THREAD = 50083  # "Tried to perform an operation on an archived thread"


class PostersMixin(GatewayBase):
    def upload_limit(self, guild_id: int) -> int:
        guild = self._client.get_guild(guild_id)
        return guild.filesize_limit if guild is not None else 10 * 1024 * 1024

    @translate_errors
    async def create_post(
        self, place_id: int, title: str, embed: discord.Embed, view: discord.ui.View, reason: str
    ) -> int:
        """Open a post in the place; returns the post's (thread's) id."""
        place = self._client.get_channel(place_id)
        if isinstance(place, discord.ForumChannel):
            created = await place.create_thread(
                name=title,
                embed=embed,
                view=view,
                auto_archive_duration=ARCHIVE_MINUTES,
                allowed_mentions=discord.AllowedMentions.none(),
                reason=reason,
            )
            return created.thread.id
        if isinstance(place, discord.TextChannel):
            first = await place.send(
                embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
            )
            try:
                thread = await first.create_thread(
                    name=title, auto_archive_duration=ARCHIVE_MINUTES, reason=reason
                )
            except BaseException:
                # No half-made post: the message without its thread goes again.
                with contextlib.suppress(discord.HTTPException):
                    await first.delete()
                raise
            return thread.id
        raise LookupError(f"channel {place_id} is neither a forum nor a text channel")

    @translate_errors
    async def edit_post(
        self,
        place_id: int,
        post_id: int,
        embed: discord.Embed,
        view: discord.ui.View,
        reason: str,
    ) -> bool:
        """One edit of the post's first message (in a forum it lives in the post, in a text
        channel in the channel). An archived forum post is unarchived first."""
        in_text = isinstance(self._client.get_channel(place_id), discord.TextChannel)
        channel = discord.PartialMessageable(
            self._client._connection, place_id if in_text else post_id
        )
        first = channel.get_partial_message(post_id)
        try:
            try:
                await first.edit(embed=embed, view=view)
            except discord.HTTPException as exc:
                if exc.code != ARCHIVED_THREAD or in_text:
                    raise
                await self._client.http.edit_channel(post_id, archived=False, reason=reason)
                await first.edit(embed=embed, view=view)
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def post_exists(self, guild_id: int, post_id: int) -> bool:
        guild = self._client.get_guild(guild_id)
        if guild is not None and guild.get_thread(post_id) is not None:
            return True
        # Archived threads are not in the cache: ask.
        try:
            await self._client.http.get_channel(post_id)
        except (discord.NotFound, discord.Forbidden):
            return False
        return True

    @translate_errors
    async def delete_post(self, post_id: int, reason: str) -> None:
        await self._delete_own(
            post_id, lambda: self._client.http.delete_channel(post_id, reason=reason)
        )

    @translate_errors
    async def delete_post_starter(self, place_id: int, post_id: int) -> None:
        if not isinstance(self._client.get_channel(place_id), discord.TextChannel):
            return  # a forum post's first message went with it
        with contextlib.suppress(discord.NotFound):
            await self._client.http.delete_message(place_id, post_id)

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
