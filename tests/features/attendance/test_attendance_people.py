"""The per-person summary: each person's time in all, in sessions, per day and per session
(overlaps once), the CSV it becomes, and times as spreadsheet apps read them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.clock import to_epoch
from bot.domain.sheet_time import sheet_time
from bot.features.attendance.domain.people import PeopleTotals, whole_minutes
from bot.features.attendance.domain.stays import length
from bot.features.attendance.people import session_headers, write_people_summary
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus

TOKYO = ZoneInfo("Asia/Tokyo")
T0 = to_epoch(datetime(2027, 7, 1, 1, 0, tzinfo=UTC))  # 10:00 in Tokyo
H = 3600


def session(id_: int, title: str, hour: int) -> Session:
    start = datetime(2027, 7, 1, hour, 0, tzinfo=UTC)
    return Session(
        id=id_,
        guild_id=1,
        title=title,
        kind=SessionKind.TALK,
        start=start,
        end=start + timedelta(hours=1),
        status=SessionStatus.SCHEDULED,
        created_at=start,
        updated_at=start,
    )


def test_totals_per_person_day_and_session() -> None:
    totals = PeopleTotals()
    totals.add(7, "Ana", T0, T0 + H, "session", 1)
    totals.add(7, "Ana (chair)", T0 + H, T0 + 2 * H, "poster", 2)  # the later name wins
    totals.add(7, "Ana", T0 + 30 * 60, T0 + 90 * 60, "other", None)  # overlaps: counted once
    totals.add(8, "Ben", T0 + 13 * H + 30 * 60, T0 + 14 * H + 30 * 60, "room", 5)  # midnight
    totals.add(9, "Nobody", T0, T0, "session", 1)  # a stay of no length is none
    ana, ben = totals.people(TOKYO)
    assert (ana.user_id, ana.display_name, ana.total, ana.in_sessions) == (
        7,
        "Ana (chair)",
        2 * H,
        2 * H,
    )
    assert ana.days == {date(2027, 7, 1): 2 * H}
    assert ana.sessions == {1: H, 2: H}
    assert (ben.total, ben.in_sessions, ben.sessions) == (H, 0, {})
    assert ben.days == {date(2027, 7, 1): H // 2, date(2027, 7, 2): H // 2}


stays = st.lists(
    st.tuples(
        st.integers(1, 3),
        st.integers(0, 4 * H),
        st.integers(0, 2 * H),
        st.sampled_from(["session", "poster", "room", "other"]),
        st.integers(1, 3),
    ),
    max_size=15,
)


@given(stays)
def test_every_total_is_the_union_of_its_stays(items: list[tuple[int, int, int, str, int]]) -> None:
    totals = PeopleTotals()
    for user, start, span, kind, place in items:
        totals.add(user, f"u{user}", T0 + start, T0 + start + span, kind, place)
    for person in totals.people(TOKYO):
        mine = [(T0 + s, T0 + s + n, k, p) for u, s, n, k, p in items if u == person.user_id]
        assert person.total == length((a, b) for a, b, _, _ in mine)
        assert sum(person.days.values()) == person.total
        in_sessions = [(a, b) for a, b, k, _ in mine if k in ("session", "poster")]
        assert person.in_sessions == length(in_sessions)
        assert person.in_sessions <= person.total
        for place, seconds in person.sessions.items():
            assert seconds == length(
                (a, b) for a, b, k, p in mine if k in ("session", "poster") and p == place
            )


def test_whole_minutes_round_half_up() -> None:
    assert [whole_minutes(s) for s in (0, 29, 30, 89, 90, 3600)] == [0, 0, 1, 1, 2, 60]


def test_csv_has_a_column_per_day_and_attended_session() -> None:
    totals = PeopleTotals()
    totals.add(7, "Ana, “the” chair", T0, T0 + H, "session", 1)
    totals.add(8, "ベン", T0 + 25 * H, T0 + 25 * H + 90, "session", 3)
    sessions = [session(3, "Talk", 2), session(1, "Talk", 1), session(2, "Unvisited", 3)]
    out = io.StringIO()
    assert write_people_summary(totals.people(TOKYO), sessions, out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["user_id", "display_name", "total_minutes", "session_minutes", "2027-07-01 (min)",
         "2027-07-02 (min)", "Talk #1 (min)", "Talk #3 (min)"],
        ["7", "Ana, “the” chair", "60", "60", "60", "0", "60", "0"],
        ["8", "ベン", "2", "2", "0", "2", "0", "2"],
    ]  # fmt: skip
    assert session_headers(sessions[:1], {3}) == [(3, "Talk (min)")]


def test_sheet_time_is_local_and_says_the_offset_only_when_ambiguous() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert sheet_time(datetime(2027, 7, 1, 0, 31, tzinfo=UTC), TOKYO) == "2027-07-01 09:31:00"
    end_of_summer = datetime(2027, 10, 31, 0, 0, tzinfo=UTC)  # 02:00 CEST, then 02:00 CET
    assert sheet_time(end_of_summer - timedelta(minutes=30), berlin) == "2027-10-31 01:30:00"
    assert sheet_time(end_of_summer, berlin) == "2027-10-31 02:00:00+02:00"
    assert sheet_time(end_of_summer + timedelta(hours=1), berlin) == "2027-10-31 02:00:00+01:00"
    assert sheet_time(end_of_summer + timedelta(hours=2), berlin) == "2027-10-31 03:00:00"
    with pytest.raises(ValueError, match="aware"):
        sheet_time(datetime(2027, 7, 1), TOKYO)  # noqa: DTZ001
