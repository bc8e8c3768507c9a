"""What the gateway showed attendance, in gateway order: the input of the attendance fold
(bot/features/attendance/domain/tracker.py). Built by the gateway tap, queued by the recorder."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Presence:
    """Someone in a voice channel, as the gateway showed it. `session` is the voice
    connection's `session_id`: it stays the same while the person moves between channels and
    changes when they leave voice and join again (None: not known)."""

    channel_id: int
    channel_name: str
    display_name: str
    session: str | None = None


@dataclass(frozen=True, slots=True)
class Moved:
    """A voice state update: `before` as the cache had it, `after` as the event says."""

    guild_id: int
    user_id: int
    at: datetime
    before: Presence | None
    after: Presence | None


@dataclass(frozen=True, slots=True)
class GuildSeen:
    """A guild became available (GUILD_CREATE): everyone in voice there, by user id."""

    guild_id: int
    at: datetime
    present: Mapping[int, Presence]


@dataclass(frozen=True, slots=True)
class Connected:
    """A new gateway session (READY): the states of its guilds follow. `guilds`: the guilds
    served in it, as READY listed them (None: not known; then caught up only at `Ready`)."""

    at: datetime
    guilds: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Ready:
    """Every guild of the new session was delivered."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Disconnected:
    at: datetime


@dataclass(frozen=True, slots=True)
class Resumed:
    at: datetime


@dataclass(frozen=True, slots=True)
class Beat:
    """The bot is alive at `at` (the heartbeat advances if it is watching)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Forget:
    """Delete everything recorded about a person (`token` tells the answers apart)."""

    guild_id: int
    user_id: int
    token: int


Observation = Moved | GuildSeen | Connected | Ready | Disconnected | Resumed | Beat | Forget


def channels_of(observations: Iterable[Observation]) -> set[int]:
    """The channels a batch may open rows in (their places are looked up once per batch)."""
    ids: set[int] = set()
    for item in observations:
        if isinstance(item, Moved):
            ids.update(p.channel_id for p in (item.before, item.after) if p is not None)
        elif isinstance(item, GuildSeen):
            ids.update(p.channel_id for p in item.present.values())
    return ids
