"""The pure rules of breakouts: who goes where, names, where rooms fit, who may run one."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain.errors import InvalidInput, NotOrganizer
from bot.features.breakouts import keys
from bot.features.breakouts.domain.breakouts import (
    RoomPlace,
    check_may_run,
    check_size,
    new_categories,
    places,
    room_name,
    split,
)


def test_split_deals_people_round_evenly() -> None:
    people = list(range(100, 107))
    rooms = split(people, 3)
    assert sorted(Counter(rooms.values()).values()) == [2, 2, 3]
    assert set(rooms) == set(people)
    assert split([1, 2], 5) == {1: 1, 2: 2}  # more rooms than people: some stay empty


def test_sizes_and_who_may_run_it() -> None:
    check_size(2, 1)
    check_size(25, 120)
    for rooms, minutes in ((1, 10), (26, 10), (5, 0), (5, 121)):
        with pytest.raises(InvalidInput):
            check_size(rooms, minutes)
    check_may_run(7, None, organizer=True)
    check_may_run(7, 7, organizer=False)  # the session's chair
    for chair in (None, 8):
        with pytest.raises(NotOrganizer):
            check_may_run(7, chair, organizer=False)


def test_room_names_are_short_single_lines() -> None:
    name = room_name(3, 12, "A very long title\nabout @everyone " + "x" * 200)
    assert name.startswith("Breakout 3/12 · A very long title about @everyone")
    assert len(name) <= 100 and "\n" not in name


def test_rooms_go_beside_the_session_then_spill() -> None:
    placed = places(25, home_used=40, per_category=50)
    assert [p.part for p in placed] == [0] * 10 + [1] * 15
    assert new_categories(placed) == 1
    placed = places(25, home_used=50, per_category=10)
    assert Counter(p.part for p in placed) == {1: 10, 2: 10, 3: 5}
    assert places(2, home_used=None, per_category=50) == [RoomPlace(1, 1), RoomPlace(2, 1)]


def test_purposes_carry_the_session() -> None:
    purpose = keys.room_purpose(12, 3, 4)
    assert keys.parse(purpose) == keys.BreakoutKey(12, 3, keys.ROOM, 4)
    assert keys.session_of_room(purpose) == 12
    assert keys.session_of_room(keys.category_purpose(12, 3, 1)) is None
    assert keys.session_of_room("session:12:channel") is None
    assert keys.parse("breakout:x:1:room:1") is None
