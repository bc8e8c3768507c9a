"""Poster sessions through the real bot and the sandbox: REST requests per claimed board, a
40-board session with 40 presenters and 150 visitors from claims to close, and the time to prepare
120 boards' voice channels before a session.

    python bench/posters.py [--discord-like-rate-limits]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import Stage, peak_rss_mib, stage  # noqa: E402
from bot.domain.clock import FakeClock  # noqa: E402

START = datetime(2026, 7, 1, 5, tzinfo=UTC)  # 14:00 in Tokyo


async def invoke(st: Stage, user: int, command: str, **options: object) -> str:
    result = await st.sb.invoke(st.guild_id, user, command, options=options or None)
    if result.response_type == 5:
        await result.wait_followups(1, timeout=60)
        return str(result.followups[0]["content"])
    return str(result.content or "")


async def settle(st: Stage, clock: FakeClock, to: datetime) -> None:
    clock.set(to)
    services = st.bot.services
    await services.scheduler.idle()
    await asyncio.sleep(0.05)
    await services.posters.settled(st.guild_id)
    await services.scheduler.idle()


def non_get(st: Stage) -> Counter[str]:
    return Counter(r.route for r in st.sb.requests if r.method != "GET")


async def session_run(st: Stage, clock: FakeClock) -> None:
    sb, rng = st.sb, random.Random(3)
    await invoke(st, st.organizer_id, "workshop setup")
    await invoke(
        st,
        st.organizer_id,
        "poster setup",
        name="Poster session",
        start="14:00",
        duration=90,
        boards=40,
    )
    presenters = [int(sb.add_member(st.guild_id, name=f"presenter{n}")["id"]) for n in range(40)]
    visitors = [int(sb.add_member(st.guild_id, name=f"visitor{n}")["id"]) for n in range(150)]
    sb.clear_requests()
    started = time.perf_counter()
    for n, person in enumerate(presenters):
        await invoke(st, person, "poster claim", title=f"Poster {n}", abstract=f"Abstract {n}.")
    claims = time.perf_counter() - started
    per_claim = non_get(st)
    sb.clear_requests()
    await settle(st, clock, START - timedelta(minutes=30))
    prepared = non_get(st)
    await settle(st, clock, START)
    boards = {
        c["name"]: int(c["id"])
        for c in sb.channels(st.guild_id)
        if c["type"] == 2 and " · " in c["name"]
    }
    for n, person in enumerate(presenters):
        if n % 5:  # four in five presenters stand at their board
            sb.set_voice_state(st.guild_id, person, boards[f"{n + 1:03d} · Poster {n}"])
    for visitor in visitors:
        sb.set_voice_state(st.guild_id, visitor, rng.choice(list(boards.values())))
    await asyncio.sleep(0.3)
    await st.bot.services.board.settled(st.guild_id)
    session = (await st.bot.services.posters.poster_sessions(st.guild_id))[0]
    summary = await st.bot.services.posters.summary(st.guild_id, session)
    await settle(st, clock, START + timedelta(minutes=95))
    print("40-board poster session, 40 presenters, 150 visitors")
    print(f"  40 claims in {claims:.2f} s; requests per claim:")
    for route, count in sorted(per_claim.items()):
        print(f"    {count / 40:.2f} x {route}")
    print(f"  before the start: {sum(prepared.values())} requests for 40 boards ({dict(prepared)})")
    print(f"  at the boards while it ran: {summary[1]} people, presenters present {summary[2]}/40")
    print(f"  requests the sandbox rejected: {len(sb.rejected)}")


async def prepare_120(discord_like: bool) -> None:
    clock = FakeClock(datetime(2026, 7, 1, tzinfo=UTC))
    async with stage(clock=clock, discord_like_rate_limits=discord_like) as st:
        sb = st.sb
        await invoke(
            st,
            st.organizer_id,
            "poster setup",
            name="Big posters",
            start="14:00",
            duration=90,
            boards=120,
        )
        for n in range(120):
            person = int(sb.add_member(st.guild_id, name=f"p{n}")["id"])
            await invoke(st, person, "poster claim", title=f"Poster {n}", abstract="-")
        sb.clear_requests()
        started = time.perf_counter()
        await settle(st, clock, START - timedelta(minutes=30))
        elapsed = time.perf_counter() - started
        created = non_get(st)["POST /guilds/{guild_id}/channels"]
        print(f"prepare 120 boards (rate limits like Discord's: {'yes' if discord_like else 'no'})")
        print(f"  {created} channel creations (3 categories + 120 boards) in {elapsed:.2f} s")
        print(f"  requests the sandbox rejected: {len(sb.rejected)}")


async def main(discord_like: bool) -> None:
    clock = FakeClock(datetime(2026, 7, 1, tzinfo=UTC))
    async with stage(clock=clock) as st:
        await session_run(st, clock)
    await prepare_120(discord_like)
    print(f"peak RSS (bot + sandbox in one process): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--discord-like-rate-limits", action="store_true")
    asyncio.run(main(parser.parse_args().discord_like_rate_limits))
