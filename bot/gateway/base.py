"""What every part of the gateway shares: the client and the cache lookups."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, ParamSpec, TypeVar

import discord

from bot.domain.errors import DiscordRefused, DiscordUnavailable, Refusal
from bot.domain.permissions import Perm
from bot.domain.ports import ChannelState, EventRef

P = ParamSpec("P")
T = TypeVar("T")


# Codes of Discord's JSON error bodies (docs: "JSON Error Codes").
MAX_GUILD_CHANNELS = 30013
MAX_ROLES = 30005
MAX_EVENTS = 30038
# "Cannot execute action on this channel type": what Discord answers a bot creating a Stage or
# Forum channel in a server without Community.
WRONG_CHANNEL_TYPE = 50024
# Discord's text for a full category (50035 with CHANNEL_PARENT_MAX_CHANNELS on parent_id).
_CATEGORY_FULL = "Maximum number of channels in category"
_NEEDS_COMMUNITY = ("COMMUNITY", "Community")


def refusal_of(exc: discord.HTTPException) -> Refusal:
    """What kind of permanent refusal a 4xx answer is (429 and 404 are not refusals)."""
    if isinstance(exc, discord.Forbidden):
        return Refusal.PERMISSIONS
    if exc.code == MAX_GUILD_CHANNELS:
        return Refusal.MAX_CHANNELS
    if exc.code == MAX_EVENTS:
        return Refusal.MAX_EVENTS
    if exc.code == MAX_ROLES:
        return Refusal.MAX_ROLES
    if exc.code == WRONG_CHANNEL_TYPE:
        return Refusal.COMMUNITY
    text = str(exc.text)
    if _CATEGORY_FULL in text:
        return Refusal.CATEGORY_FULL
    if any(word in text for word in _NEEDS_COMMUNITY):
        return Refusal.COMMUNITY
    return Refusal.INVALID


def translate_errors(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """Discord's server errors become `DiscordUnavailable`, its permanent refusals
    `DiscordRefused` (services understand both); 404 and 429 stay discord.py's."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(*args, **kwargs)
        except discord.DiscordServerError as exc:
            raise DiscordUnavailable(status=exc.status) from exc
        except (discord.NotFound, discord.RateLimited):
            raise
        except discord.HTTPException as exc:
            if exc.status == 429:
                raise
            raise DiscordRefused(
                refusal_of(exc), status=exc.status, code=exc.code, detail=str(exc.text)
            ) from None

    return wrapper


class GatewayBase:
    """discord.py's cache learns of a change only when the gateway event arrives, which can be
    after the REST response. What the bot's own writes returned is kept here until the gateway
    confirms (`settled`), so a convergence right after a write never sees the old state (and
    never recreates a channel it just created)."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client
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

    @contextlib.contextmanager
    def _needs(
        self, guild_id: int | None, needs: int, channel_id: int | None = None
    ) -> Iterator[None]:
        """Around one request that needs the permission bits `needs`: a 403 becomes a
        `DiscordRefused` naming what the bot lacks, in the guild, else in `channel_id` (whose
        overwrites then restrict the bot)."""
        try:
            yield
        except discord.Forbidden as exc:
            missing, where = self._missing(guild_id, needs, channel_id)
            raise DiscordRefused(
                Refusal.PERMISSIONS,
                status=exc.status,
                code=exc.code,
                detail=str(exc.text),
                missing=missing,
                channel_id=where,
            ) from None

    def _missing(
        self, guild_id: int | None, needs: int, channel_id: int | None
    ) -> tuple[int, int | None]:
        guild = self._client.get_guild(guild_id) if guild_id is not None else None
        if guild is None and channel_id is not None:
            channel = self._client.get_channel(channel_id)
            guild = getattr(channel, "guild", None)
        if guild is None:
            return needs, channel_id
        have = guild.me.guild_permissions
        if have.administrator:
            return 0, channel_id
        missing = needs & ~have.value
        if missing or channel_id is None:
            return missing, None
        place = guild.get_channel_or_thread(channel_id)
        if place is None:
            return 0, channel_id
        return needs & ~place.permissions_for(guild.me).value, channel_id

    def bot_permissions(self, guild_id: int) -> int:
        """What the bot holds in the guild (its roles and @everyone), from the cache."""
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return 0
        perms = guild.me.guild_permissions
        return int(Perm.ADMINISTRATOR) | perms.value if perms.administrator else perms.value

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
