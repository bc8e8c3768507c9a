"""What every part of the gateway shares: the client and the cache lookups."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import discord

from bot.domain.errors import DiscordUnavailable
from bot.domain.ports import ChannelState, EventRef

if TYPE_CHECKING:
    from bot.cogs.embeds import Renderer

P = ParamSpec("P")
T = TypeVar("T")


def translate_errors(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """Discord's server errors become `DiscordUnavailable`, which services understand."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(*args, **kwargs)
        except discord.DiscordServerError as exc:
            raise DiscordUnavailable(status=exc.status) from exc

    return wrapper


class GatewayBase:
    """discord.py's cache learns of a change only when the gateway event arrives, which can be
    after the REST response. What the bot's own writes returned is kept here until the gateway
    confirms (`settled`), so a convergence right after a write never sees the old state (and
    never recreates a channel it just created)."""

    def __init__(self, client: discord.Client, renderer: Renderer) -> None:
        self._client = client
        self._renderer = renderer
        self._written_channels: dict[int, ChannelState] = {}
        self._written_events: dict[int, EventRef] = {}
        self._deleted: set[int] = set()
        # What the bot itself is deleting: its delete event is no hand deletion to repair.
        self._deleting: set[int] = set()

    def deleted_by_bot(self, discord_id: int) -> bool:
        """Whether a delete Discord reports was the bot's own (asked once per delete)."""
        if discord_id in self._deleting:
            self._deleting.discard(discord_id)
            return True
        return False

    async def _delete_own(self, discord_id: int, request: Callable[[], Awaitable[object]]) -> None:
        """Send a delete, marked as the bot's own before it goes out (its gateway event may come
        before the response); an object already gone counts as deleted."""
        self._deleting.add(discord_id)
        try:
            with contextlib.suppress(discord.NotFound):
                await request()
        except BaseException:
            self._deleting.discard(discord_id)
            raise

    def settled(self, discord_id: int) -> None:
        """The gateway reported this channel or event: the cache is current for it again."""
        self._written_channels.pop(discord_id, None)
        self._written_events.pop(discord_id, None)
        self._deleted.discard(discord_id)

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
