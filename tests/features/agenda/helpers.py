"""Shared steps of the agenda's end-to-end tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.bot import WorkshopBot
from bot.features.agenda.service import AgendaService
from tests.world import World

JST_10 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo; the world clock starts at 9:00
POST_MESSAGE = "POST /channels/{channel_id}/messages"


async def create(
    world: World, title: str, start: str = "10:00", duration: int = 60, **options: Any
) -> dict[str, Any]:
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": title, "start": start, "duration": duration, **options},
    )
    await result.wait_followups(1)
    sessions = await agenda_of(world.bots[-1])._sessions.programme(world.guild_id)
    session = next(s for s in sessions if s.title == title)
    channels, events = await agenda_of(world.bots[-1])._sessions.places.discord_ids(world.guild_id)
    return {"id": session.id, "channel": channels.get(session.id), "event": events.get(session.id)}


def agenda_of(bot: WorkshopBot) -> AgendaService:
    return bot.services.get("agenda", AgendaService)


async def interested(world: World, event_id: int, user_id: int, yes: bool = True) -> None:
    world.sb.set_event_interest(world.guild_id, event_id, user_id, interested=yes)
    await world.settle(0.2)
    await agenda_of(world.bots[-1]).settled()


def posted_to(world: World, channel_id: int) -> list[dict[str, Any]]:
    """What the bot posted in a channel (request bodies, in order)."""
    return [
        r.json
        for r in world.sb.requests
        if r.route == POST_MESSAGE
        and r.path.endswith(f"/channels/{channel_id}/messages")
        and r.status == 200
    ]
