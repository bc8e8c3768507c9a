"""Moving members between voice channels, and voice channel status, as strict as Discord."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.sandbox import Sandbox, SandboxGuild
from bot.sandbox import permissions as p


def _g(client: discord.Client, guild: SandboxGuild) -> discord.Guild:
    g = client.get_guild(guild.id)
    assert g is not None
    return g


async def test_a_move_needs_voice_and_move_members_and_ignores_the_user_limit(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = _g(client, guild)
    hallway = discord.utils.get(g.voice_channels, name="Hallway")
    assert hallway is not None
    small = await g.create_voice_channel("Small", user_limit=1)
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    bob = int(sb.add_member(guild.id, name="bob")["id"])
    sb.set_voice_state(guild.id, bob, small.id)
    member = await g.fetch_member(alice)
    with pytest.raises(discord.HTTPException) as info:  # not connected to voice
        await member.move_to(small)
    assert info.value.status == 400 and info.value.code == 40032
    sb.set_voice_state(guild.id, alice, hallway.id)
    await member.move_to(small)  # full, but Move Members bypasses the limit
    await asyncio.sleep(0.05)
    assert sorted(m.id for m in small.members) == sorted([alice, bob])
    sb.set_bot_permissions(guild.id, sb.default_bot_permissions & ~p.MOVE_MEMBERS)
    await asyncio.sleep(0.05)
    with pytest.raises(discord.Forbidden):
        await member.move_to(hallway)


async def test_voice_status_route_polices_type_length_permission_and_rate(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = _g(client, guild)
    hallway = discord.utils.get(g.voice_channels, name="Hallway")
    general = discord.utils.get(g.text_channels, name="general")
    assert hallway is not None and general is not None
    await hallway.edit(status="Now: keynote")
    assert sb.state.voice_statuses[hallway.id] == "Now: keynote"
    events = [f for f in sb.gateway_events if f[1] == "VOICE_CHANNEL_STATUS_UPDATE"]
    assert events and events[-1][2]["status"] == "Now: keynote"
    with pytest.raises(discord.HTTPException) as info:
        await hallway.edit(status="x" * 501)
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException) as info:
        await sb_put_status(client, general.id, "text channels have none")
    assert info.value.code == 50035
    await hallway.edit(status=None)  # clears it
    assert sb.state.voice_statuses[hallway.id] is None
    sb.voice_status_limit = (3, 60.0)
    await hallway.edit(status="three")
    # Past the per-channel limit: a 429 (discord.py would wait out its retry_after).
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(hallway.edit(status="four"), 0.3)
    assert sb.requests[-1].status == 429 and sb.state.voice_statuses[hallway.id] == "three"
    # From outside the channel Discord asks for Manage Channels too.
    sb.voice_status_limit = (100, 60.0)
    sb.set_bot_permissions(guild.id, sb.default_bot_permissions & ~p.MANAGE_CHANNELS)
    await asyncio.sleep(0.05)
    with pytest.raises(discord.Forbidden):
        await hallway.edit(status="no")
    sb.set_bot_permissions(guild.id, sb.default_bot_permissions & ~p.SET_VOICE_CHANNEL_STATUS)
    await asyncio.sleep(0.05)
    with pytest.raises(discord.Forbidden):
        await hallway.edit(status="no")


async def sb_put_status(client: discord.Client, channel_id: int, status: str) -> None:
    """The raw route (discord.py's `edit(status=...)` only exists on voice channels)."""
    route = discord.http.Route("PUT", "/channels/{channel_id}/voice-status", channel_id=channel_id)
    await client.http.request(route, json={"status": status})
