"""Helpers shared by the attendance end-to-end tests."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.bot import WorkshopBot
from tests.e2e.test_process import bot_env
from tests.world import World, eventually

JST_10 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo; the world clock starts at 9:00
CHANNEL_MENTION = re.compile(r"<#(\d+)>")


def epoch(when: datetime) -> int:
    return int(when.timestamp())


async def stays(bot: WorkshopBot) -> list[dict[str, Any]]:
    """Every attendance row once what is queued is written, by user then time."""
    await bot.services.attendance.flush()
    rows = await bot.db.fetch_all("SELECT * FROM attendance ORDER BY user_id, joined_at, id")
    return [dict(r) for r in rows]


async def until(predicate: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """Wait until an async predicate holds (state written by the bot's writer task)."""

    async def poll() -> None:
        while not await predicate():  # noqa: ASYNC110 (written by another task)
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), within)


def voice(world: World, name: str) -> int:
    """A voice channel made by hand (the bot does not own it: place 'other')."""
    return int(world.sb.add_channel(world.guild_id, name, type=2)["id"])


def person(world: World, name: str, display: str | None = None, **extra: Any) -> int:
    return int(world.sb.add_member(world.guild_id, name=name, display_name=display, **extra)["id"])


async def move(world: World, bot: WorkshopBot, moves: dict[int, int | None]) -> None:
    """Set voice states, then wait until the bot's cache shows them (the events were parsed at
    the clock's current time)."""
    for user, channel in moves.items():
        world.sb.set_voice_state(world.guild_id, user, channel)

    def seen() -> bool:
        where = bot.services.gateway.voice_channel_of
        return bot.get_guild(world.guild_id) is not None and all(
            where(world.guild_id, user) == channel for user, channel in moves.items()
        )

    await eventually(seen)


async def session_channel(
    world: World, bot: WorkshopBot, title: str, start: str = "10:00"
) -> tuple[int, int]:
    """Create a session (60 min) and return (session id, its voice channel)."""
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": title, "start": start, "duration": 60},
    )
    await result.wait_followups(1)
    programme = await bot.services.sessions.programme(world.guild_id)
    session = next(s for s in programme if s.title == title)
    channels, _ = await bot.services.sessions.places.discord_ids(world.guild_id)
    return session.id, channels[session.id]


async def open_room(world: World, user: int, topic: str) -> int:
    result = await world.sb.invoke(
        world.guild_id, user, "room open", options={"topic": topic}, locale="en-US"
    )
    if result.response_type == 5:
        await result.wait_followups(1)
        text = result.followups[0]["content"]
    else:
        text = result.content or ""
    found = CHANNEL_MENTION.search(text)
    assert found, text
    return int(found[1])


async def answer(result: Any) -> Any:
    """The message that answers an interaction (the follow-up of a deferred one)."""
    if result.response_type == 5:
        await result.wait_followups(1, timeout=10)
        return result.followups[0]
    return result.original


def later(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


async def cli(
    world: World, *args: str, log: Path, extra: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    """`python -m bot ARGS` as its own process against the sandbox (settings from `extra`)."""
    handle = log.open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=world.tmp,
        env={**bot_env(world), **(extra or {})},
        stdout=handle,
        stderr=asyncio.subprocess.STDOUT,
    )
