"""Topic-room rules: topics, limits, renames, who may manage a room."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import InvalidInput, LimitReached, RenameLimited
from bot.features.rooms.domain.rooms import (
    CloseReason,
    NotRoomOwner,
    OpenContext,
    Room,
    RoomLimits,
    RoomState,
    check_can_manage,
    check_can_open,
    check_can_rename,
    check_user_limit,
    clean_topic,
    room_channel_name,
)

NOW = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
LIMITS = RoomLimits(
    max_open=10,
    reserve_channels=150,
    per_owner=2,
    opens_per_window=3,
    opens_window=timedelta(minutes=10),
)


def ctx(**changes: object) -> OpenContext:
    values: dict[str, object] = {
        "open_rooms": 0,
        "owned_open": 0,
        "opened_recently": (),
        "guild_channels": 20,
        "needs_category": False,
        "now": NOW,
    }
    values.update(changes)
    return OpenContext(**values)  # type: ignore[arg-type]


def test_topics_are_cleaned_and_bounded() -> None:
    assert clean_topic("  LLM   評価\n🍣 ") == "LLM 評価 🍣"
    with pytest.raises(InvalidInput) as empty:
        clean_topic(" \n ")
    assert empty.value.key == "errors.room_topic_empty"
    with pytest.raises(InvalidInput):
        clean_topic("x" * 101)


def test_channel_names_keep_japanese_and_emoji() -> None:
    assert room_channel_name("強化学習 🤖 chat") == "強化学習 🤖 chat"
    assert room_channel_name("\u0007") == "room"


@pytest.mark.parametrize("limit", [None, 2, 99])
def test_user_limits_in_range(limit: int | None) -> None:
    assert check_user_limit(limit) == limit


@pytest.mark.parametrize("limit", [0, 1, 100])
def test_user_limits_out_of_range(limit: int) -> None:
    with pytest.raises(InvalidInput):
        check_user_limit(limit)


def test_open_within_limits() -> None:
    check_can_open(ctx(), LIMITS)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"open_rooms": 10}, "errors.room_max_open"),
        ({"guild_channels": 350}, "errors.room_guild_full"),
        ({"guild_channels": 349, "needs_category": True}, "errors.room_guild_full"),
        ({"owned_open": 2}, "errors.room_per_owner"),
    ],
)
def test_open_refused(changes: dict[str, object], key: str) -> None:
    with pytest.raises(LimitReached) as refused:
        check_can_open(ctx(**changes), LIMITS)
    assert refused.value.key == key


def test_opens_per_window_says_when_the_next_is_possible() -> None:
    opened = [NOW - timedelta(minutes=m) for m in (9, 5, 1)]
    with pytest.raises(LimitReached) as refused:
        check_can_open(ctx(opened_recently=opened), LIMITS)
    assert refused.value.params["at"] == int((NOW + timedelta(minutes=1)).timestamp())
    older = [NOW - timedelta(minutes=m) for m in (11, 5, 1)]
    check_can_open(ctx(opened_recently=older), LIMITS)


def test_renames_two_per_ten_minutes() -> None:
    check_can_rename([NOW - timedelta(minutes=3)], NOW)
    with pytest.raises(RenameLimited) as limited:
        check_can_rename([NOW - timedelta(minutes=8), NOW - timedelta(minutes=3)], NOW)
    assert limited.value.retry_after == pytest.approx(120)
    check_can_rename([NOW - timedelta(minutes=11), NOW - timedelta(minutes=3)], NOW)


def test_owner_or_organizer_manage_rooms() -> None:
    room = Room(
        id=1,
        guild_id=5,
        owner_id=7,
        topic="t",
        user_limit=None,
        state=RoomState.OPEN,
        empty_since=NOW,
        opened_at=NOW,
    )
    assert check_can_manage(room, 7, organizer=False) is CloseReason.OWNER
    assert check_can_manage(room, 8, organizer=True) is CloseReason.ORGANIZER
    with pytest.raises(NotRoomOwner):
        check_can_manage(room, 8, organizer=False)
    assert room.idle_deadline(timedelta(minutes=10)) == NOW + timedelta(minutes=10)
