"""A real discord.py client connects, reaches ready and sees the guild."""

from __future__ import annotations

import discord

from bot.sandbox import Sandbox, SandboxGuild


async def test_client_reaches_ready_and_sees_guild(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = client.get_guild(guild.id)
    assert g is not None
    assert g.name == "Camp"
    assert {c.name for c in g.channels} == {"Rooms", "general", "Hallway"}
    hallway = discord.utils.get(g.channels, name="Hallway")
    assert isinstance(hallway, discord.VoiceChannel)
    assert hallway.category is not None and hallway.category.name == "Rooms"
    assert g.me is not None and g.me.id == sb.bot_user_id
    assert g.default_role.id == guild.id
    assert g.me.guild_permissions.manage_channels
    assert client.application_id == sb.application_id
    events = [t for op, t, _ in sb.gateway_events if op == 0]
    assert events[:2] == ["READY", "GUILD_CREATE"]
    assert not sb.unknown_requests
    assert not sb.rejected
