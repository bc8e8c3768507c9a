"""Pins, reactions, typing, bulk delete, stage instances, nickname, channel positions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest

import bot.sandbox
from bot.core.permissions import INVITE_PERMISSIONS
from bot.sandbox import Sandbox, SandboxGuild
from bot.sandbox import permissions as p


def _g(client: discord.Client, guild: SandboxGuild) -> discord.Guild:
    g = client.get_guild(guild.id)
    assert g is not None
    return g


async def test_pins_reactions_typing_bulk(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    channel = discord.utils.get(_g(client, guild).text_channels, name="general")
    assert channel is not None
    board = await channel.send("board")
    without_pin = INVITE_PERMISSIONS & ~p.PIN_MESSAGES
    sb.set_bot_permissions(guild.id, without_pin)
    await asyncio.sleep(0.1)
    with pytest.raises(discord.Forbidden):  # neither Pin Messages nor Manage Messages
        await board.pin()
    sb.set_bot_permissions(guild.id, without_pin | p.MANAGE_MESSAGES | p.ADD_REACTIONS)
    await asyncio.sleep(0.1)
    await board.pin()
    assert [m.id async for m in channel.pins()] == [board.id]
    await board.add_reaction("✅")
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    sb.add_reaction(channel.id, board.id, alice, "✅")
    fetched = await channel.fetch_message(board.id)
    assert fetched.reactions[0].count == 2 and fetched.reactions[0].me
    await board.remove_reaction("✅", _g(client, guild).me)
    async with channel.typing():
        pass
    extra = [await channel.send(str(i)) for i in range(3)]
    await channel.delete_messages(extra)
    assert [m["content"] for m in sb.messages(channel.id)] == ["board"]
    await board.unpin()
    assert not sb.messages(channel.id)[0]["pinned"]
    sb.set_bot_permissions(guild.id, INVITE_PERMISSIONS)  # the invite's Pin Messages is enough
    await asyncio.sleep(0.1)
    await board.pin()
    await board.pin()  # pinning a pinned message again changes nothing
    assert [m.id async for m in channel.pins()] == [board.id]
    assert [(r.status, r.route) for r in sb.rejected] == [
        (403, "PUT /channels/{channel_id}/messages/pins/{message_id}")
    ]


async def test_stage_instance_and_nick(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = _g(client, guild)
    stage = await g.create_stage_channel("Keynote stage")
    instance = await stage.create_instance(topic="Opening keynote")
    assert instance.topic == "Opening keynote"
    with pytest.raises(discord.HTTPException):
        await stage.create_instance(topic="again")
    await instance.delete()
    with pytest.raises(discord.Forbidden):  # neither the invite nor @everyone has it here
        await g.me.edit(nick="Workshop")
    sb.set_bot_permissions(guild.id, INVITE_PERMISSIONS | p.CHANGE_NICKNAME)
    await asyncio.sleep(0.1)
    await g.me.edit(nick="Workshop")
    assert (
        next(m for m in sb.members(guild.id) if int(m["user"]["id"]) == sb.bot_user_id)["nick"]
        == "Workshop"
    )


async def test_channel_positions(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    g = _g(client, guild)
    a = await g.create_text_channel("a")
    b = await g.create_text_channel("b")
    await b.edit(position=0)
    await asyncio.sleep(0.05)
    assert sb.channel(b.id)["position"] == 0  # type: ignore[index]
    category = discord.utils.get(g.categories, name="Rooms")
    assert category is not None
    await a.move(category=category, beginning=True, sync_permissions=True)
    assert sb.channel(a.id)["parent_id"] == str(category.id)  # type: ignore[index]
    assert not sb.rejected


async def test_edits_by_hand(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    g = _g(client, guild)
    general = discord.utils.get(g.text_channels, name="general")
    assert general is not None
    sb.edit_channel(general.id, name="lobby", topic="Welcome")
    hallway = discord.utils.get(g.voice_channels, name="Hallway")
    assert hallway is not None
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    sb.set_voice_state(guild.id, alice, hallway.id)
    await asyncio.sleep(0.05)
    assert general.name == "lobby" and general.topic == "Welcome"
    assert [m.id for m in hallway.members] == [alice]
    sb.remove_member(guild.id, alice)
    await asyncio.sleep(0.05)
    assert hallway.members == [] and sb.voice_states(guild.id) == []


async def test_voice_join_rules_and_audit_reason(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = _g(client, guild)
    room = await g.create_voice_channel("Small room", user_limit=1, reason="room opened")
    assert sb.requests[-1].reason == "room opened"
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    bob = int(sb.add_member(guild.id, name="bob")["id"])
    sb.set_voice_state(guild.id, alice, room.id)
    with pytest.raises(PermissionError, match="full"):
        sb.set_voice_state(guild.id, bob, room.id)
    sb.set_voice_state(guild.id, bob, room.id, force=True)
    locked = sb.add_channel(guild.id, "Staff", 2, overwrites=[{"id": guild.id, "deny": 1 << 20}])
    with pytest.raises(PermissionError, match="cannot connect"):
        sb.set_voice_state(guild.id, alice, int(locked["id"]))


def test_the_sandbox_always_validates_against_discords_openapi_description() -> None:
    """The spec ships in the package: a fresh checkout validates every request body too."""
    sb = Sandbox()
    assert sb.spec_validation_enabled
    assert sb.spec_path is not None and sb.spec_path.is_relative_to(
        Path(bot.sandbox.__file__).parent
    )


async def test_nicknames_follow_discords_rules(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    """Manage Nicknames; never the owner's; never a member whose top role is not below the
    bot's (403 / 50013); 1-32 characters (50035)."""
    low = int(sb.add_member(guild.id, name="low")["id"])
    high_role = sb.add_role(guild.id, "Staff", above_bot=True)
    high = int(sb.add_member(guild.id, name="high", roles=[int(high_role["id"])])["id"])
    http = client.http
    await http.edit_member(guild.id, low, nick="山田 太郎")
    assert (
        next(m for m in sb.members(guild.id) if int(m["user"]["id"]) == low)["nick"] == "山田 太郎"
    )
    for user in (guild.owner_id, high):
        with pytest.raises(discord.Forbidden) as refused:
            await http.edit_member(guild.id, user, nick="x")
        assert refused.value.code == 50013
    with pytest.raises(discord.HTTPException) as long:
        await http.edit_member(guild.id, low, nick="x" * 33)
    assert long.value.code == 50035
    sb.set_bot_permissions(guild.id, INVITE_PERMISSIONS & ~p.MANAGE_NICKNAMES)
    await asyncio.sleep(0.1)
    with pytest.raises(discord.Forbidden):
        await http.edit_member(guild.id, low, nick="y")
