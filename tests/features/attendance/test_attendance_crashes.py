"""Attendance across crashes: the real bot process (`python -m bot run`, default settings) is
killed with SIGKILL five times at random (seeded) moments and restarted at once, while a
scripted crowd of ten people walks between two sessions' voice channels, a topic room, a
channel made by hand and out of voice (every stay, in a channel or out of voice, at least 2 s).
The stays in the SQLite file are then compared with the truth (what the sandbox was told,
when): nobody is missing, nothing is counted twice, and each crash costs each person at most
3 s of what the bot could have seen (it cannot see what happens while it is down: a leaver's stay
ends at the last sign of life before the kill).

Run with `-s` to see the figures."""

from __future__ import annotations

import asyncio
import math
import random
import signal
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from tests.e2e.test_process import ready_count
from tests.features.attendance.attendance_helpers import (
    cli,
    open_room,
    person,
    session_channel,
    voice,
)
from tests.features.attendance.test_attendance import _db
from tests.world import World, eventually

SEED = 12
PEOPLE = 10
CRASHES = 5
SHORTEST, LONGEST = 2.0, 5.0  # seconds in one place (a channel, or out of voice)
LIFE = (0.3, 4.0)  # seconds from a (re)started bot's READY to its kill
DOWN = (0.5, 2.5)  # seconds from a kill to the restart (then the start itself takes a while)
LAST_LIFE = 3.0  # seconds the last run watches before the crowd goes home
MAX_LOSS = 3  # seconds per crash per person

Span = tuple[float, float]


@dataclass
class Crowd:
    """People walking at random (seeded): each stays 2–5 s in one place, then goes to another
    (a channel or out of voice); when told to stop, each leaves voice once their stay is over."""

    world: World
    people: list[int]
    places: list[int | None]
    rng: random.Random
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    told: list[tuple[float, int, int | None]] = field(default_factory=list)  # (when, who, where)

    async def walk(self) -> None:
        where: dict[int, int | None] = dict.fromkeys(self.people)
        due = {user: time.time() + self.rng.uniform(0, SHORTEST) for user in self.people}
        while due:
            user = min(due, key=due.__getitem__)
            await asyncio.sleep(max(0.0, due[user] - time.time()))
            if self.stop.is_set():
                target = None
            else:
                target = self.rng.choice([p for p in self.places if p != where[user]])
            if where[user] is not None or target is not None:
                self.told.append((time.time(), user, target))
                self.world.sb.set_voice_state(self.world.guild_id, user, target, force=True)
            where[user] = target
            if self.stop.is_set() and target is None:
                del due[user]
            else:
                due[user] = time.time() + self.rng.uniform(SHORTEST, LONGEST)

    def truth(self) -> dict[int, list[tuple[int, float, float]]]:
        """Per person: (channel, from, to) in wall-clock seconds."""
        stays: dict[int, list[tuple[int, float, float]]] = {u: [] for u in self.people}
        entered: dict[int, tuple[int, float]] = {}
        for when, user, target in self.told:
            if user in entered:
                channel, since = entered.pop(user)
                stays[user].append((channel, since, when))
            if target is not None:
                entered[user] = (target, when)
        assert not entered, "everyone went home"
        return stays


def overlap(spans: Iterable[Span], window: Span) -> float:
    lo, hi = window
    return sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in spans)


def whole_seconds(stays: Iterable[tuple[int, float, float]]) -> list[Span]:
    """The truth at the resolution the bot stores (whole epoch seconds, rounded down)."""
    return [(math.floor(a), math.floor(b)) for _c, a, b in stays]


async def test_five_kill_9_while_ten_people_move_lose_nobody_and_count_nothing_twice(
    world: World,
) -> None:
    sb = world.sb
    # The places, made by the real bot: two sessions' voice channels and a topic room.
    world.clock.set(datetime.now(UTC))
    bot = await world.start_bot()
    soon = world.clock.now() + timedelta(hours=1)
    starts = [(soon + timedelta(hours=n)).isoformat(timespec="minutes") for n in range(2)]
    _, talk = await session_channel(world, bot, "Graph learning", start=starts[0])
    _, panel = await session_channel(world, bot, "LLM evaluation", start=starts[1])
    room = await open_room(world, world.admin_id, "Diffusion models")
    await world.stop_bot(bot)
    sb.wall_clock, sb.clock = lambda: datetime.now(UTC), time.monotonic  # real time from here
    hangout = voice(world, "hangout")
    kinds = {talk: "session", panel: "session", room: "room", hangout: "other"}
    people = [person(world, f"walker{n}") for n in range(PEOPLE)]
    crowd = Crowd(world, people, [talk, panel, room, hangout, None], random.Random(SEED))
    moments = random.Random(SEED + 1)

    log = world.tmp / "bot.log"
    walking = asyncio.create_task(crowd.walk())
    lives: list[Span] = []  # (READY seen, killed) of each run
    readies = ready_count(sb)  # the setup's own
    proc = await cli(world, "run", log=log)
    try:
        for crash in range(CRASHES + 1):
            await eventually(lambda n=readies + crash + 1: ready_count(sb) >= n, within=30)
            ready = time.time()
            if crash == CRASHES:
                break
            await asyncio.sleep(moments.uniform(*LIFE))
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
            lives.append((ready, time.time()))
            await asyncio.sleep(moments.uniform(*DOWN))
            proc = await cli(world, "run", log=log)
        await asyncio.sleep(LAST_LIFE)
        crowd.stop.set()
        await asyncio.wait_for(walking, 30)
        await eventually(
            lambda: not _db(world.database, "SELECT id FROM attendance WHERE left_at IS NULL")
        )
        lives.append((ready, time.time()))
    finally:
        walking.cancel()
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    text = log.read_text()
    assert "Traceback" not in text and " ERROR " not in text, text

    truth = crowd.truth()
    rows = _db(
        world.database,
        "SELECT user_id, channel_id, place_kind, joined_at, left_at, recovered FROM attendance "
        "ORDER BY user_id, joined_at",
    )
    recorded: dict[int, list[tuple[int, int, int]]] = {u: [] for u in people}
    for user, channel, kind, joined, left, _recovered in rows:
        assert kind == kinds[channel]
        recorded[user].append((channel, joined, left))

    worst = [0.0] * CRASHES  # per crash: the most one person lost of what the bot was up for
    cycle_worst = 0.0  # ... counting the downtime too (what no one can see)
    for user in people:
        mine = recorded[user]
        for (_, _, left), (_, joined, _) in pairwise(mine):
            assert left <= joined, f"{user}: overlapping stays (counted twice): {mine}"
        spans: list[Span] = [(joined, left) for _c, joined, left in mine]
        true_spans = whole_seconds(truth[user])
        # Nobody missing: every stay the bot was up for (a second or more) is there.
        for channel, a, b in truth[user]:
            if max(overlap([(a, b)], life) for life in lives) >= 1:
                assert any(c == channel and j < b and left > a for c, j, left in mine), (
                    f"{user}: the stay in {channel} {a:.1f}–{b:.1f} is missing: {mine}"
                )
        for n, life in enumerate(lives):
            loss = overlap(true_spans, life) - overlap(spans, life)
            assert loss <= (MAX_LOSS if n < CRASHES else 1), (user, n, loss, mine, truth[user])
            if n < CRASHES:
                worst[n] = max(worst[n], loss)
            # The whole cycle (the run and the downtime after it): never more than the truth.
            cycle = (life[0], lives[n + 1][0] if n < CRASHES else life[1])
            extra = overlap(spans, cycle) - overlap(true_spans, cycle)
            assert extra <= 1, (user, n, extra, mine, truth[user])
            cycle_worst = max(cycle_worst, -extra)

    # What the crashes put to the test: stays that went on across one, and stays that began
    # while the bot was up and ended while it was down.
    downs = [(lives[n][1], lives[n + 1][0]) for n in range(CRASHES)]
    across = sum(1 for st in truth.values() for _c, a, b in st for k, r in downs if a < k and b > r)
    ended_down = sum(
        1 for st in truth.values() for _c, a, b in st for k, r in downs if a < k < b < r
    )
    assert across and ended_down

    truth_total = sum(b - a for stays in truth.values() for _c, a, b in stays)
    watched = sum(overlap(whole_seconds(truth[u]), life) for u in people for life in lives)
    kept = sum(overlap([(j, left) for _c, j, left in recorded[u]], life)
               for u in people for life in lives)  # fmt: skip
    print(
        f"\ncrash loop (seed {SEED}): {CRASHES} kill -9, {PEOPLE} people, "
        f"{sum(len(s) for s in truth.values())} true stays ({across} across a crash, "
        f"{ended_down} ended while the bot was down), {len(rows)} recorded stays "
        f"({sum(r[5] for r in rows)} flagged recovered)\n"
        f"  truth {truth_total:.0f} s in voice, recorded {sum(r[4] - r[3] for r in rows)} s; "
        f"while the bot was up: truth {watched:.0f} s, recorded {kept:.0f} s\n"
        f"  worst loss per person, per crash: "
        + ", ".join(f"{w:.1f} s" for w in worst)
        + f" of what the bot was up for; {cycle_worst:.1f} s counting the downtime\n"
        f"  downtime per crash (kill to READY): " + ", ".join(f"{r - k:.1f} s" for k, r in downs)
    )
