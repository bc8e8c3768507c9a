"""A real `workshop-bot run` process killed with SIGKILL in the middle of a one-minute breakout
and started again after its end: everyone is moved back once and the rooms are deleted.
(About 70 s: the breakout runs on the real clock.)"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter

from tests.e2e.test_process import cli, ready_count
from tests.features.breakouts.helpers import MOVE, breakout_rooms, where
from tests.world import World, eventually


async def test_kill_9_during_a_breakout_and_back_after_its_end(world: World) -> None:
    sb = world.sb
    log = world.tmp / "bot.log"
    sync = await cli(world, "sync", "--guild", str(world.guild_id), log=log)
    assert await asyncio.wait_for(sync.wait(), 60) == 0
    proc = await cli(world, "run", log=log)
    try:
        await eventually(lambda: ready_count(sb) >= 1)
        created = await sb.invoke(
            world.guild_id,
            world.organizer_id,
            "session create",
            options={"title": "Reading group", "start": "2030-07-01 10:00", "duration": 60},
            timeout=10,
        )
        await created.wait_followups(1, timeout=10)
        opened = await sb.invoke(
            world.guild_id, world.organizer_id, "session open", options={"session": "1"}
        )
        await opened.wait_followups(1, timeout=10)
        (home,) = [int(c["id"]) for c in sb.channels(world.guild_id) if c["type"] in (2, 13)]
        people = [int(sb.add_member(world.guild_id, name=f"r{n}")["id"]) for n in range(4)]
        for user in people:
            sb.set_voice_state(world.guild_id, user, home)
        await asyncio.sleep(0.5)  # the bot's cache sees them
        started = await sb.invoke(
            world.guild_id,
            world.organizer_id,
            "breakout start",
            options={"rooms": 2, "minutes": 1, "session": "1"},
        )
        await started.wait_followups(1, timeout=20)
        assert "4 people are in 2 rooms" in started.followups[0]["content"]
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    rooms = {int(r["id"]) for r in breakout_rooms(sb, world.guild_id).values()}
    assert len(rooms) == 2 and all(where(sb, world.guild_id)[u] in rooms for u in people)

    await asyncio.sleep(62)  # the breakout ends while the bot is down
    sb.clear_requests()
    proc = await cli(world, "run", log=log)
    try:
        await eventually(lambda: ready_count(sb) >= 2, within=30)
        await eventually(lambda: breakout_rooms(sb, world.guild_id) == {}, within=30)
        await asyncio.sleep(0.5)  # nothing more comes
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    assert all(where(sb, world.guild_id)[u] == home for u in people)
    moves = Counter(r.path for r in sb.requests if r.route == MOVE)
    assert len(moves) == 4 and set(moves.values()) == {1}, "each person moved back once"
    assert "Traceback" not in log.read_text()
