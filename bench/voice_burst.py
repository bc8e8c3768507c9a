"""Attendance under a burst: the real bot against the sandbox, 3,000 voice state events (300
people through 20 channels: 5 open sessions and 15 topic rooms) dispatched as fast as the
gateway socket takes them.

    python bench/voice_burst.py [--people 300] [--channels 20] [--moves 10] [--seed 1]

Each person joins, moves `moves - 2` times and leaves. Prints events/s from the first event on
the socket until the last one is committed to SQLite, the event-to-commit latency (p50/p99: from
the moment the sandbox writes the event to the socket until the transaction holding it commits;
and the part of it from the moment discord.py parsed it and the tap queued it), how many
transactions that took, and checks that every stay is in the database as dispatched.
In the same run a plain `sqlite3` baseline inserts the same rows (same schema, WAL, one
transaction, `executemany`), and the ratio of the two is printed. Bot and sandbox share one
process and one event loop here, so the bot's figure includes the sandbox's own work.

The whole burst takes about a second, and a stay shorter than a second is no stay (it is not
recorded), so the bot runs on a clock that moves one second each time it is read: every event
gets its own second and every stay is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import Stage, percentile, stage
from bot.domain.clock import FakeClock
from bot.features.attendance.domain.observations import Moved, Observation
from bot.store.migrate import default_migrations_dir, discover

COLUMNS = (
    "guild_id, user_id, display_name, channel_id, channel_name, place_kind, place_id, "
    "joined_at, left_at, recovered"
)


class TickingClock(FakeClock):
    """One second later at every reading."""

    def now(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now


async def answer(result: Any) -> str:
    if result.response_type == 5:
        await result.wait_followups(1, timeout=30)
        return str(result.followups[0].get("content") or "")
    return str(result.content or "")


async def places(st: Stage, count: int) -> list[int]:
    """`count` voice channels the bot owns: a quarter open sessions, the rest topic rooms."""
    sb, guild = st.sb, st.guild_id
    await (await sb.invoke(guild, st.organizer_id, "workshop setup")).wait_followups(1, timeout=30)
    start = (st.bot.clock.now() + timedelta(minutes=30)).isoformat(timespec="minutes")
    channels = []
    for n in range(max(1, count // 4)):
        options = {"title": f"Session {n}", "start": start, "duration": 60, "track": f"T{n}"}
        await answer(await sb.invoke(guild, st.organizer_id, "session create", options=options))
        await answer(
            await sb.invoke(
                guild, st.organizer_id, "session open", options={"session": f"Session {n}"}
            )
        )
        channels.append(
            next(int(c["id"]) for c in sb.channels(guild) if c["name"] == f"Session {n}")
        )
    while len(channels) < count:
        owner = int(sb.add_member(guild, name=f"host{len(channels)}")["id"])
        text = await answer(
            await sb.invoke(guild, owner, "room open", options={"topic": f"topic {len(channels)}"})
        )
        channels.append(int(text.split("<#", 1)[1].split(">", 1)[0]))
    return channels


def plan(
    people: list[int], channels: list[int], moves: int, seed: int
) -> list[tuple[int, int | None]]:
    """Every person's path (join, moves, leave), interleaved at random, order kept per person."""
    rng = random.Random(seed)
    paths: dict[int, list[int | None]] = {}
    for person in people:
        path: list[int | None] = [rng.choice(channels)]
        for _ in range(moves - 2):
            path.append(rng.choice([c for c in channels if c != path[-1]]))
        paths[person] = [*path, None]
    slots = [p for p in people for _ in range(moves)]
    rng.shuffle(slots)
    cursor = dict.fromkeys(people, 0)
    events = []
    for person in slots:
        events.append((person, paths[person][cursor[person]]))
        cursor[person] += 1
    return events


def baseline(rows: Sequence[tuple[Any, ...]]) -> float:
    """Seconds a plain sqlite3 connection takes to insert `rows` in one transaction."""
    with tempfile.TemporaryDirectory() as tmp, closing(sqlite3.connect(Path(tmp) / "b.db")) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        for migration in discover(default_migrations_dir()):
            conn.executescript(migration.path.read_text(encoding="utf-8"))
        marks = ", ".join("?" * len(rows[0]))
        start = time.perf_counter()
        with conn:
            conn.executemany(f"INSERT INTO attendance ({COLUMNS}) VALUES ({marks})", rows)
        return time.perf_counter() - start


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    async with stage(clock=TickingClock()) as st:
        sb, bot, guild = st.sb, st.bot, st.guild_id
        channels = await places(st, args.channels)
        people = [int(sb.add_member(guild, name=f"p{n:03}")["id"]) for n in range(args.people)]
        events = plan(people, channels, args.moves, args.seed)
        await asyncio.sleep(1.0)  # the bot has seen the channels; the board is quiet

        sent: list[float] = []  # when each voice event went onto the socket
        record = sb.gateway._record

        def timed(frame: dict[str, Any]) -> None:
            if frame.get("t") == "VOICE_STATE_UPDATE":
                sent.append(time.perf_counter())
            record(frame)

        committed: list[float] = []  # commit time of each voice event, in order
        queued: list[float] = []  # ... and when the gateway tap queued it for the writer
        batches: list[int] = []
        tails: list[float] = []  # per transaction: from its last event queued to its commit

        def written(batch: Sequence[tuple[Observation, float]], at: float) -> None:
            moves = [when for item, when in batch if isinstance(item, Moved)]
            if moves:
                batches.append(len(moves))
                committed.extend([at] * len(moves))
                queued.extend(moves)
                tails.append((at - max(moves)) * 1000)

        sb.gateway._record = timed  # type: ignore[method-assign]
        bot.services.attendance.recorder.on_written = written
        for person, channel in events:  # as fast as the socket takes them
            sb.set_voice_state(guild, person, channel, force=True)
        deadline = time.perf_counter() + 300
        while len(committed) < len(events):
            if time.perf_counter() > deadline:
                raise SystemExit(f"only {len(committed)} of {len(events)} events committed")
            await asyncio.sleep(0.005)
        sb.gateway._record = record  # type: ignore[method-assign]

        elapsed = committed[-1] - sent[0]
        latencies = [(c - s) * 1000 for s, c in zip(sent, committed, strict=True)]
        writer = [(c - q) * 1000 for q, c in zip(queued, committed, strict=True)]
        rows = await bot.db.fetch_all(
            f"SELECT {COLUMNS} FROM attendance WHERE guild_id = ? ORDER BY user_id, joined_at, id",
            (guild,),
        )
        expected = [(p, c) for p, c in events if c is not None]
        by_person: dict[int, list[int]] = {}
        for person, channel in expected:
            by_person.setdefault(person, []).append(channel)
        recorded: dict[int, list[int]] = {}
        for row in rows:
            recorded.setdefault(row["user_id"], []).append(row["channel_id"])
        closed = all(row["left_at"] is not None for row in rows)
        as_dispatched = recorded == by_person and closed
        rows_plain = [tuple(row) for row in rows]

    base = baseline(rows_plain)
    print(
        f"voice burst: {len(events)} voice state events, {args.people} people through "
        f"{len(channels)} channels ({max(1, args.channels // 4)} sessions, "
        f"{len(channels) - max(1, args.channels // 4)} topic rooms)"
    )
    print(
        f"  bot: {len(events) / elapsed:,.0f} events/s until all committed "
        f"({elapsed * 1000:.0f} ms from the first event on the socket to the last commit)"
    )
    print(
        f"  event-to-commit latency: p50 {percentile(latencies, 50):.0f} ms, "
        f"p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms"
    )
    print(
        f"  of which queued (parsed by discord.py) to committed: p50 "
        f"{percentile(writer, 50):.0f} ms, p99 {percentile(writer, 99):.0f} ms"
    )
    print(
        f"  transactions: {len(batches)} (events per transaction: mean "
        f"{len(events) / len(batches):.0f}, max {max(batches)}); from a transaction's last "
        f"event queued to its commit: at most {max(tails):.0f} ms (shared loop and connection)"
    )
    check = "every stay as dispatched, all closed" if as_dispatched else "MISMATCH"
    print(f"  database: {len(rows_plain)} stays ({check})")
    print(
        f"  baseline (plain sqlite3, one transaction, executemany): {len(rows_plain)} rows in "
        f"{base * 1000:.1f} ms ({len(rows_plain) / base:,.0f} rows/s)"
    )
    print(f"  ratio: the bot took {elapsed / base:.0f}x the baseline's time")
    if not as_dispatched:
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--moves", type=int, default=10, help="voice events per person (>= 2)")
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(main(parser.parse_args()))
