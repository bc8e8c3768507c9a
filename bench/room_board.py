"""The live room board under a wandering crowd: the real bot (`workshop-bot run`, its own process)
against the sandbox, N attendees moving between M topic rooms and the running sessions.

    python bench/room_board.py [--attendees 300] [--rooms 30] [--sessions 3] [--bursts 30]
                               [--interval 3.0] [--seed 1]

Each burst moves 10-60 random attendees over about a second (joins, moves, leaves), then waits
until the board message in #lobby shows the truth (every room's and session's head count as the
sandbox knows it). Prints board edits per second and the most edits in any 5 s window (Discord
allows about 5 per 5 s per channel), the lag from a burst's last voice event to a correct board
(p50/p99), and the bot process's CPU time per voice event (read from /proc, so the sandbox's own
work is not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import percentile  # noqa: E402
from bot.sandbox.sandbox import Sandbox  # noqa: E402

EDIT_BOARD = "PATCH /channels/{channel_id}/messages/{message_id}"
_LINE = re.compile(r"<#(\d+)> .*? · (?:(\d+)(?:/\d+)? inside|empty)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def board_counts(sb: Sandbox, lobby_id: int) -> dict[int, int]:
    messages = sb.messages(lobby_id)
    if not messages or not messages[0]["embeds"]:
        return {}
    text = messages[0]["embeds"][0].get("description") or ""
    return {int(m[1]): int(m[2] or 0) for m in _LINE.finditer(text)}


def truth(sb: Sandbox, guild_id: int, places: list[int]) -> dict[int, int]:
    counts = dict.fromkeys(places, 0)
    for state in sb.voice_states(guild_id):
        channel = int(state["channel_id"])
        if channel in counts:
            counts[channel] += 1
    return counts


async def run(args: argparse.Namespace) -> None:
    sb = Sandbox()
    await sb.start()
    guild = sb.add_guild("Board Bench")
    role = sb.add_role(guild.id, "Organizer")
    organizer = int(sb.add_member(guild.id, name="organizer", roles=[int(role["id"])])["id"])
    people = [int(sb.add_member(guild.id, name=f"p{n:03}")["id"]) for n in range(args.attendees)]
    tmp = Path(tempfile.mkdtemp(prefix="room-board-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DISCORD_TOKEN=sb.token,
        DISCORD_API_BASE=sb.api_base,
        DISCORD_GATEWAY_URL=sb.gateway_url,
        WORKSHOP_DATABASE=str(tmp / "bench.db"),
        WORKSHOP_GUILD_ID=str(guild.id),
        WORKSHOP_LOG_LEVEL="WARNING",
        WORKSHOP_ROOMS__MAX_OPEN=str(max(60, args.rooms)),
        WORKSHOP_ROOMS__BOARD_EDIT_SECONDS=str(args.interval),
    )
    log = (tmp / "bot.log").open("ab")

    async def cli(*argv: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *argv, cwd=tmp, env=env, stdout=log, stderr=log
        )

    assert await (await cli("sync", "--guild", str(guild.id))).wait() == 0
    bot = await cli("run")
    try:
        await sb.wait_for_gateway_ready(30)
        await asyncio.sleep(0.5)
        await measure(sb, guild.id, organizer, people, bot.pid, args)
    finally:
        bot.terminate()
        await bot.wait()
        await sb.stop()
    if sb.rejected:
        print(f"  requests the sandbox rejected: {len(sb.rejected)}")


async def invoke(sb: Sandbox, guild_id: int, user: int, command: str, **options: Any) -> None:
    result = await sb.invoke(guild_id, user, command, options=options or None)
    if result.response_type == 5:
        await result.wait_followups(1, timeout=30)


async def measure(
    sb: Sandbox,
    guild_id: int,
    organizer: int,
    people: list[int],
    pid: int,
    args: argparse.Namespace,
) -> None:
    rng = random.Random(args.seed)
    await invoke(sb, guild_id, organizer, "workshop setup")
    start = (datetime.now(UTC) + timedelta(minutes=30)).isoformat(timespec="minutes")
    sessions = []
    for n in range(args.sessions):
        title = f"Session {n}"
        await invoke(
            sb,
            guild_id,
            organizer,
            "session create",
            title=title,
            start=start,
            duration=60,
            track=f"T{n}",
        )
        await invoke(sb, guild_id, organizer, "session open", session=title)
        sessions.append(next(int(c["id"]) for c in sb.channels(guild_id) if c["name"] == title))
    rooms = []
    for n in range(args.rooms):
        await invoke(sb, guild_id, people[n], "room open", topic=f"topic {n}")
        rooms.append(next(int(c["id"]) for c in sb.channels(guild_id) if c["name"] == f"topic {n}"))
    places = sessions + rooms
    lobby_id = next(int(c["id"]) for c in sb.channels(guild_id) if c["name"] == "lobby")
    await asyncio.sleep(args.interval + 1)

    sb.clear_requests()
    lags: list[float] = []
    events = 0
    cpu_before = cpu_seconds(pid)
    began = time.perf_counter()
    for _ in range(args.bursts):
        movers = rng.sample(people, rng.randint(10, 60))
        for index, user in enumerate(movers):
            target = rng.choice(places) if rng.random() > 0.1 else None
            sb.set_voice_state(guild_id, user, target)
            events += 1
            if index % 10 == 9:
                await asyncio.sleep(0.15)  # about a second per burst
        last_event = time.perf_counter()
        expected = truth(sb, guild_id, places)
        while board_counts(sb, lobby_id) != expected:
            await asyncio.sleep(0.005)
            if time.perf_counter() - last_event > 60:
                raise SystemExit("the board did not catch up within 60 s")
        lags.append(time.perf_counter() - last_event)
        await asyncio.sleep(rng.uniform(0.2, 1.5))  # the corridor breathes between bursts
    elapsed = time.perf_counter() - began
    await asyncio.sleep(0.5)
    cpu = cpu_seconds(pid) - cpu_before
    edits_at = [r.at for r in sb.requests if r.route == EDIT_BOARD]  # sandbox clock (monotonic)
    edits = len(edits_at)

    print(
        f"room board: {len(people)} attendees, {len(rooms)} topic rooms, {len(sessions)} sessions,"
        f" {args.bursts} bursts, edit interval {args.interval:g} s"
    )
    print(f"  voice events: {events} in {elapsed:.1f} s ({events / elapsed:.0f}/s)")
    per_edit = events / max(edits, 1)
    print(f"  board edits: {edits} ({edits / elapsed:.2f}/s, {per_edit:.1f} events per edit)")
    if edits_at:
        window = max(sum(1 for t in edits_at if at <= t < at + 5) for at in edits_at)
        print(f"  most edits in any 5 s: {window}")
    print(
        f"  lag from a burst's last event to a correct board: p50 {percentile(lags, 50):.2f} s,"
        f" p99 {percentile(lags, 99):.2f} s, max {max(lags):.2f} s"
    )
    print(f"  bot CPU: {cpu:.2f} s, {cpu / events * 1000:.2f} ms per voice event")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attendees", type=int, default=300)
    parser.add_argument("--rooms", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--bursts", type=int, default=30)
    parser.add_argument("--interval", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(run(parser.parse_args()))
