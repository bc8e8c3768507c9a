"""Messages, threads/forums, scheduled events, roles and members through discord.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import discord
import pytest

from bot.sandbox import Sandbox, SandboxGuild
from bot.sandbox import permissions as p


def _text(
    client: discord.Client, guild: SandboxGuild, name: str = "general"
) -> discord.TextChannel:
    g = client.get_guild(guild.id)
    assert g is not None
    channel = discord.utils.get(g.text_channels, name=name)
    assert channel is not None
    return channel


async def test_send_edit_delete_and_history(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    channel = _text(client, guild)
    msg = await channel.send("hello", embed=discord.Embed(title="T", description="D"))
    assert sb.messages(channel.id)[0]["embeds"][0]["title"] == "T"
    edited = await msg.edit(content="hello again")
    assert edited.content == "hello again"
    with_file = await channel.send(file=discord.File(io.BytesIO(b"xyz"), "poster.pdf"))
    assert with_file.attachments[0].filename == "poster.pdf"
    assert await with_file.attachments[0].read() == b"xyz"
    history = [m.id async for m in channel.history(limit=10)]
    assert history == [with_file.id, msg.id]
    await msg.delete()
    assert [m["id"] for m in sb.messages(channel.id)] == [str(with_file.id)]
    assert not sb.rejected


async def test_message_limits(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    channel = _text(client, guild)
    with pytest.raises(discord.HTTPException) as too_long:
        await channel.send("x" * 2001)
    assert too_long.value.code == 50035
    with pytest.raises(discord.HTTPException) as empty:
        await channel.send(content="   ")
    assert empty.value.code == 50006
    big = discord.Embed(title="t", description="d" * 4096)
    with pytest.raises(discord.HTTPException) as total:
        await channel.send(embeds=[big, discord.Embed(description="e" * 2000)])
    assert total.value.code == 50035
    fields = discord.Embed(title="fields")
    for i in range(26):
        fields.add_field(name=str(i), value="v")
    with pytest.raises(discord.HTTPException):
        await channel.send(embed=fields)


async def test_mentions_respect_allowed_mentions(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    channel = _text(client, guild)
    alice = sb.add_member(guild.id, name="alice")
    await channel.send(
        f"hi <@{alice['id']}> @everyone", allowed_mentions=discord.AllowedMentions.none()
    )
    (stored,) = sb.messages(channel.id)
    assert stored["mentions"] == [] and stored["mention_everyone"] is False
    await channel.send(f"hi <@{alice['id']}>")
    assert [u["id"] for u in sb.messages(channel.id)[1]["mentions"]] == [alice["id"]]


async def test_embed_links_needed(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    sb.set_bot_permissions(guild.id, p.VIEW_CHANNEL | p.SEND_MESSAGES)
    sb.set_role_permissions(guild.id, guild.id, p.VIEW_CHANNEL)
    await asyncio.sleep(0.05)
    channel = _text(client, guild)
    await channel.send("plain is fine")
    with pytest.raises(discord.Forbidden) as info:
        await channel.send(embed=discord.Embed(title="no"))
    assert info.value.code == 50013


async def test_forum_post_and_thread(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    forum_data = sb.add_channel(guild.id, "posters", 15)
    await asyncio.sleep(0.05)
    forum = client.get_channel(int(forum_data["id"]))
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(
        name="Poster 1", content="abstract", file=discord.File(io.BytesIO(b"p"), "a.png")
    )
    assert post.thread.name == "Poster 1"
    assert post.message.id == post.thread.id
    assert sb.messages(post.thread.id)[0]["attachments"][0]["filename"] == "a.png"
    await post.thread.send("question?")
    channel = _text(client, guild)
    msg = await channel.send("talk")
    thread = await msg.create_thread(name="Q&A")
    assert thread.id == msg.id and sb.channel(thread.id)["type"] == 11  # type: ignore[index]
    await thread.edit(archived=True)
    assert sb.channel(thread.id)["thread_metadata"]["archived"] is True  # type: ignore[index]


async def test_a_message_in_an_archived_thread_cannot_be_edited(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    """Discord: 50083 for editing a message in an archived thread; sending one unarchives it,
    and so does PATCH archived=false (then the edit goes through)."""
    forum_data = sb.add_channel(guild.id, "posters", 15)
    await asyncio.sleep(0.05)
    forum = client.get_channel(int(forum_data["id"]))
    assert isinstance(forum, discord.ForumChannel)
    post = await forum.create_thread(name="Poster 1", content="abstract")
    sb.archive_thread(post.thread.id)
    with pytest.raises(discord.HTTPException) as refused:
        await post.message.edit(content="new abstract")
    assert refused.value.status == 400 and refused.value.code == 50083
    assert sb.messages(post.thread.id)[0]["content"] == "abstract"
    await client.http.edit_channel(post.thread.id, archived=False)
    await post.message.edit(content="new abstract")
    assert sb.messages(post.thread.id)[0]["content"] == "new abstract"


async def test_scheduled_events(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    g = client.get_guild(guild.id)
    assert g is not None
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    ev = await g.create_scheduled_event(
        name="Keynote",
        start_time=start,
        end_time=start + dt.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="https://zoom.example/k",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert sb.scheduled_events(guild.id)[0]["name"] == "Keynote"
    hallway = discord.utils.get(g.voice_channels, name="Hallway")
    assert hallway is not None
    talk = await g.create_scheduled_event(
        name="Talk",
        start_time=start,
        channel=hallway,
        entity_type=discord.EntityType.voice,
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    sb.set_event_interest(guild.id, ev.id, alice)
    assert [u.id async for u in ev.users()] == [alice]
    ev = await ev.start()
    ev = await ev.end()
    assert sb.scheduled_events(guild.id)[0]["status"] == 3
    with pytest.raises(discord.HTTPException) as info:
        await ev.edit(name="again")
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException):
        # SCHEDULED -> COMPLETED is not a transition Discord allows
        await talk.edit(status=discord.EventStatus.completed)
    await talk.cancel()
    with pytest.raises(discord.HTTPException) as past:
        await g.create_scheduled_event(
            name="Past",
            start_time=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
            end_time=dt.datetime.now(dt.UTC),
            entity_type=discord.EntityType.external,
            location="x",
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert past.value.code == 50035
    with pytest.raises(discord.NotFound) as unknown:
        await g.fetch_scheduled_event(1)
    assert unknown.value.code == 10070


async def test_event_limit(sb: Sandbox, guild: SandboxGuild, client: discord.Client) -> None:
    g = client.get_guild(guild.id)
    assert g is not None
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    kwargs = dict(
        start_time=start,
        end_time=start + dt.timedelta(hours=1),
        entity_type=discord.EntityType.external,
        location="online",
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    for i in range(100):
        await g.create_scheduled_event(name=f"s{i}", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(discord.HTTPException) as info:
        await g.create_scheduled_event(name="overflow", **kwargs)  # type: ignore[arg-type]
    assert info.value.code == 30038


async def test_roles_and_member_roles(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = client.get_guild(guild.id)
    assert g is not None
    role = await g.create_role(name="Speakers", mentionable=True)
    assert role.position == 1
    alice = sb.add_member(guild.id, name="alice")
    member = await g.fetch_member(int(alice["id"]))
    await member.add_roles(role)
    assert role.id in [int(r) for r in sb.members(guild.id)[-1]["roles"]]
    await member.remove_roles(role)
    above = sb.add_role(guild.id, "Owners", above_bot=True)
    await asyncio.sleep(0.05)
    top = g.get_role(int(above["id"]))
    assert top is not None
    with pytest.raises(discord.Forbidden):
        await member.add_roles(top)
    with pytest.raises(discord.Forbidden):
        await g.create_role(name="admin", permissions=discord.Permissions(administrator=True))
    await role.edit(name="Speakers 2026")
    await role.delete()
    assert "Speakers 2026" not in [r["name"] for r in sb.roles(guild.id)]
    with pytest.raises(discord.NotFound) as unknown:
        await g.fetch_member(42)
    assert unknown.value.code in (10007, 10013)


async def test_deleting_a_channel_removes_its_events(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = client.get_guild(guild.id)
    assert g is not None
    room = await g.create_voice_channel("Talk room")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    await g.create_scheduled_event(
        name="Talk",
        start_time=start,
        channel=room,
        entity_type=discord.EntityType.voice,
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    sb.delete_channel(room.id)
    await asyncio.sleep(0.05)
    assert sb.scheduled_events(guild.id) == []
    assert list(g.scheduled_events) == []
