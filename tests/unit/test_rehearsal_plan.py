"""The rehearsal's plan of simulated people: deterministic per seed, consistent timelines."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.rehearsal.options import RehearsalError, loopback, parse_until, refuse_real_discord
from bot.rehearsal.plan import Step, plan_rehearsal
from bot.rehearsal.truth import Truth

TOKYO = ZoneInfo("Asia/Tokyo")
DAY = datetime(2027, 7, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo


def session(sid: int, title: str, hour: float, minutes: int, kind: SessionKind = SessionKind.TALK,
            track: str | None = None) -> Session:  # fmt: skip
    start = DAY + timedelta(hours=hour)
    return Session(
        id=sid,
        guild_id=1,
        title=title,
        kind=kind,
        start=start,
        end=start + timedelta(minutes=minutes),
        track=track,
        status=SessionStatus.SCHEDULED,
        created_at=DAY,
        updated_at=DAY,
    )


PROGRAMME = [
    session(1, "Keynote", 0.5, 60, SessionKind.KEYNOTE),
    session(2, "A", 2, 40, track="A"),
    session(3, "B", 2, 40, track="B"),
    session(4, "Posters", 4, 90, SessionKind.POSTER, track="Hall"),
    session(5, "Party", 10, 90, SessionKind.SOCIAL, track="Lounge"),
]


def test_the_same_seed_gives_the_same_plan() -> None:
    one = plan_rehearsal(PROGRAMME, attendees=40, posters=5, seed=3, zone=TOKYO)
    two = plan_rehearsal(PROGRAMME, attendees=40, posters=5, seed=3, zone=TOKYO)
    other = plan_rehearsal(PROGRAMME, attendees=40, posters=5, seed=4, zone=TOKYO)
    assert one.actions == two.actions and one.presenters == two.presenters
    assert one.actions != other.actions


def test_timelines_are_consistent() -> None:
    plan = plan_rehearsal(PROGRAMME, attendees=60, posters=8, seed=1, zone=TOKYO)
    assert len(plan.presenters[4]) == 8
    claims = [a for a in plan.actions if a.step is Step.CLAIM]
    assert len(claims) == 8 and all(a.at < PROGRAMME[3].start for a in claims)
    by_person = defaultdict(list)
    for action in plan.actions:
        by_person[action.person].append(action)
    starts = {s.id: s for s in PROGRAMME}
    for actions in by_person.values():
        assert actions == sorted(actions)
        for action in actions:
            if action.step is Step.JOIN and action.session_id is not None:
                target = starts[action.session_id]
                assert target.start < action.at < target.end, "joins while the session runs"
    presenters = set(plan.presenters[4])
    standing = [a for a in plan.actions if a.board_of is not None and a.board_of == a.person]
    assert {a.person for a in standing} == presenters


def test_until_and_the_refusal_to_touch_the_real_discord() -> None:
    days = [datetime(2027, 7, 1, tzinfo=TOKYO), datetime(2027, 7, 2, tzinfo=TOKYO)]
    assert parse_until("2/12:30", days) == datetime(2027, 7, 2, 12, 30, tzinfo=TOKYO)
    assert parse_until("1", days).hour == 23
    with pytest.raises(RehearsalError):
        parse_until("3", days)
    assert loopback("http://127.0.0.1:8080/api/v10") and loopback("ws://localhost:1/")
    assert not loopback("https://discord.com/api/v10")
    assert refuse_real_discord({}) is None
    assert refuse_real_discord({"DISCORD_API_BASE": "http://127.0.0.1:9/api"}) is None
    reason = refuse_real_discord({"DISCORD_GATEWAY_URL": "wss://gateway.discord.gg/"})
    assert reason is not None and "DISCORD_GATEWAY_URL" in reason


def test_truth_counts_people_and_seconds_per_session() -> None:
    truth = Truth(session_of_channel={10: 1, 11: 1, 20: 2})
    truth.moved(1, 10, DAY)
    truth.moved(1, 11, DAY + timedelta(minutes=5))  # another board of the same poster session
    truth.moved(2, 20, DAY)
    truth.moved(3, 99, DAY)  # a topic room: not a session
    truth.close_all(DAY + timedelta(minutes=10))
    assert truth.per_session() == {1: (1, 600), 2: (1, 600)}
