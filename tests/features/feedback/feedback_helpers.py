"""Helpers shared by the feedback and wrap-up end-to-end tests."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from bot.core.bot import WorkshopBot
from tests.features.attendance.attendance_helpers import JST_10, move, person, session_channel
from tests.world import World

CLOSED = JST_10 + timedelta(minutes=65)  # a 60-minute session at 10:00 closes after 5 min grace


def parse_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode()), "a BOM for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def prompt_message(world: World, channel_id: int) -> dict[str, Any]:
    (message,) = [
        m
        for m in world.sb.messages(channel_id)
        if any(
            c["custom_id"].startswith("fb:rate:")
            for row in m.get("components", [])
            for c in row["components"]
        )
    ]
    return message


async def attended_session(
    world: World, bot: WorkshopBot, title: str, minutes: dict[str, float]
) -> tuple[int, int, dict[str, int]]:
    """A 60-minute session at 10:00 that people attend from 10:00 for `minutes` each, then
    closed by its job: (session id, its channel, name -> user id)."""
    session_id, channel = await session_channel(world, bot, title)
    await world.run_jobs(JST_10)
    people = {name: person(world, name, name.title()) for name in minutes}
    await move(world, bot, dict.fromkeys(people.values(), channel))
    for name, stay in sorted(minutes.items(), key=lambda item: item[1]):
        world.clock.set(JST_10 + timedelta(minutes=stay))
        await move(world, bot, {people[name]: None})
    await world.run_jobs(CLOSED)
    await bot.services.scheduler.idle()
    return session_id, channel, people
