"""The subscribers of a scheduled event, as Discord pages them: limit 1-100, ascending user ids,
`after`/`before` (only `before` when both), `with_member` only for those still in the server;
Interested live as GUILD_SCHEDULED_EVENT_USER_ADD/_REMOVE."""

from __future__ import annotations

import asyncio
import datetime as dt

import discord
import pytest

from bot.sandbox import Sandbox, SandboxGuild


async def _event(client: discord.Client, guild: SandboxGuild) -> discord.ScheduledEvent:
    g = client.get_guild(guild.id)
    assert g is not None
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    return await g.create_scheduled_event(
        name="Talk",
        start_time=start,
        end_time=start + dt.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="https://zoom.example/t",
        privacy_level=discord.PrivacyLevel.guild_only,
    )


async def test_pages_and_their_rules(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    ev = await _event(client, guild)
    users = sorted(int(sb.add_member(guild.id, name=f"u{i}")["id"]) for i in range(150))
    for user in users:
        sb.set_event_interest(guild.id, ev.id, user)
    http = client.http
    first = await http.get_scheduled_event_users(guild.id, ev.id, limit=100, with_member=True)
    assert [int(e["user_id"]) for e in first] == users[:100]
    assert all("member" in e for e in first)
    rest = await http.get_scheduled_event_users(
        guild.id, ev.id, limit=100, with_member=False, after=users[99]
    )
    assert [int(e["user_id"]) for e in rest] == users[100:]
    assert not any("member" in e for e in rest)
    # both given: only `before` counts (the page just below it)
    below = await http.get_scheduled_event_users(
        guild.id, ev.id, limit=3, with_member=False, before=users[10], after=users[100]
    )
    assert [int(e["user_id"]) for e in below] == users[7:10]
    for bad in (0, 101):
        with pytest.raises(discord.HTTPException) as info:
            await http.get_scheduled_event_users(guild.id, ev.id, limit=bad, with_member=False)
        assert info.value.code == 50035
    # someone who left the server is still listed, without member data
    sb.remove_member(guild.id, users[0])
    again = await http.get_scheduled_event_users(guild.id, ev.id, limit=1, with_member=True)
    assert int(again[0]["user_id"]) == users[0] and "member" not in again[0]
    counted = await http.get_scheduled_events(guild.id, with_user_count=True)
    assert counted[0]["user_count"] == 150


async def test_interest_is_live_and_only_on_live_events(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    ev = await _event(client, guild)
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    sb.set_event_interest(guild.id, ev.id, alice)
    sb.set_event_interest(guild.id, ev.id, alice, interested=False)
    for _ in range(100):
        names = [name for _, name, _ in sb.gateway_events if name and "EVENT_USER_" in name]
        if len(names) >= 2:
            break
        await asyncio.sleep(0.02)
    assert names[-2:] == ["GUILD_SCHEDULED_EVENT_USER_ADD", "GUILD_SCHEDULED_EVENT_USER_REMOVE"]
    await ev.cancel()
    with pytest.raises(ValueError):
        sb.set_event_interest(guild.id, ev.id, alice)
