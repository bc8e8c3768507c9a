"""Channels through discord.py: state, dispatches, permissions and Discord's limits."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.sandbox import Sandbox, SandboxGuild
from bot.sandbox import permissions as p
from tests.sandbox.conftest import ClientFactory, make_client


async def _guild(client: discord.Client, guild: SandboxGuild) -> discord.Guild:
    g = client.get_guild(guild.id)
    assert g is not None
    return g


async def test_create_channel_with_overwrites(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = await _guild(client, guild)
    created = asyncio.get_running_loop().create_future()
    client.event(_resolver("on_guild_channel_create", created))
    staff = sb.add_role(guild.id, "Staff")
    await asyncio.sleep(0.05)
    role = g.get_role(int(staff["id"]))
    assert role is not None
    overwrites = {
        g.default_role: discord.PermissionOverwrite(view_channel=False),
        role: discord.PermissionOverwrite(view_channel=True, send_messages=True),
    }
    category = discord.utils.get(g.categories, name="Rooms")
    channel = await g.create_text_channel("Poster Hall", overwrites=overwrites, category=category)
    assert channel.name == "poster-hall"  # normalised like Discord
    stored = sb.channel(channel.id)
    assert stored is not None and stored["parent_id"] == str(category.id if category else 0)
    by_id = {o["id"]: o for o in stored["permission_overwrites"]}
    assert by_id[str(guild.id)]["deny"] == str(p.VIEW_CHANNEL)
    assert int(by_id[staff["id"]]["allow"]) == p.VIEW_CHANNEL | p.SEND_MESSAGES
    dispatched = await asyncio.wait_for(created, 2)
    assert dispatched.id == channel.id
    assert dispatched.overwrites_for(g.default_role).view_channel is False
    assert sb.count("POST /guilds/{guild_id}/channels") == 1
    voice = await g.create_voice_channel("Room A", user_limit=10)
    assert voice.name == "Room A" and voice.user_limit == 10


def _resolver(name: str, fut: asyncio.Future[discord.abc.GuildChannel]):  # type: ignore[no-untyped-def]
    async def handler(channel: discord.abc.GuildChannel) -> None:
        if not fut.done():
            fut.set_result(channel)

    handler.__name__ = name
    return handler


async def test_missing_manage_channels_is_forbidden(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    sb.set_bot_permissions(guild.id, p.VIEW_CHANNEL | p.SEND_MESSAGES)
    await asyncio.sleep(0.05)
    g = await _guild(client, guild)
    with pytest.raises(discord.Forbidden) as info:
        await g.create_text_channel("nope")
    assert info.value.code == 50013
    assert [r.route for r in sb.rejected] == ["POST /guilds/{guild_id}/channels"]


async def test_overwrite_bits_the_bot_lacks_are_refused(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = await _guild(client, guild)
    with pytest.raises(discord.Forbidden) as info:
        await g.create_text_channel(
            "x", overwrites={g.default_role: discord.PermissionOverwrite(ban_members=True)}
        )
    assert info.value.code == 50013


async def test_no_view_channel_is_missing_access(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    hidden = sb.add_channel(
        guild.id,
        "secret",
        0,
        overwrites=[{"id": guild.bot_role_id, "type": 0, "deny": p.VIEW_CHANNEL}],
    )
    await asyncio.sleep(0.05)
    channel = client.get_channel(int(hidden["id"]))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("hello")
    assert info.value.code == 50001
    with pytest.raises(discord.NotFound) as missing:
        await client.fetch_channel(1234)
    assert missing.value.code == 10003


async def test_fifty_channels_per_category(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = await _guild(client, guild)
    category = await g.create_category("Full")
    for i in range(50):
        sb.add_channel(guild.id, f"room-{i}", 2, parent_id=category.id)
    with pytest.raises(discord.HTTPException) as info:
        await g.create_voice_channel("one too many", category=category)
    assert info.value.status == 400 and info.value.code == 50035
    assert "Maximum number of channels in category reached (50)" in str(info.value)


async def test_five_hundred_channels_per_guild(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = await _guild(client, guild)
    for i in range(500 - len(sb.channels(guild.id))):
        sb.add_channel(guild.id, f"c{i}", 0)
    await asyncio.sleep(0.2)
    with pytest.raises(discord.HTTPException) as info:
        await g.create_text_channel("overflow")
    assert info.value.code == 30013


async def test_field_limits(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    g = await _guild(client, guild)
    with pytest.raises(discord.HTTPException) as info:
        await g.create_text_channel("x" * 101)
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException):
        await g.create_voice_channel("big", user_limit=100)


async def test_delete_by_hand_orphans_children(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = await _guild(client, guild)
    category = discord.utils.get(g.categories, name="Rooms")
    assert category is not None
    hallway = discord.utils.get(g.voice_channels, name="Hallway")
    assert hallway is not None and hallway.category_id == category.id
    sb.delete_channel(category.id)
    await asyncio.sleep(0.1)
    assert g.get_channel(category.id) is None
    assert hallway.category_id is None
    assert sb.channel(hallway.id)["parent_id"] is None  # type: ignore[index]


async def test_rename_limit(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    now = [1000.0]
    sb.clock = lambda: now[0]
    g = await _guild(client, guild)
    channel = discord.utils.get(g.text_channels, name="general")
    assert channel is not None
    await channel.edit(name="one")
    await channel.edit(name="two")
    await channel.edit(topic="not a rename")
    client.http.max_ratelimit_timeout = 30.0  # raise RateLimited instead of sleeping 10 min
    with pytest.raises(discord.RateLimited) as info:
        await channel.edit(name="three")
    assert 590 < info.value.retry_after <= 600
    now[0] += 601
    await channel.edit(name="three")
    assert sb.channel(channel.id)["name"] == "three"  # type: ignore[index]


async def test_overwrite_routes(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    g = await _guild(client, guild)
    channel = discord.utils.get(g.text_channels, name="general")
    assert channel is not None
    role = sb.add_role(guild.id, "Helpers")
    await asyncio.sleep(0.05)
    target = g.get_role(int(role["id"]))
    assert target is not None
    await channel.set_permissions(target, view_channel=True, send_messages=False)
    stored = sb.channel(channel.id)
    assert stored is not None
    (ow,) = stored["permission_overwrites"]
    assert ow == {
        "id": role["id"],
        "type": 0,
        "allow": str(p.VIEW_CHANNEL),
        "deny": str(p.SEND_MESSAGES),
    }
    await channel.set_permissions(target, overwrite=None)
    assert sb.channel(channel.id)["permission_overwrites"] == []  # type: ignore[index]
    await channel.edit(
        overwrites={g.default_role: discord.PermissionOverwrite(send_messages=False)}
    )
    assert sb.channel(channel.id)["permission_overwrites"][0]["deny"] == str(p.SEND_MESSAGES)  # type: ignore[index]
    assert not sb.rejected


async def test_a_deleted_forum_post_is_a_thread_delete(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = await _guild(client, guild)
    forum = await g.create_forum("posters")
    created = await forum.create_thread(name="#1 A poster", content="abstract")
    deleted = asyncio.get_running_loop().create_future()
    client.event(_resolver("on_raw_thread_delete", deleted))
    channel_deleted: list[int] = []

    async def on_guild_channel_delete(channel: discord.abc.GuildChannel) -> None:
        channel_deleted.append(channel.id)

    client.event(on_guild_channel_delete)
    sb.delete_channel(created.thread.id)
    payload = await asyncio.wait_for(deleted, 5)
    assert payload.thread_id == created.thread.id and payload.parent_id == forum.id
    assert channel_deleted == [], "Discord sends THREAD_DELETE, not CHANNEL_DELETE, for a thread"


async def test_a_guild_without_community_refuses_stage_and_forum_channels(
    sb: Sandbox, connect: ClientFactory
) -> None:
    """Stage and Forum channels exist only in Community servers: 400 / 50024 elsewhere, and
    nothing is created; voice and text channels are fine. Turning Community on (GUILD_UPDATE)
    makes both possible, and the client sees the new features."""
    plain = sb.add_guild("Plain", community=False)
    community = sb.add_guild("Community")
    client = await connect(make_client())
    g = client.get_guild(plain.id)
    assert g is not None and "COMMUNITY" not in g.features
    for create in (g.create_stage_channel, g.create_forum):
        with pytest.raises(discord.HTTPException) as refused:
            await create("Keynote hall")
        assert refused.value.status == 400 and refused.value.code == 50024
    news = await g.create_text_channel("news")
    with pytest.raises(discord.HTTPException) as refused:
        await news.edit(type=discord.ChannelType.news)
    assert refused.value.code == 50024
    assert {c.type for c in g.channels} == {discord.ChannelType.text}
    assert [c["type"] for c in sb.channels(plain.id)] == [0]
    await g.create_voice_channel("Keynote hall")

    other = client.get_guild(community.id)
    assert other is not None and "COMMUNITY" in other.features
    await other.create_stage_channel("Keynote hall")
    await other.create_forum("posters")

    updated = asyncio.get_running_loop().create_future()

    @client.event
    async def on_guild_update(before: discord.Guild, after: discord.Guild) -> None:
        updated.set_result(after)

    sb.set_community(plain.id)
    after = await asyncio.wait_for(updated, 2)
    assert "COMMUNITY" in after.features and after.get_role(plain.bot_role_id) is not None
    await g.create_stage_channel("Keynote hall")
    await g.create_forum("posters")
