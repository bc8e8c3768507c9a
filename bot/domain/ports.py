"""Ports: what services need from Discord, as Protocols. `bot/gateway.py` implements them;
unit tests use fakes. Reads (`GuildView`) come from the gateway cache and cost no request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from bot.domain.structure import ChannelKind, ResolvedOverwrite


class ChannelRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    kind: ChannelKind | None  # None: a kind the bot does not manage (e.g. a news channel)
    name: str
    parent_id: int | None


class GuildStats(BaseModel):
    model_config = ConfigDict(frozen=True)
    channels: int
    people_in_voice: int
    voice_channels_in_use: int


class GuildView(Protocol):
    """Synchronous reads of the gateway's cache of a guild."""

    @property
    def bot_user_id(self) -> int: ...

    def channel(self, guild_id: int, channel_id: int) -> ChannelRef | None: ...

    def find_channel(
        self, guild_id: int, *, name: str, kind: ChannelKind, parent_id: int | None
    ) -> ChannelRef | None: ...

    def roles(self, guild_id: int) -> list[tuple[int, str]]: ...

    def children(self, guild_id: int, category_id: int) -> list[int]:
        """Ids of the channels in a category."""
        ...

    def stats(self, guild_id: int) -> GuildStats: ...

    def is_community(self, guild_id: int) -> bool:
        """Whether the server has Discord's COMMUNITY feature (Stage and Forum channels)."""
        ...


class ChannelState(BaseModel):
    """What the cache knows of a channel the bot manages (for converging it)."""

    model_config = ConfigDict(frozen=True)
    ref: ChannelRef
    overwrites: frozenset[ResolvedOverwrite]


class ChannelPort(GuildView, Protocol):
    """Channels: cache reads, and one request per change."""

    def channel_state(self, guild_id: int, channel_id: int) -> ChannelState | None: ...

    async def create_channel(
        self,
        guild_id: int,
        *,
        name: str,
        kind: ChannelKind,
        parent_id: int | None,
        topic: str | None,
        overwrites: Sequence[ResolvedOverwrite],
        reason: str,
        user_limit: int | None = None,
    ) -> ChannelRef: ...

    async def edit_channel(
        self,
        channel_id: int,
        *,
        reason: str,
        name: str | None = None,
        parent_id: int | None = None,
        overwrites: Sequence[ResolvedOverwrite] | None = None,
    ) -> None:
        """One request for every change given (None: leave as is)."""
        ...

    async def delete_channel(self, channel_id: int, reason: str) -> None: ...


class StructurePort(ChannelPort, Protocol):
    async def post_board(self, channel_id: int, embed: Any, view: Any) -> int:
        """Post the live room board message (its embed and view as the rooms feature rendered
        them); returns the message id."""
        ...

    async def message_exists(self, channel_id: int, message_id: int) -> bool: ...

    async def find_own_message(self, channel_id: int) -> int | None:
        """The id of a recent message the bot posted with an embed in this channel, if any."""
        ...


class HelpPort(Protocol):
    """The guide to the bot pinned in #help: one embed with a title, a text and a marker."""

    async def post_guide(self, channel_id: int, title: str, text: str, *, marker: str) -> int: ...

    async def edit_guide(
        self, channel_id: int, message_id: int, title: str, text: str, *, marker: str
    ) -> bool:
        """False when the message is gone."""
        ...

    async def pin(self, channel_id: int, message_id: int) -> bool:
        """False when the message is gone."""
        ...

    async def message_exists(self, channel_id: int, message_id: int) -> bool: ...

    async def find_post(self, channel_id: int, marker: str) -> int | None: ...


class EventEntity(StrEnum):
    STAGE = "stage"
    VOICE = "voice"
    EXTERNAL = "external"


class EventStatus(IntEnum):
    """Discord's GuildScheduledEventStatus values."""

    SCHEDULED = 1
    ACTIVE = 2
    COMPLETED = 3
    CANCELED = 4


class EventSpec(BaseModel):
    """A Discord Scheduled Event as the bot wants it."""

    model_config = ConfigDict(frozen=True)
    name: str
    description: str | None
    start: datetime
    end: datetime
    entity: EventEntity
    channel_id: int | None = None  # stage / voice
    location: str | None = None  # external (<= 100 characters)


class EventRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    name: str
    description: str | None
    start: datetime
    end: datetime | None
    status: EventStatus
    channel_id: int | None
    location: str | None


class SessionPort(ChannelPort, Protocol):
    """What sessions need from Discord beyond channels: events and posts."""

    def event(self, guild_id: int, event_id: int) -> EventRef | None: ...

    def live_event_ids(self, guild_id: int) -> set[int]:
        """Every SCHEDULED or ACTIVE event of the guild, whoever made it (Discord allows 100)."""
        ...

    def find_event(self, guild_id: int, *, name: str, start: datetime) -> EventRef | None:
        """A not-finished event with this name and start (to adopt after a crash)."""
        ...

    async def create_event(self, guild_id: int, spec: EventSpec, reason: str) -> int: ...

    async def edit_event(
        self,
        guild_id: int,
        event_id: int,
        *,
        reason: str,
        spec: EventSpec | None = None,
        status: EventStatus | None = None,
    ) -> None: ...

    async def delete_event(self, guild_id: int, event_id: int, reason: str) -> None: ...

    async def post(self, channel_id: int, text: str, *, marker: str) -> int:
        """Post `text` (no pings); `marker` lets `find_post` recognise it later."""
        ...

    async def find_post(self, channel_id: int, marker: str) -> int | None:
        """A recent message of the bot carrying `marker` (for a job interrupted by a crash)."""
        ...


class RoomPort(ChannelPort, Protocol):
    """What topic rooms need beyond channels: who is inside (from the gateway cache)."""

    def occupants(self, guild_id: int, channel_id: int) -> tuple[str, ...]:
        """Display names of the people (not bots) in a voice or stage channel."""
        ...

    async def post(self, channel_id: int, text: str, *, marker: str) -> int:
        """Post `text` (no pings) in a channel's chat; `marker` recognises it later."""
        ...


class BoardPort(GuildView, Protocol):
    """The live room board: who is inside, and the board message."""

    def occupants(self, guild_id: int, channel_id: int) -> tuple[str, ...]: ...

    async def edit_board(self, channel_id: int, message_id: int, embed: Any, view: Any) -> bool:
        """Show the rendered board (embed and view) in the message; False when it is gone."""
        ...


class PosterPort(RoomPort, Protocol):
    """Poster boards: posts, files, who is where. A board's post is a thread in the poster
    session's place: a forum post, or (without Community) a thread started from the bot's
    message in a text channel; either way the post's id is its first message's id."""

    def upload_limit(self, guild_id: int) -> int: ...

    def voice_channel_of(self, guild_id: int, user_id: int) -> int | None: ...

    async def create_post(
        self, place_id: int, title: str, embed: Any, view: Any, reason: str
    ) -> int:
        """Open a post named `title` in the place (forum or text channel), its first message the
        embed and view the posters feature rendered; returns its id."""
        ...

    async def edit_post(
        self, place_id: int, post_id: int, embed: Any, view: Any, reason: str
    ) -> bool:
        """Show the rendered embed and view in the post's first message (one edit; an archived
        post is unarchived first, for `reason`); False when the post is gone."""
        ...

    async def post_exists(self, guild_id: int, post_id: int) -> bool:
        """Whether the post's thread still exists (the cache, else one request)."""
        ...

    async def delete_post(self, post_id: int, reason: str) -> None: ...

    async def delete_post_starter(self, place_id: int, post_id: int) -> None:
        """In a text channel, the message a post's thread was started from (in a forum the
        first message goes with the post)."""
        ...

    async def post_file(self, post_id: int, filename: str, data: bytes, text: str) -> int: ...

    async def delete_post_message(self, post_id: int, message_id: int) -> None: ...
