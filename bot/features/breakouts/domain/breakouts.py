"""Breakouts, pure: who goes where, what the rooms are called, where they fit, who may run one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import InvalidInput, NotOrganizer
from bot.domain.text_safety import plain_line
from bot.features.sessions.domain.layout import category_with_space

ROOMS_MIN, ROOMS_MAX = 2, 25
MINUTES_MIN, MINUTES_MAX = 1, 120
WARNING = timedelta(minutes=1)  # the warning goes this long before the end
CHANNEL_NAME_MAX = 100
SHORT_TITLE = 40


class BreakoutState(StrEnum):
    RUNNING = "running"
    ENDED = "ended"


class EndReason(StrEnum):
    TIME = "time"
    EARLY = "early"


class Breakout(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    guild_id: int
    session_id: int
    home_id: int
    rooms: int
    title: str
    started_by: int
    started_at: datetime
    ends_at: datetime
    state: BreakoutState

    @property
    def running(self) -> bool:
        return self.state is BreakoutState.RUNNING

    @property
    def warn_at(self) -> datetime:
        """One minute before the end (never before the start)."""
        return max(self.started_at, self.ends_at - WARNING)


@dataclass(frozen=True)
class Person:
    """One person of a breakout and what happened to them."""

    user_id: int
    room: int
    moved_out: bool
    moved_back: bool
    skipped: bool


def check_size(rooms: int, minutes: int) -> None:
    if not ROOMS_MIN <= rooms <= ROOMS_MAX:
        raise InvalidInput("breakouts.bad_rooms", low=ROOMS_MIN, high=ROOMS_MAX)
    if not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise InvalidInput("breakouts.bad_minutes", low=MINUTES_MIN, high=MINUTES_MAX)


def check_may_run(user_id: int, chair_id: int | None, *, organizer: bool) -> None:
    """Organizers, and the session's chair."""
    if organizer or (chair_id is not None and chair_id == user_id):
        return
    raise NotOrganizer("breakouts.not_chair")


def split(people: Sequence[int], rooms: int) -> dict[int, int]:
    """user id -> room (1..rooms): in the order given, dealt round so room sizes differ by at
    most one (the first rooms get the extra person)."""
    return {user_id: index % rooms + 1 for index, user_id in enumerate(people)}


def short_title(title: str) -> str:
    return plain_line(title, SHORT_TITLE)


def room_name(room: int, rooms: int, title: str) -> str:
    return plain_line(f"Breakout {room}/{rooms} · {short_title(title)}", CHANNEL_NAME_MAX)


def category_name(part: int, title: str) -> str:
    name = f"Breakouts · {short_title(title)}"
    return name if part == 1 else f"{name} ({part})"


@dataclass(frozen=True)
class RoomPlace:
    room: int
    part: int  # 0: the session's own category; 1..: a breakout category of this breakout


def places(rooms: int, home_used: int | None, per_category: int) -> list[RoomPlace]:
    """Where each room goes: into the session's category while it has space (`home_used` its
    channels; None when the session's channel is in no category), then into the breakout's own
    categories, spilling like every other place (a new part once one is full)."""
    used: dict[int, int] = {}
    categories: dict[int, int | None] = {}
    if home_used is not None:
        categories[0] = 0
        used[0] = home_used
    found = []
    for room in range(1, rooms + 1):
        part, _ = category_with_space(
            {k: (k if k in used else None) for k in categories},
            lambda key: used.get(key, 0),
            per_category,
        )
        if part not in categories:
            categories[part] = None
        used[part] = used.get(part, 0) + 1
        categories[part] = part
        found.append(RoomPlace(room, part))
    return found


def new_categories(placed: Sequence[RoomPlace]) -> int:
    return len({p.part for p in placed if p.part != 0})


def to_call_back(present: Mapping[int, Sequence[int]]) -> list[tuple[int, int]]:
    """(user, room) of everyone in a breakout room now (room -> user ids), room by room."""
    return [(user, room) for room in sorted(present) for user in present[room]]
