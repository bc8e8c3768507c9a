"""Direct messages: opening the DM channel, sending in it, and Discord's refusals (50007)."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox import Sandbox, SandboxGuild


async def test_a_dm_channel_per_user_and_messages_in_it(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    ana = int(sb.add_member(guild.id, name="ana")["user"]["id"])
    first = await client.http.start_private_message(ana)
    again = await client.http.start_private_message(ana)
    assert first["id"] == again["id"] and first["type"] == 1
    assert first["recipients"][0]["id"] == str(ana)

    dm = await client.create_dm(discord.Object(ana))
    msg = await dm.send("Your session starts in 10 minutes")
    edited = await msg.edit(content="Your session starts in 5 minutes")
    assert edited.content == "Your session starts in 5 minutes"
    assert [m["content"] for m in sb.dms(ana)] == ["Your session starts in 5 minutes"]
    assert "guild_id" not in sb.dms(ana)[0]
    await msg.delete()
    assert sb.dms(ana) == []


async def test_refused_when_the_user_does_not_take_dms(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    ana = int(sb.add_member(guild.id, name="ana")["user"]["id"])
    sb.close_dms(ana)
    dm = await client.create_dm(discord.Object(ana))  # opening still works
    with pytest.raises(discord.Forbidden) as closed:
        await dm.send("hello")
    assert closed.value.code == 50007
    sb.close_dms(ana, closed=False)
    await dm.send("hello")
    assert len(sb.dms(ana)) == 1


async def test_refused_without_a_shared_server_and_for_bots(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    stranger = int(sb.state.add_user(None, "stranger")["id"])
    dm = await client.create_dm(discord.Object(stranger))
    with pytest.raises(discord.Forbidden) as elsewhere:
        await dm.send("hello")
    assert elsewhere.value.code == 50007
    other_bot = int(sb.add_member(guild.id, name="otherbot", bot=True)["user"]["id"])
    with pytest.raises(discord.Forbidden) as robot:
        await (await client.create_dm(discord.Object(other_bot))).send("hello")
    assert robot.value.code == 50007
    with pytest.raises(discord.HTTPException) as me:
        await client.http.start_private_message(sb.bot_user_id)
    assert me.value.code == 50007
    with pytest.raises(discord.NotFound) as nobody:
        await client.http.start_private_message(123456789)
    assert nobody.value.code == 10013


async def test_message_limits_apply_in_dms(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    ana = int(sb.add_member(guild.id, name="ana")["user"]["id"])
    dm = await client.create_dm(discord.Object(ana))
    with pytest.raises(discord.HTTPException) as too_long:
        await dm.send("x" * 2001)
    assert too_long.value.code == 50035
