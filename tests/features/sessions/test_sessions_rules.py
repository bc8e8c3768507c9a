from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.errors import Conflict, InvalidInput
from bot.features.sessions.domain import (
    SessionKind,
    SessionStatus,
    check_edit,
    check_new,
    check_no_conflict,
    check_not_in_past,
    find_conflicts,
)
from tests.fakes.factories import at, draft, session


def test_same_track_overlap_conflicts() -> None:
    existing = [session("A1", at(10), 60, track="Room A")]
    assert find_conflicts(draft("new", at(10, 30), 60, track="room  a"), existing) == existing


def test_different_tracks_do_not_conflict() -> None:
    existing = [session("A1", at(10), 60, track="Room A")]
    assert find_conflicts(draft("B1", at(10), 60, track="Room B"), existing) == []


def test_no_track_is_the_main_place() -> None:
    main = session("Main", at(10), 60)
    tracked = session("A", at(10), 60, track="Room A")
    assert find_conflicts(draft("other main", at(10, 15)), [main, tracked]) == [main]


def test_keynote_blocks_every_track() -> None:
    keynote = session("Keynote", at(9), 60, SessionKind.KEYNOTE)
    talk = session("Talk", at(10), 60, track="Room B")
    assert find_conflicts(draft("A", at(9, 30), 30, track="Room A"), [keynote]) == [keynote]
    assert find_conflicts(draft("K2", at(10, 30), 60, SessionKind.KEYNOTE), [talk]) == [talk]


def test_touching_is_fine() -> None:
    existing = [session("A1", at(10), 60, track="A")]
    assert find_conflicts(draft("before", at(9), 60, track="A"), existing) == []
    assert find_conflicts(draft("after", at(11), 60, track="A"), existing) == []


def test_cancelled_sessions_do_not_count() -> None:
    existing = [session("gone", at(10), 60, status=SessionStatus.CANCELLED)]
    assert find_conflicts(draft("new", at(10)), existing) == []


def test_ignore_id_for_edits_and_ordering() -> None:
    me = session("me", at(10), 60, id=7)
    later = session("later", at(10, 45), 30, id=9)
    earlier = session("earlier", at(9, 30), 40, id=8)
    moved = me.with_changes(end=at(11, 30))
    assert find_conflicts(moved, [later, me, earlier], ignore_id=7) == [earlier, later]


def test_check_no_conflict_names_the_other_session() -> None:
    other = session("Other", at(10), 60, track="A")
    with pytest.raises(Conflict) as info:
        check_no_conflict(draft("Mine", at(10, 30), 30, track="A"), [other])
    assert info.value.key == "errors.session_conflict"
    assert info.value.params["other_title"] == "Other"
    assert info.value.params["title"] == "Mine"
    assert info.value.params["place"] == "A"
    assert info.value.params["other_start"] == int(at(10).timestamp())


def test_not_in_past() -> None:
    now = at(12)
    check_not_in_past(draft(start=at(13)), now)
    check_not_in_past(draft(start=now - timedelta(seconds=30)), now)  # "now", typed a bit late
    with pytest.raises(InvalidInput) as info:
        check_not_in_past(draft(start=at(11)), now)
    assert info.value.key == "errors.time_in_past"


def test_editing_a_running_session_keeps_its_start() -> None:
    now = at(10, 30)
    running = session("Running", at(10), 60)
    check_not_in_past(running.with_changes(end=at(11, 30), title="Longer"), now, current=running)
    with pytest.raises(InvalidInput) as info:
        check_not_in_past(running.with_changes(start=at(10, 15)), now, current=running)
    assert info.value.key == "errors.session_started_keep_start"
    with pytest.raises(InvalidInput) as info:
        check_not_in_past(running.with_changes(end=at(10, 20)), now, current=running)
    assert info.value.key == "errors.end_in_past"


def test_editing_a_future_session_cannot_move_it_into_the_past() -> None:
    future = session("Later", at(15), 60)
    with pytest.raises(InvalidInput):
        check_not_in_past(future.with_changes(start=at(9)), at(12), current=future)


def test_check_new_and_check_edit() -> None:
    now = at(8)
    a = session("A", at(10), 60, id=1, track="A")
    b = session("B", at(11), 60, id=2, track="A")
    check_new(draft("C", at(12), 30, track="A"), [a, b], now)
    with pytest.raises(Conflict):
        check_new(draft("C", at(10, 30), 30, track="A"), [a, b], now)
    check_edit(a.with_changes(title="A!"), a, [a, b], now)
    with pytest.raises(Conflict):
        check_edit(a.with_changes(end=at(11, 30)), a, [a, b], now)
    cancelled = session("X", at(10), 60, id=3, status=SessionStatus.CANCELLED)
    with pytest.raises(InvalidInput) as info:
        check_edit(cancelled.as_draft(), cancelled, [], now)
    assert info.value.key == "errors.session_not_editable"
