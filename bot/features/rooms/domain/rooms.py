"""Topic rooms: the rules for opening, renaming, closing and idle-closing them.

A room is ONE voice channel (its built-in chat is the text side). Anyone may open one, within
limits that protect the guild's 500 channels and keep one person from flooding the corridor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain import ratelimit as rate
from bot.domain.errors import DomainError, InvalidInput, LimitReached, RenameLimited
from bot.domain.limits import CHANNELS_PER_GUILD
from bot.features.sessions.domain.layout import ChannelKind, channel_name

TOPIC_MAX = 100
USER_LIMIT_MIN = 2
USER_LIMIT_MAX = 99  # Discord's maximum for a voice channel
RENAMES_PER_WINDOW = 2  # Discord: about two renames of a channel per ten minutes
RENAME_WINDOW = timedelta(minutes=10)


class RoomState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    GONE = "gone"  # deleted by hand in Discord: forgotten, never recreated


class CloseReason(StrEnum):
    IDLE = "idle"
    OWNER = "owner"
    ORGANIZER = "organizer"
    DELETED = "deleted"


class Room(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    guild_id: int
    owner_id: int
    topic: str
    user_limit: int | None
    state: RoomState
    empty_since: datetime | None
    opened_at: datetime
    link: str | None = None  # a whiteboard or document (https only)

    @property
    def is_open(self) -> bool:
        return self.state is RoomState.OPEN

    def idle_deadline(self, idle: timedelta) -> datetime | None:
        return None if self.empty_since is None else self.empty_since + idle


@dataclass(frozen=True)
class RoomLimits:
    max_open: int
    reserve_channels: int
    per_owner: int
    opens_per_window: int
    opens_window: timedelta

    @property
    def opens_rule(self) -> rate.Rule:
        return rate.Rule(self.opens_per_window, self.opens_window, "errors.room_opens_rate")


def clean_topic(text: str) -> str:
    """The topic as people will read it: whitespace collapsed, 1-100 characters."""
    topic = " ".join(text.split())
    if not topic:
        raise InvalidInput("errors.room_topic_empty")
    if len(topic) > TOPIC_MAX:
        raise InvalidInput("errors.text_too_long", field="topic", length=len(topic), max=TOPIC_MAX)
    return topic


def room_channel_name(topic: str) -> str:
    """A voice channel name for the topic: Japanese and emoji kept, Discord's rules applied."""
    return channel_name(topic, ChannelKind.VOICE, fallback="room")


def check_user_limit(limit: int | None) -> int | None:
    if limit is not None and not USER_LIMIT_MIN <= limit <= USER_LIMIT_MAX:
        raise InvalidInput(
            "errors.room_limit_range", value=limit, min=USER_LIMIT_MIN, max=USER_LIMIT_MAX
        )
    return limit


@dataclass(frozen=True)
class OpenContext:
    """What the rules need to know when someone opens a room."""

    open_rooms: int  # in the guild
    owned_open: int  # by this person
    opened_recently: Sequence[datetime]  # by this person, within the window
    guild_channels: int  # every channel of the guild, categories included
    needs_category: bool  # the room needs a new category (one more channel)
    now: datetime


def check_can_open(ctx: OpenContext, limits: RoomLimits) -> None:
    """Raise the first limit the new room would break."""
    if ctx.open_rooms >= limits.max_open:
        raise LimitReached("errors.room_max_open", max=limits.max_open)
    ceiling = CHANNELS_PER_GUILD - limits.reserve_channels
    needed = 2 if ctx.needs_category else 1
    if ctx.guild_channels + needed > ceiling:
        raise LimitReached(
            "errors.room_guild_full", channels=ctx.guild_channels, max=CHANNELS_PER_GUILD
        )
    if ctx.owned_open >= limits.per_owner:
        raise LimitReached("errors.room_per_owner", max=limits.per_owner)
    rate.check(ctx.opened_recently, limits.opens_rule, ctx.now)


def check_can_rename(renamed_at: Sequence[datetime], now: datetime) -> None:
    """Refuse a rename Discord would rate-limit, saying when it becomes possible."""
    recent = sorted(t for t in renamed_at if t > now - RENAME_WINDOW)
    if len(recent) >= RENAMES_PER_WINDOW:
        free_at = recent[len(recent) - RENAMES_PER_WINDOW] + RENAME_WINDOW
        raise RenameLimited((free_at - now).total_seconds())


class NotRoomOwner(DomainError):
    key = "errors.room_not_owner"


def check_can_manage(room: Room, user_id: int, *, organizer: bool) -> CloseReason:
    """The owner or an organizer may rename or close a room; returns who acted."""
    if room.owner_id == user_id:
        return CloseReason.OWNER
    if organizer:
        return CloseReason.ORGANIZER
    raise NotRoomOwner(topic=room.topic)
