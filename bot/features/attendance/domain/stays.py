"""Attendance: what a voice channel was (place), and the interval algebra behind the reports.

Times here are INTEGER epoch seconds (as stored) unless a function says otherwise; an interval is
half-open, `[start, end)`, so a move at `t` ends one stay and starts the next without overlap, and
a zero-length stay (a join and a leave within the same second) is no stay at all.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.clock import from_epoch, to_epoch
from bot.features.posters import keys as poster_keys
from bot.features.sessions import keys as session_keys


class PlaceKind(StrEnum):
    SESSION = "session"
    ROOM = "room"
    POSTER = "poster"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Place:
    kind: PlaceKind
    id: int | None = None


OTHER = Place(PlaceKind.OTHER)


def place_of_purpose(purpose: str | None) -> Place:
    """What a channel is, from the purpose the bot owns it for (guild_structure):
    `session:<id>:channel`, `room:<id>:channel`, `poster:<session>:<board>:voice`."""
    if purpose is None:
        return OTHER
    if (session_id := session_keys.channel_session(purpose)) is not None:
        return Place(PlaceKind.SESSION, session_id)
    parts = purpose.split(":")
    if len(parts) == 3 and parts[2] == "channel" and parts[1].isdigit() and parts[0] == "room":
        return Place(PlaceKind.ROOM, int(parts[1]))
    board = poster_keys.parse_board(purpose)
    if board is not None and board.what == poster_keys.VOICE:
        return Place(PlaceKind.POSTER, board.session_id)
    return OTHER


# -- interval algebra -------------------------------------------------------------------------


def union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of half-open intervals, as sorted, disjoint, non-empty intervals."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def length(spans: Iterable[tuple[int, int]]) -> int:
    """Seconds covered by the union of the intervals (overlaps count once)."""
    return sum(end - start for start, end in union(spans))


@dataclass(frozen=True, slots=True)
class Stay:
    """One row of attendance as reports see it; `end` is the clock's now while still inside."""

    user_id: int
    display_name: str
    start: int
    end: int
    still_inside: bool = False


def concurrency(stays: Sequence[Stay]) -> list[tuple[int, int]]:
    """How many people were present, as steps `(time, count from then on)`, in time order.

    A person is counted once however many of their stays overlap; at a moment where someone leaves
    and someone else joins, the leave comes first (a move is never counted twice)."""
    by_user: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
    for stay in stays:
        by_user[stay.user_id].append((stay.start, stay.end))
    deltas: defaultdict[int, int] = defaultdict(int)
    for spans in by_user.values():
        for start, end in union(spans):
            deltas[start] += 1
            deltas[end] -= 1
    steps: list[tuple[int, int]] = []
    count = 0
    for moment in sorted(deltas):
        if deltas[moment] == 0:
            continue
        count += deltas[moment]
        steps.append((moment, count))
    return steps


def peak(steps: Sequence[tuple[int, int]]) -> tuple[int, int | None]:
    """(the most people present at once, the first moment it was reached)."""
    best, when = 0, None
    for moment, count in steps:
        if count > best:
            best, when = count, moment
    return best, when


@dataclass(frozen=True, slots=True)
class PersonSummary:
    user_id: int
    display_name: str  # the latest one seen
    first_joined: int
    last_left: int | None  # None: still inside
    seconds: int


def per_person(stays: Iterable[Stay]) -> list[PersonSummary]:
    """Each person's presence (overlaps counted once), in order of their first join."""
    by_user: defaultdict[int, list[Stay]] = defaultdict(list)
    for stay in stays:
        by_user[stay.user_id].append(stay)
    people = []
    for user_id, mine in by_user.items():
        seconds = length((s.start, s.end) for s in mine)
        if seconds <= 0:
            continue
        latest = max(mine, key=lambda s: (s.start, s.end))
        inside = any(s.still_inside for s in mine)
        people.append(
            PersonSummary(
                user_id=user_id,
                display_name=latest.display_name,
                first_joined=min(s.start for s in mine),
                last_left=None if inside else max(s.end for s in mine),
                seconds=seconds,
            )
        )
    people.sort(key=lambda p: (p.first_joined, p.user_id))
    return people


@dataclass(frozen=True, slots=True)
class SessionStats:
    attendees: int
    peak: int
    peak_at: int | None
    median_seconds: float
    total_seconds: int


def session_stats(stays: Sequence[Stay]) -> SessionStats:
    people = per_person(stays)
    seconds = [p.seconds for p in people]
    top, when = peak(concurrency(stays))
    return SessionStats(
        attendees=len(people),
        peak=top,
        peak_at=when,
        median_seconds=float(statistics.median(seconds)) if seconds else 0.0,
        total_seconds=sum(seconds),
    )


def chart_window(stays: Sequence[Stay], start: int, end: int) -> tuple[int, int]:
    """The time a session's chart spans: its programme slot, widened to every stay in it."""
    lo = min([start, *(s.start for s in stays)])
    hi = max([end, *(s.end for s in stays)])
    return lo, max(hi, lo + 60)


def count_at(steps: Sequence[tuple[int, int]], moment: int) -> int:
    """People present at `moment` (steps from `concurrency`)."""
    count = 0
    for when, value in steps:
        if when > moment:
            break
        count = value
    return count


# -- days ---------------------------------------------------------------------------------------


def local_midnights(start: int, end: int, zone: ZoneInfo) -> list[int]:
    """The local midnights strictly inside `(start, end)` (daylight saving time aware)."""
    first = from_epoch(start).astimezone(zone).date() + timedelta(days=1)
    out: list[int] = []
    day = first
    while True:
        midnight = to_epoch(datetime.combine(day, time(0), tzinfo=zone))
        if midnight >= end:
            return out
        if midnight > start:
            out.append(midnight)
        day += timedelta(days=1)


def split_by_day(start: int, end: int, zone: ZoneInfo) -> list[tuple[date, int]]:
    """`[start, end)` cut at the local midnights: (local day, seconds on that day)."""
    if end <= start:
        return []
    cuts = [start, *local_midnights(start, end, zone), end]
    return [(from_epoch(a).astimezone(zone).date(), b - a) for a, b in pairwise(cuts)]


def per_day(spans: Iterable[tuple[int, int]], zone: ZoneInfo) -> list[tuple[date, int]]:
    """Seconds present per local day (overlaps counted once), in day order."""
    days: defaultdict[date, int] = defaultdict(int)
    for start, end in union(spans):
        for day, seconds in split_by_day(start, end, zone):
            days[day] += seconds
    return sorted(days.items())
