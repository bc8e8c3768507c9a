"""The installed CLI as a real process against the sandbox: sync, run, and kill -9 mid-setup."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.sandbox.sandbox import Sandbox
from tests.world import World, eventually

REPO = Path(__file__).resolve().parents[2]


def bot_env(world: World) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": world.sb.token,
            "DISCORD_API_BASE": world.sb.api_base,
            "DISCORD_GATEWAY_URL": world.sb.gateway_url,
            "WORKSHOP_DATABASE": str(world.database),
            "WORKSHOP_GUILD_ID": str(world.guild_id),
        }
    )
    return env


async def cli(world: World, *args: str, log: Path) -> asyncio.subprocess.Process:
    handle = log.open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=world.tmp,
        env=bot_env(world),
        stdout=handle,
        stderr=asyncio.subprocess.STDOUT,
    )


def channel_creates(sb: Sandbox) -> int:
    return sb.count("POST /guilds/{guild_id}/channels")


async def test_sync_registers_commands_with_japanese_localizations(world: World) -> None:
    log = world.tmp / "sync.log"
    proc = await cli(world, "sync", "--guild", str(world.guild_id), log=log)
    assert await asyncio.wait_for(proc.wait(), 60) == 0, log.read_text()
    assert "registered 14 commands" in log.read_text()
    commands = {c["name"]: c for c in world.sb.commands(world.guild_id)}
    assert set(commands) == {
        "workshop",
        "session",
        "schedule",
        "room",
        "poster",
        "attendance",
        "agenda",
        "help",
        "breakout",
        "hallway",
        "ask",
        "questions",
        "feedback",
        "registration",
    }
    assert commands["registration"]["name_localizations"]["ja"] == "参加登録"
    assert commands["help"]["name_localizations"]["ja"] == "ヘルプ"
    workshop = commands["workshop"]
    assert workshop["name"] == "workshop"
    assert workshop["name_localizations"]["ja"] == "ワークショップ"
    names = {o["name"]: o for o in workshop["options"]}
    assert names["setup"]["name_localizations"]["ja"] == "セットアップ"
    assert names["wrap-up"]["name_localizations"]["ja"] == "締めくくり"
    assert world.sb.token not in log.read_text()


@pytest.mark.parametrize("kill_after_channels", [1, 2, 4])
async def test_kill_9_in_the_middle_of_setup_then_restart_leaves_no_duplicates(
    world: World, kill_after_channels: int
) -> None:
    """kill -9 right after Discord created the Nth channel (the id is likely not recorded yet);
    the restarted bot converges: every channel once, one board message."""
    sb = world.sb
    log = world.tmp / "bot.log"
    sync = await cli(world, "sync", "--guild", str(world.guild_id), log=log)
    assert await asyncio.wait_for(sync.wait(), 60) == 0

    proc = await cli(world, "run", log=log)
    await eventually(lambda: ready_count(sb) >= 1)
    invocation = asyncio.create_task(
        sb.invoke(world.guild_id, world.organizer_id, "workshop setup", timeout=10)
    )
    try:
        await eventually(
            lambda: channel_creates(sb) >= kill_after_channels or proc.returncode is not None
        )
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    await asyncio.gather(invocation, return_exceptions=True)

    # Second life: the startup reconcile converges (adopting what the killed run created).
    proc = await cli(world, "run", log=log)
    try:
        await eventually(lambda: ready_count(sb) >= 2)
        await eventually(lambda: len(board_messages(sb, world)) == 1)
        # The start-up convergence ends with the guide pinned in #help: only then is there
        # nothing left for setup to do (else setup may race it and report the guide as new).
        await eventually(lambda: guide_pinned(sb, world))
        await eventually(lambda: any(c["name"] == "backstage" for c in sb.channels(world.guild_id)))
        result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
        await result.wait_followups(1, timeout=10)
        embed = result.followups[0]["embeds"][0]
        assert "already complete" in embed["title"], embed
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0

    names = sorted(c["name"] for c in sb.channels(world.guild_id) if c["type"] in (0, 4))
    assert names == ["Workshop info", "announcements", "backstage", "help", "lobby"]
    assert len(board_messages(sb, world)) == 1
    text = log.read_text()
    assert "Traceback" not in text, text
    assert sb.token not in text


def ready_count(sb: Sandbox) -> int:
    return sum(1 for _op, t, _d in sb.gateway_events if t == "READY")


def guide_pinned(sb: Sandbox, world: World) -> bool:
    help_channels = [c for c in sb.channels(world.guild_id) if c["name"] == "help"]
    if not help_channels:
        return False
    pinned = sb.state.pinned_at
    return any(int(m["id"]) in pinned for m in sb.messages(int(help_channels[0]["id"])))


def board_messages(sb: Sandbox, world: World) -> list[dict]:  # type: ignore[type-arg]
    lobby = [c for c in sb.channels(world.guild_id) if c["name"] == "lobby"]
    return sb.messages(int(lobby[0]["id"])) if lobby else []


@pytest.mark.parametrize("discord_made_it", [False, True])
async def test_kill_9_between_intent_and_channel_then_restart_makes_the_session_once(
    world: World, discord_made_it: bool
) -> None:
    """The session and its intent are in the database; the bot is killed before Discord made
    the channel (Discord answered 503) or just after it did (its id perhaps never recorded).
    The restarted bot converges: one category, one channel, one event."""
    sb = world.sb
    log = world.tmp / "bot.log"
    sync = await cli(world, "sync", "--guild", str(world.guild_id), log=log)
    assert await asyncio.wait_for(sync.wait(), 60) == 0
    if not discord_made_it:
        sb.inject_fault("POST /guilds/{guild_id}/channels", status=503, times=1000)
    proc = await cli(world, "run", log=log)
    await eventually(lambda: ready_count(sb) >= 1)
    invocation = asyncio.create_task(
        sb.invoke(
            world.guild_id,
            world.organizer_id,
            "session create",
            options={"title": "Opening", "start": "2030-07-01 10:00", "duration": 60},
            timeout=10,
        )
    )
    try:
        if discord_made_it:
            await eventually(lambda: channel_creates(sb) >= 2 or proc.returncode is not None)
        else:
            await eventually(
                lambda: (
                    sum(1 for r in sb.requests if r.status == 503) >= 1
                    or proc.returncode is not None
                )
            )
            await asyncio.sleep(0.3)  # the intent and the session are written by now
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.wait()
    await asyncio.gather(invocation, return_exceptions=True)
    sb.faults.pending.clear()

    proc = await cli(world, "run", log=log)
    try:
        await eventually(lambda: ready_count(sb) >= 2)
        await eventually(
            lambda: (
                len([c for c in sb.channels(world.guild_id) if c["type"] == 2]) == 1
                and len(sb.scheduled_events(world.guild_id)) == 1
            )
        )
        await asyncio.sleep(0.5)  # nothing more comes
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    kinds = Counter(c["type"] for c in sb.channels(world.guild_id))
    assert kinds == Counter({4: 1, 2: 1}), sb.channels(world.guild_id)
    assert [e["name"] for e in sb.scheduled_events(world.guild_id)] == ["Opening"]
    assert "Traceback" not in log.read_text()
