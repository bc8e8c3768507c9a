"""Shared by the breakouts tests: a running session with people in its voice channel."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bot.core.bot import WorkshopBot
from bot.sandbox.sandbox import Sandbox
from tests.features.attendance.attendance_helpers import move, person, session_channel
from tests.world import World

MOVE = "PATCH /guilds/{guild_id}/members/{user_id}"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
DELETE_CHANNEL = "DELETE /channels/{channel_id}"
POST = "POST /channels/{channel_id}/messages"


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests if r.method != "GET")


def breakout_rooms(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return {
        c["name"]: c
        for c in sb.channels(guild_id)
        if c["type"] == 2 and c["name"].startswith("Breakout ")
    }


def where(sb: Sandbox, guild_id: int) -> dict[int, int | None]:
    """user -> voice channel, from the sandbox (the truth)."""
    return {int(v["user_id"]): int(v["channel_id"]) for v in sb.voice_states(guild_id)}


async def running_session(
    world: World,
    bot: WorkshopBot,
    people: int,
    title: str = "Causal inference",
    start: str = "10:00",
) -> tuple[int, int, list[int]]:
    """An open session with `people` attendees in its voice channel: (session, channel, ids)."""
    session_id, channel = await session_channel(world, bot, title, start)
    opened = await world.sb.invoke(
        world.guild_id, world.organizer_id, "session open", options={"session": str(session_id)}
    )
    if opened.response_type == 5:
        await opened.wait_followups(1)
    ids = [person(world, f"{title[:4]}{n}") for n in range(people)]
    await move(world, bot, dict.fromkeys(ids, channel))
    return session_id, channel, ids


async def start(
    world: World, user: int, rooms: int, minutes: int, session: int | None = None
) -> str:
    options: dict[str, Any] = {"rooms": rooms, "minutes": minutes}
    if session is not None:
        options["session"] = str(session)
    result = await world.sb.invoke(
        world.guild_id, user, "breakout start", options=options, locale="en-US"
    )
    if result.response_type == 5:
        await result.wait_followups(1, timeout=30)
        return str(result.followups[0]["content"])
    return str(result.content or "")


async def end(world: World, user: int, session: int | None = None) -> str:
    options = {} if session is None else {"session": str(session)}
    result = await world.sb.invoke(
        world.guild_id, user, "breakout end", options=options, locale="en-US"
    )
    if result.response_type == 5:
        await result.wait_followups(1, timeout=30)
        return str(result.followups[0]["content"])
    return str(result.content or "")
