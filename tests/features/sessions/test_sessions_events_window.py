from __future__ import annotations

from datetime import timedelta

import pytest

from bot.features.sessions.domain import (
    SessionStatus,
    peak_events_in_flight,
    sessions_needing_events,
)
from tests.fakes.factories import at, draft, session


def test_running_and_upcoming_earliest_first_the_whole_programme() -> None:
    now = at(12)
    running = session("running", at(11, 30), 60)
    soon = session("soon", at(13), 60)
    tomorrow = session("tomorrow", at(12, day=2), 60)
    far = session("far", at(12, 30, day=3), 60)  # 48.5 h away
    ended = session("ended", at(10), 60)
    cancelled = session("cancelled", at(13), 60, status=SessionStatus.CANCELLED)
    closed = session("closed early", at(11), 120, status=SessionStatus.CLOSED)
    everyone = [far, tomorrow, soon, ended, cancelled, closed, running]
    assert sessions_needing_events(everyone, now) == [running, soon, tomorrow, far]
    # With a horizon (events_window_hours), only what starts that soon.
    assert sessions_needing_events(everyone, now, window=48) == [running, soon, tomorrow]
    assert sessions_needing_events(everyone, now, window=0) == [running, soon, tomorrow, far]


def test_window_in_hours_or_timedelta() -> None:
    now = at(12)
    s = session("in 5h", at(17), 30)
    assert sessions_needing_events([s], now, window=4) == []
    assert sessions_needing_events([s], now, window=timedelta(hours=5)) == [s]


def test_cap_keeps_the_earliest() -> None:
    now = at(0)
    many = [
        session(f"s{i}", at(1) + timedelta(minutes=10 * i), 10, track=f"t{i}") for i in range(150)
    ]
    chosen = sessions_needing_events(list(reversed(many)), now)
    assert len(chosen) == 95
    assert chosen == many[:95]
    assert len(sessions_needing_events(many, now, cap=100)) == 100
    with pytest.raises(ValueError):
        sessions_needing_events(many, now, cap=101)


def test_peak_events_in_flight() -> None:
    drafts = [draft(f"d{i}", at(10, day=1 + i), 60) for i in range(5)]  # one a day
    peak, when = peak_events_in_flight(drafts, window=48)
    assert peak == 3  # the running day's session + the next two days
    assert when is not None
    # Without a horizon every session wants its event from the start.
    assert peak_events_in_flight(drafts) == (5, drafts[0].start)
    assert peak_events_in_flight([]) == (0, None)
