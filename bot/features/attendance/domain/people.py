"""Each person's time, summed up: the per-person summary export (attendance certificates,
参加証明書).

Fed the guild's stays one at a time (in any order), it gives every person's time in voice on the
server, in sessions (poster sessions included), per local day and per session, overlaps counted
once (the same interval algebra as the other reports). Pure: epoch seconds in, seconds out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from bot.features.attendance.domain.stays import PlaceKind, length, per_day

IN_SESSIONS = (PlaceKind.SESSION.value, PlaceKind.POSTER.value)


@dataclass(frozen=True)
class PersonTotals:
    user_id: int
    display_name: str  # the one of their latest stay
    first_joined: int
    total: int  # seconds in any voice channel of the server
    in_sessions: int  # seconds in sessions and poster sessions
    days: dict[date, int]  # local day -> seconds (any channel)
    sessions: dict[int, int]  # session id -> seconds


@dataclass
class _Person:
    name: str = ""
    named_at: int = -1
    spans: list[tuple[int, int]] = field(default_factory=list)
    by_session: defaultdict[int, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )


class PeopleTotals:
    """Add stays with `add`, then read `people(zone)`."""

    def __init__(self) -> None:
        self._people: dict[int, _Person] = {}

    def add(
        self,
        user_id: int,
        display_name: str,
        start: int,
        end: int,
        place_kind: str,
        place_id: int | None,
    ) -> None:
        if end <= start:
            return
        person = self._people.setdefault(user_id, _Person())
        if start >= person.named_at:
            person.name, person.named_at = display_name, start
        person.spans.append((start, end))
        if place_kind in IN_SESSIONS and place_id is not None:
            person.by_session[place_id].append((start, end))

    def people(self, zone: ZoneInfo) -> list[PersonTotals]:
        """Everyone with time recorded, in order of their first join."""
        out = []
        for user_id, person in self._people.items():
            sessions = {s: length(spans) for s, spans in person.by_session.items()}
            out.append(
                PersonTotals(
                    user_id=user_id,
                    display_name=person.name,
                    first_joined=min(start for start, _ in person.spans),
                    total=length(person.spans),
                    in_sessions=length(s for spans in person.by_session.values() for s in spans),
                    days=dict(per_day(person.spans, zone)),
                    sessions={s: seconds for s, seconds in sessions.items() if seconds > 0},
                )
            )
        out.sort(key=lambda p: (p.first_joined, p.user_id))
        return out


def whole_minutes(seconds: int) -> int:
    """Seconds as whole minutes, half a minute rounding up (what a certificate states)."""
    return (seconds + 30) // 60
