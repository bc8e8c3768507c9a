"""The gate end to end: with `registration.gate = true` everything the bot creates (base
channels, a session's place, a topic room, the categories) is hidden from unregistered accounts
and open to registered roles and organizers; #welcome stays public; registering opens the event.
Every overwrite goes through the sandbox, which refuses a bit the bot does not hold."""

from __future__ import annotations

from typing import Any

from bot.sandbox import permissions as p
from tests.features.registration.conftest import confirm, import_file, register, start, welcome
from tests.world import World


def can_view(world: World, user: int, channel: dict[str, Any]) -> bool:
    guild = world.sb.state.guild(world.guild_id)
    live = guild.channels[int(channel["id"])]
    return bool(guild.channel_permissions(user, live) & p.VIEW_CHANNEL)


async def test_the_gate_hides_the_event_until_one_registers(world: World) -> None:
    sb = world.sb
    await start(world, gate=True)
    session = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": "Opening talk", "start": "2026-07-01 10:00", "duration": 60},
    )
    await session.wait_followups(1)
    room = await sb.invoke(world.guild_id, world.organizer_id, "room open", options={"topic": "ML"})
    if room.response_type == 5:
        await room.wait_followups(1)
    await world.settle(0.3)
    welcome_channel, _ = welcome(world)
    made = [c for c in sb.channels(world.guild_id) if c["name"] not in ("general", "General")]
    backstage = next(c for c in made if c["name"] == "backstage")  # never for attendees
    gated = [c for c in made if c["id"] not in (welcome_channel["id"], backstage["id"])]
    assert sorted(c["name"] for c in gated) == [
        "Day 1 · 7/1 (Wed)",  # the session's category
        "ML",  # a topic room
        "Opening talk",  # the session's place
        "Topic rooms",
        "Workshop info",
        "announcements",
        "help",
        "lobby",
    ]
    attendee, organizer = world.attendee_id, world.organizer_id
    assert [c["name"] for c in gated if can_view(world, attendee, c)] == []
    assert all(can_view(world, organizer, c) for c in gated)
    assert can_view(world, attendee, welcome_channel), "#welcome stays public"

    await confirm(world, (await import_file(world)).followups[0])
    await register(world, attendee, "1001", "山田 太郎")
    assert all(can_view(world, attendee, c) for c in gated), "registered: the event opens"
    backstage = next(c for c in sb.channels(world.guild_id) if c["name"] == "backstage")
    assert not can_view(world, attendee, backstage), "#backstage stays for organizers and speakers"
    other = int(sb.add_member(world.guild_id, name="late")["id"])
    assert not any(can_view(world, other, c) for c in gated)
    assert not sb.rejected, [(r.status, r.route) for r in sb.rejected]


async def test_without_the_gate_nothing_changes(world: World) -> None:
    sb = world.sb
    await start(world)
    lobby = next(c for c in sb.channels(world.guild_id) if c["name"] == "lobby")
    assert can_view(world, world.attendee_id, lobby)
    everyone = next(o for o in lobby["permission_overwrites"] if int(o["id"]) == world.guild_id)
    assert not int(everyone["deny"]) & p.VIEW_CHANNEL
