"""What really happened in a rehearsal, as the simulator kept it: who was in which channel when
(simulated time), and what each place was. Reports are checked against this."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Truth:
    # user -> (channel, since) while in voice
    current: dict[int, tuple[int, datetime]] = field(default_factory=dict)
    # (user, channel, joined, left)
    intervals: list[tuple[int, int, datetime, datetime]] = field(default_factory=list)
    # channel -> the session (or poster session) it belongs to
    session_of_channel: dict[int, int] = field(default_factory=dict)
    refused_joins: int = 0
    rooms_opened: int = 0
    rooms_refused: int = 0
    claims: int = 0
    claims_refused: int = 0

    def moved(self, user: int, channel: int | None, at: datetime) -> None:
        previous = self.current.pop(user, None)
        if previous is not None:
            self.intervals.append((user, previous[0], previous[1], at))
        if channel is not None:
            self.current[user] = (channel, at)

    def close_all(self, at: datetime) -> None:
        for user in list(self.current):
            self.moved(user, None, at)

    def per_session(self) -> dict[int, tuple[int, int]]:
        """session -> (unique attendees, seconds present), over its channel(s)."""
        people: dict[int, set[int]] = defaultdict(set)
        seconds: dict[int, int] = defaultdict(int)
        for user, channel, joined, left in self.intervals:
            session = self.session_of_channel.get(channel)
            if session is None:
                continue
            length = int((left - joined).total_seconds())
            if length <= 0:
                continue
            people[session].add(user)
            seconds[session] += length
        return {s: (len(people[s]), seconds[s]) for s in people}
