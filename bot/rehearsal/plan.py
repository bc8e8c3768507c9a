"""What the simulated people of a rehearsal do, decided up front from a seed.

Everything here is pure: the programme and the seed give the same plan every time. Each person
gets a timeline of non-overlapping visits (a session, a topic room, a poster board) on the days
they come; some arrive late, some skip a day, some open topic rooms in the breaks, presenters claim
a poster board before their poster session and stand at it while it runs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.features.sessions.domain.model import Session, SessionKind

ROOM_TOPICS = (
    "LLM評価の雑談",
    "MLOps war stories",
    "🍣 ランチ雑談",
    "Diffusion models Q&A",
    "就活・キャリア相談",
    "Paper reading: RLHF",
    "GPU貧乏の工夫",
    "Kaggle反省会",
    "Robotics × ML",
    "Open-source maintainers",
    "日本語トークナイザ",
    "Coffee break ☕",
)
NAMES = (
    "Aiko", "Ben", "Chihiro", "Daisuke", "Emi", "Farid", "Gen", "Hana", "Ichiro", "Jun", "Kenta",
    "Lena", "Mio", "Nao", "Oscar", "Priya", "Rin", "Sota", "Taro", "Umi", "Yui", "Zoe",
)  # fmt: skip


class Step(StrEnum):
    JOIN = "join"  # join (or move to) a place
    LEAVE = "leave"
    OPEN_ROOM = "open_room"  # /room open, then join it
    CLAIM = "claim"  # /poster claim


@dataclass(frozen=True, order=True)
class Action:
    at: datetime
    seq: int
    step: Step = field(compare=False)
    person: int = field(compare=False)  # index into the attendees
    session_id: int | None = field(default=None, compare=False)  # a session or poster session
    topic: str | None = field(default=None, compare=False)  # a topic room
    board_of: int | None = field(default=None, compare=False)  # a poster board: its presenter


@dataclass
class Plan:
    people: list[str]
    presenters: dict[int, list[int]]  # poster session id -> presenting people
    actions: list[Action]


def plan_rehearsal(
    sessions: list[Session],
    *,
    attendees: int,
    posters: int,
    seed: int,
    zone: ZoneInfo,
) -> Plan:
    rng = random.Random(seed)
    people = [f"{NAMES[n % len(NAMES)]}{n // len(NAMES) + 1:02d}" for n in range(attendees)]
    sessions = sorted((s for s in sessions if not s.cancelled), key=lambda s: (s.start, s.id))
    builder = _Builder(rng)
    posters_by_session = {s.id: s for s in sessions if s.kind is SessionKind.POSTER}
    presenters: dict[int, list[int]] = {}
    order = list(range(attendees))
    for poster in posters_by_session.values():
        rng.shuffle(order)
        presenters[poster.id] = sorted(order[: min(posters, attendees)])
        for person in presenters[poster.id]:
            claim_at = poster.start - timedelta(hours=rng.randint(2, 20))
            builder.add(claim_at, Step.CLAIM, person, session_id=poster.id)

    by_day: dict[object, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.start.astimezone(zone).date()].append(session)
    tracks = sorted({s.track or "" for s in sessions})
    for person in range(attendees):
        taste = {track: rng.random() for track in tracks}
        for day_sessions in by_day.values():
            presenting = any(person in presenters.get(s.id, ()) for s in day_sessions)
            if rng.random() < 0.08 and not presenting:
                continue  # skips this day (a presenter comes on their poster's day)
            late = timedelta(minutes=rng.choice((0, 0, 0, 0, 20, 45, 90)))
            _plan_day(builder, rng, person, day_sessions, taste, late, presenters)
    return Plan(people=people, presenters=presenters, actions=sorted(builder.actions))


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.actions: list[Action] = []

    def add(self, at: datetime, step: Step, person: int, **extra: object) -> None:
        self.actions.append(
            Action(at=at.replace(second=0, microsecond=0), seq=len(self.actions), step=step,
                   person=person, **extra)  # type: ignore[arg-type]
        )  # fmt: skip


def _slots(day_sessions: list[Session]) -> list[list[Session]]:
    """Sessions grouped by start time (parallel tracks share a slot)."""
    slots: dict[datetime, list[Session]] = defaultdict(list)
    for session in day_sessions:
        slots[session.start].append(session)
    return [slots[start] for start in sorted(slots)]


def _plan_day(
    builder: _Builder,
    rng: random.Random,
    person: int,
    day_sessions: list[Session],
    taste: dict[str, float],
    late: timedelta,
    presenters: dict[int, list[int]],
) -> None:
    arrival = day_sessions[0].start + late
    free_from: datetime | None = None  # when the last visit ended (a break may follow)
    standing = [  # a presenter stands at their board the whole poster session
        (s.start, s.end) for s in day_sessions if person in presenters.get(s.id, ())
    ]
    for slot in _slots(day_sessions):
        start = slot[0].start
        poster = next((s for s in slot if s.kind is SessionKind.POSTER), None)
        presenting = poster is not None and person in presenters.get(poster.id, ())
        clash = any(start < end and begin < max(s.end for s in slot) for begin, end in standing)
        if not presenting and (
            clash
            or start + timedelta(minutes=10) < arrival
            or (free_from is not None and start < free_from)
        ):
            continue
        if free_from is not None and start - free_from >= timedelta(minutes=25):
            _break(builder, rng, person, free_from, start)
        if poster is not None and presenting:
            builder.add(poster.start + timedelta(minutes=1), Step.JOIN, person,
                        session_id=poster.id, board_of=person)  # fmt: skip
            builder.add(poster.end - timedelta(minutes=1), Step.LEAVE, person)
            free_from = poster.end
            continue
        chance = 0.55 if slot[0].kind is SessionKind.SOCIAL else 0.85
        if rng.random() > chance:
            continue
        if poster is not None:
            free_from = _visit_posters(builder, rng, person, poster, presenters[poster.id])
            continue
        weights = [taste.get(s.track or "", 0.5) + 0.05 for s in slot]
        session = rng.choices(slot, weights=weights)[0]
        join = max(session.start, arrival) + timedelta(minutes=rng.randint(1, 4))
        leave = session.end - timedelta(minutes=rng.choice((0, 0, 0, 1, 2, 10)))
        if rng.random() < 0.07:
            leave = join + (session.end - join) / 2  # leaves early
        if leave <= join:
            continue
        builder.add(join, Step.JOIN, person, session_id=session.id)
        builder.add(leave, Step.LEAVE, person)
        free_from = leave


def _visit_posters(
    builder: _Builder, rng: random.Random, person: int, poster: Session, presenters: list[int]
) -> datetime:
    at = poster.start + timedelta(minutes=rng.randint(2, 10))
    if not presenters:
        return at
    for _ in range(rng.randint(2, 4)):
        board_of = rng.choice(presenters)
        builder.add(at, Step.JOIN, person, session_id=poster.id, board_of=board_of)
        at += timedelta(minutes=rng.randint(8, 20))
        if at >= poster.end - timedelta(minutes=2):
            break
    leave = min(at, poster.end - timedelta(minutes=2))
    builder.add(leave, Step.LEAVE, person)
    return leave


def _break(
    builder: _Builder, rng: random.Random, person: int, start: datetime, end: datetime
) -> None:
    """A break of at least 25 minutes: some open or join a topic room."""
    roll = rng.random()
    if roll > 0.35:
        return
    at = start + timedelta(minutes=rng.randint(1, 4))
    leave = min(end - timedelta(minutes=2), at + timedelta(minutes=rng.randint(8, 40)))
    if leave <= at:
        return
    topic = rng.choice(ROOM_TOPICS)
    step = Step.OPEN_ROOM if roll < 0.07 else Step.JOIN
    builder.add(at, step, person, topic=topic)
    builder.add(leave, Step.LEAVE, person)
