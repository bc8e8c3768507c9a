from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain.permissions import Perm
from bot.features.sessions.domain import (
    ChannelKind,
    DayInfo,
    SessionKind,
    SessionStatus,
    channel_kind,
    channel_name,
    day_infos,
    day_name,
    plan,
)
from bot.features.sessions.domain.layout import category_with_space, compatible_kinds
from bot.features.sessions.domain.places import Phase, place_overwrites
from tests.fakes.factories import TOKYO, at, draft, session

WED = DayInfo(number=1, date=date(2026, 7, 1), weekday=2)


def test_day_names_en_ja() -> None:
    assert day_name(WED, "en") == "Day 1 · 7/1 (Wed)"
    assert day_name(WED, "en-US") == "Day 1 · 7/1 (Wed)"
    assert day_name(WED, "ja") == "1日目 · 7/1 (水)"
    assert day_name(WED, "fr") == "Day 1 · 7/1 (Wed)"  # unknown locale -> English
    assert day_name(WED, "en", part=2) == "Day 1 · 7/1 (Wed) (2)"
    assert day_name(WED, "ja", part=3) == "1日目 · 7/1 (水) (3)"


def test_days_are_numbered_in_the_workshop_zone_over_session_days() -> None:
    # 2026-06-30 23:30 UTC is already 7/1 08:30 in Tokyo.
    sessions = [
        draft("late utc", at(8, 30, day=1)),
        draft("day 2", at(10, day=2)),
        draft("after a gap", at(10, day=6)),
    ]
    infos = day_infos(sessions, TOKYO)
    assert [(i.number, i.date, i.weekday) for i in infos.values()] == [
        (1, date(2026, 7, 1), 2),
        (2, date(2026, 7, 2), 3),
        (3, date(2026, 7, 6), 0),
    ]


def test_channel_kinds() -> None:
    assert channel_kind(draft(kind=SessionKind.KEYNOTE)) is ChannelKind.STAGE
    for kind in ("talk", "discussion", "panel", "social"):
        assert channel_kind(draft(kind=SessionKind(kind))) is ChannelKind.VOICE
    assert channel_kind(draft(kind=SessionKind.POSTER)) is ChannelKind.FORUM
    zoom = draft(kind=SessionKind.KEYNOTE, location="https://zoom.example/j/1")
    assert channel_kind(zoom) is ChannelKind.TEXT


@pytest.mark.parametrize(
    ("title", "kind", "expected"),
    [
        ("Opening Keynote", ChannelKind.TEXT, "opening-keynote"),
        ("Q&A #1 -- Deep   Learning", ChannelKind.TEXT, "qa-1-deep-learning"),
        ("Opening Keynote", ChannelKind.VOICE, "Opening Keynote"),
        ("Opening Keynote", ChannelKind.STAGE, "Opening Keynote"),
        ("機械学習セッション 🤖", ChannelKind.TEXT, "機械学習セッション-🤖"),
        ("機械学習 🤖 Room", ChannelKind.VOICE, "機械学習 🤖 Room"),
        ("###", ChannelKind.TEXT, "session"),
        ("tab\there\nnewline", ChannelKind.VOICE, "tab here newline"),
    ],
)
def test_channel_names(title: str, kind: ChannelKind, expected: str) -> None:
    assert channel_name(title, kind) == expected


def test_channel_names_are_at_most_100_characters() -> None:
    for kind in ChannelKind:
        name = channel_name("A very long title " * 10, kind)
        assert 1 <= len(name) <= 100
        assert not name.endswith((" ", "-"))


def test_sixty_sessions_on_one_day_spill_into_a_second_category() -> None:
    sessions = [
        draft(f"Talk {i}", at(9) + timedelta(minutes=10 * (i // 6)), 10, track=f"Room {i % 6}")
        for i in range(60)
    ]
    sessions.append(draft("Day two", at(10, day=2)))
    layout = plan(sessions, TOKYO, "en")
    day1, day2 = layout.days
    assert [c.name for c in day1.categories] == ["Day 1 · 7/1 (Wed)", "Day 1 · 7/1 (Wed) (2)"]
    assert [len(c.channels) for c in day1.categories] == [50, 10]
    assert day1.session_count == 60
    assert [c.name for c in day2.categories] == ["Day 2 · 7/2 (Thu)"]
    assert layout.category_count == 3
    assert layout.channel_count == 61
    assert layout.guild_channel_count == 64
    # start order: the first category holds the earliest sessions
    first = [c.session.start for c in day1.categories[0].channels]
    assert first == sorted(first) and max(first) <= day1.categories[1].channels[0].session.start


def test_plan_with_a_smaller_cap_ja_and_kinds() -> None:
    sessions = [
        session("Keynote", at(9), 60, SessionKind.KEYNOTE),
        session("Talk", at(10), 60, track="A"),
        session("Remote", at(10), 60, track="B", location="https://zoom.example/j/1"),
        session("Cancelled", at(10), 60, track="C", status=SessionStatus.CANCELLED),
    ]
    layout = plan(sessions, TOKYO, "ja", per_category=2)
    names = [c.name for c in layout.days[0].categories]
    assert names == ["1日目 · 7/1 (水)", "1日目 · 7/1 (水) (2)"]
    assert layout.count_by_kind() == {
        ChannelKind.STAGE: 1,
        ChannelKind.VOICE: 1,
        ChannelKind.TEXT: 1,
        ChannelKind.FORUM: 0,
    }
    channels = [ch.name for c in layout.days[0].categories for ch in c.channels]
    assert channels == ["Keynote", "Talk", "remote"]
    with pytest.raises(ValueError):
        plan(sessions, TOKYO, "en", per_category=51)


def test_empty_plan() -> None:
    layout = plan([], TOKYO, "en")
    assert layout.days == [] and layout.guild_channel_count == 0


def test_category_with_space_takes_the_first_that_fits() -> None:
    used = {11: 50, 12: 49, 13: 0}.__getitem__
    assert category_with_space({}, used, 50) == (1, None), "none yet: create part 1"
    assert category_with_space({1: 11, 2: 12}, used, 50) == (2, 12)
    assert category_with_space({1: 11}, used, 50) == (2, None), "all full: a new part"
    assert category_with_space({1: 11, 2: None, 3: 13}, used, 50) == (2, None), (
        "a category deleted by hand is created again before a later one is used"
    )
    assert category_with_space({2: 12, 1: 11}, used, 49) == (3, None), "parts in order"


def test_without_community_keynotes_get_voice_and_posters_a_text_channel() -> None:
    keynote, poster = draft(kind=SessionKind.KEYNOTE), draft(kind=SessionKind.POSTER)
    assert channel_kind(keynote, community=False) is ChannelKind.VOICE
    assert channel_kind(poster, community=False) is ChannelKind.TEXT
    zoom = draft(kind=SessionKind.KEYNOTE, location="https://zoom.example/j/1")
    assert channel_kind(zoom, community=False) is ChannelKind.TEXT
    assert channel_kind(draft(), community=False) is ChannelKind.VOICE
    # An existing place keeps its kind when the server turns Community on or off.
    assert compatible_kinds(keynote) == {ChannelKind.STAGE, ChannelKind.VOICE}
    assert compatible_kinds(poster) == {ChannelKind.FORUM, ChannelKind.TEXT}
    assert compatible_kinds(zoom) == {ChannelKind.TEXT}
    assert compatible_kinds(draft()) == {ChannelKind.VOICE}
    sessions = [
        session("Keynote", at(9), 60, SessionKind.KEYNOTE),
        session("Posters", at(13), 60, SessionKind.POSTER),
    ]
    counts = plan(sessions, TOKYO, "en", community=False).count_by_kind()
    assert (counts[ChannelKind.STAGE], counts[ChannelKind.FORUM]) == (0, 0)
    assert (counts[ChannelKind.VOICE], counts[ChannelKind.TEXT]) == (1, 1)
    names = [
        c.name
        for d in plan(sessions, TOKYO, "en", community=False).days
        for c in d.categories[0].channels
    ]
    assert names == ["Keynote", "posters"]


def test_a_poster_text_channel_works_like_the_forum() -> None:
    """Attendees reply in the boards' threads only; the bot may start them there."""
    forum = place_overwrites(ChannelKind.FORUM, Phase.OPEN)
    for phase in Phase:
        text = place_overwrites(ChannelKind.TEXT, phase, posters=True)
        assert text[:2] == forum[:2], "everyone and organizers as in the forum"
        everyone, _, bot = text
        assert everyone.deny & Perm.SEND_MESSAGES and everyone.allow & Perm.SEND_MESSAGES_IN_THREADS
        assert bot.allow == forum[2].allow | Perm.CREATE_PUBLIC_THREADS
    chat = place_overwrites(ChannelKind.TEXT, Phase.OPEN)
    assert chat[0].allow & Perm.SEND_MESSAGES, "a session's own text channel is unchanged"
