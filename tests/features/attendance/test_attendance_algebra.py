"""Attendance interval algebra: unions, concurrency and peaks, people, places, days (property
tests against brute force over whole seconds)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.clock import to_epoch
from bot.features.attendance.domain.stays import (
    OTHER,
    Place,
    PlaceKind,
    Stay,
    chart_window,
    concurrency,
    count_at,
    length,
    peak,
    per_day,
    per_person,
    place_of_purpose,
    session_stats,
    split_by_day,
    union,
)

TOKYO = ZoneInfo("Asia/Tokyo")
ZONES = [ZoneInfo(z) for z in ("Asia/Tokyo", "Europe/Berlin", "America/New_York", "UTC")]

spans = st.lists(
    st.tuples(st.integers(0, 120), st.integers(0, 40)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=12,
)
stays = st.lists(
    st.tuples(st.integers(1, 5), st.integers(0, 120), st.integers(0, 40)).map(
        lambda t: Stay(user_id=t[0], display_name=f"u{t[0]}", start=t[1], end=t[1] + t[2])
    ),
    max_size=15,
)


def covered(intervals: list[tuple[int, int]]) -> set[int]:
    return {second for start, end in intervals for second in range(start, end)}


def epoch(*args: int, zone: ZoneInfo = TOKYO) -> int:
    return to_epoch(datetime(*args, tzinfo=zone))  # type: ignore[misc]


# -- unions ---------------------------------------------------------------------------------------


def test_union_merges_overlapping_and_touching_and_drops_empty() -> None:
    assert union([(5, 10), (0, 3), (3, 4), (8, 12), (20, 20)]) == [(0, 4), (5, 12)]
    assert length([(0, 10), (5, 15), (15, 15)]) == 15


@given(spans)
def test_union_covers_exactly_the_same_seconds(intervals: list[tuple[int, int]]) -> None:
    merged = union(intervals)
    assert covered(merged) == covered(intervals)
    assert length(intervals) == len(covered(intervals))
    assert all(a < b for a, b in merged)
    assert all(b1 < a2 for (_, b1), (a2, _) in pairwise(merged))


# -- concurrency ----------------------------------------------------------------------------------


@given(stays)
def test_concurrency_counts_each_person_once_at_every_second(people: list[Stay]) -> None:
    steps = concurrency(people)
    for second in range(0, 170):
        expected = {s.user_id for s in people if s.start <= second < s.end}
        assert count_at(steps, second) == len(expected)
    top, when = peak(steps)
    brute = [len({s.user_id for s in people if s.start <= t < s.end}) for t in range(0, 170)]
    assert top == max(brute, default=0)
    if top:
        assert when == brute.index(top)
    else:
        assert when is None


def test_a_move_at_one_moment_is_not_counted_twice() -> None:
    # Ana moves from board 1 to board 2 of the same poster session at t=50; Ben joins then.
    people = [Stay(1, "Ana", 0, 50), Stay(1, "Ana", 50, 90), Stay(2, "Ben", 50, 60)]
    steps = concurrency(people)
    assert count_at(steps, 49) == 1 and count_at(steps, 50) == 2 and count_at(steps, 60) == 1
    assert peak(steps) == (2, 50)
    (ana, ben) = per_person(people)
    assert (ana.seconds, ana.first_joined, ana.last_left) == (90, 0, 90)
    assert ben.seconds == 10


def test_zero_length_flaps_are_no_presence() -> None:
    people = [Stay(1, "Ana", 10, 10), Stay(2, "Ben", 5, 5), Stay(2, "Ben", 7, 8)]
    assert [p.user_id for p in per_person(people)] == [2]
    assert concurrency([Stay(1, "Ana", 10, 10)]) == []
    assert peak([]) == (0, None)


def test_overlapping_stays_of_one_person_count_once() -> None:
    (ana,) = per_person([Stay(1, "Ana", 0, 60), Stay(1, "Ana", 30, 90, still_inside=True)])
    assert ana.seconds == 90 and ana.last_left is None


def test_latest_display_name_wins_and_people_are_in_join_order() -> None:
    people = per_person(
        [Stay(2, "Ben", 5, 9), Stay(1, "Ana", 10, 20), Stay(1, "Ana (chair)", 30, 40)]
    )
    assert [(p.user_id, p.display_name) for p in people] == [(2, "Ben"), (1, "Ana (chair)")]


def test_session_stats() -> None:
    stats = session_stats([Stay(1, "a", 0, 600), Stay(2, "b", 300, 1500), Stay(3, "c", 1200, 1260)])
    assert stats.attendees == 3
    assert (stats.peak, stats.peak_at) == (2, 300)
    assert stats.median_seconds == 600
    assert stats.total_seconds == 600 + 1200 + 60
    empty = session_stats([])
    assert (empty.attendees, empty.peak, empty.peak_at, empty.total_seconds) == (0, 0, None, 0)


def test_chart_window_covers_the_slot_and_every_stay() -> None:
    assert chart_window([Stay(1, "a", 50, 400)], 100, 300) == (50, 400)
    assert chart_window([], 100, 100) == (100, 160)


# -- places ---------------------------------------------------------------------------------------


def test_place_of_purpose() -> None:
    assert place_of_purpose("session:12:channel") == Place(PlaceKind.SESSION, 12)
    assert place_of_purpose("room:7:channel") == Place(PlaceKind.ROOM, 7)
    assert place_of_purpose("poster:12:3:voice") == Place(PlaceKind.POSTER, 12)
    for other in (
        None,
        "poster:12:3:post",
        "session:12:event",
        "lobby",
        "rooms:1",
        "room:x:channel",
    ):
        assert place_of_purpose(other) == OTHER


# -- days -----------------------------------------------------------------------------------------


def test_a_stay_across_midnight_is_split_at_local_midnight() -> None:
    start, end = epoch(2026, 7, 1, 23, 30), epoch(2026, 7, 2, 0, 45)
    assert split_by_day(start, end, TOKYO) == [(date(2026, 7, 1), 1800), (date(2026, 7, 2), 2700)]
    # The same stay is one day in UTC (14:30-15:45 UTC).
    assert split_by_day(start, end, ZoneInfo("UTC")) == [(date(2026, 7, 1), 4500)]
    assert split_by_day(start, start, TOKYO) == []
    # Ending exactly at midnight stays on the day before.
    assert split_by_day(epoch(2026, 7, 1, 23, 0), epoch(2026, 7, 2, 0, 0), TOKYO) == [
        (date(2026, 7, 1), 3600)
    ]


def test_days_follow_daylight_saving_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 2026-03-29 has 23 hours in Berlin.
    start, end = epoch(2026, 3, 28, 12, 0, zone=berlin), epoch(2026, 3, 30, 12, 0, zone=berlin)
    assert split_by_day(start, end, berlin) == [
        (date(2026, 3, 28), 12 * 3600),
        (date(2026, 3, 29), 23 * 3600),
        (date(2026, 3, 30), 12 * 3600),
    ]


@given(
    st.integers(
        to_epoch(datetime(2026, 1, 1, tzinfo=UTC)), to_epoch(datetime(2027, 1, 1, tzinfo=UTC))
    ),
    st.integers(0, 4 * 86400),
    st.sampled_from(ZONES),
)
def test_split_by_day_adds_up_and_each_piece_is_one_local_day(
    start: int, seconds: int, zone: ZoneInfo
) -> None:
    pieces = split_by_day(start, start + seconds, zone)
    assert sum(s for _, s in pieces) == seconds
    assert all(s > 0 for _, s in pieces)
    days = [d for d, _ in pieces]
    assert days == sorted(set(days))
    if pieces:
        assert days[0] == datetime.fromtimestamp(start, UTC).astimezone(zone).date()
        last = datetime.fromtimestamp(start + seconds - 1, UTC).astimezone(zone).date()
        assert days[-1] == last


@given(spans.map(lambda s: [(a * 900, b * 900) for a, b in s]))
def test_per_day_counts_overlaps_once(intervals: list[tuple[int, int]]) -> None:
    base = epoch(2026, 7, 1, 20, 0)
    shifted = [(base + a, base + b) for a, b in intervals]
    assert sum(s for _, s in per_day(shifted, TOKYO)) == length(shifted)
