"""Slash commands, follow-ups, autocomplete, components and modals with a real CommandTree."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands

from bot.sandbox import InteractionNotAnswered, Sandbox, SandboxGuild
from tests.sandbox.conftest import ClientFactory, make_client

TOPICS = ["alignment", "agents", "audio", "vision"]


class PingView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Join", custom_id="room:join")
    async def join(
        self, interaction: discord.Interaction, button: discord.ui.Button[PingView]
    ) -> None:
        await interaction.response.edit_message(content="joined", view=None)

    @discord.ui.select(
        custom_id="room:pick", options=[discord.SelectOption(label=t) for t in TOPICS]
    )
    async def pick(
        self, interaction: discord.Interaction, select: discord.ui.Select[PingView]
    ) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


class TitleModal(discord.ui.Modal, title="Poster"):
    poster_title = discord.ui.TextInput(label="Title", custom_id="poster:title", max_length=100)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"saved {self.poster_title.value}", ephemeral=True)


def build_tree(
    client: discord.Client, guild_id: int, late: asyncio.Event
) -> app_commands.CommandTree:
    tree = app_commands.CommandTree(client)
    room = app_commands.Group(name="room", description="Topic rooms")

    @room.command(name="open", description="Open a room")
    async def room_open(interaction: discord.Interaction, topic: str, limit: int = 0) -> None:
        await interaction.response.send_message(f"opened {topic} ({limit})", ephemeral=True)

    @room_open.autocomplete("topic")
    async def topic_complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in TOPICS if t.startswith(current)]

    @room.command(name="twice", description="Answer twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        client.answered = (interaction.id, interaction.token)  # type: ignore[attr-defined]

    @room.command(name="slow", description="Answer late")
    async def slow(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.4)
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as exc:
            assert exc.code == 10062
            late.set()

    @room.command(name="export", description="Deferred with a file")
    async def export(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.1)
        await interaction.followup.send(
            "here", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), "rooms.csv")
        )
        await interaction.followup.send("and more", ephemeral=True)

    @room.command(name="panel", description="A message with components")
    async def panel(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pick a room", view=PingView())

    @room.command(name="title", description="Ask for a title")
    async def title(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(TitleModal())

    tree.add_command(room, guild=discord.Object(guild_id))
    return tree


@pytest.fixture
async def bot(
    sb: Sandbox, guild: SandboxGuild, connect: ClientFactory
) -> AsyncIterator[discord.Client]:
    client = make_client()
    late = asyncio.Event()
    tree = build_tree(client, guild.id, late)
    client.late = late  # type: ignore[attr-defined]
    client.add_view(PingView())
    await connect(client)
    await tree.sync(guild=discord.Object(guild.id))
    yield client


@pytest.fixture
def user(sb: Sandbox, guild: SandboxGuild) -> int:
    return int(sb.add_member(guild.id, name="alice")["id"])


async def test_sync_stores_commands(sb: Sandbox, guild: SandboxGuild, bot: discord.Client) -> None:
    (cmd,) = sb.commands(guild.id)
    assert cmd["name"] == "room"
    assert {o["name"] for o in cmd["options"]} >= {"open", "twice", "slow", "export"}
    assert not sb.rejected


async def test_invoke_ephemeral(
    sb: Sandbox, guild: SandboxGuild, bot: discord.Client, user: int
) -> None:
    res = await sb.invoke(guild.id, user, "room open", options={"topic": "agents", "limit": 5})
    assert res.response_type == 4
    assert res.ephemeral
    assert res.content == "opened agents (5)"
    assert res.error is None


async def test_second_response_is_40060(
    sb: Sandbox, guild: SandboxGuild, bot: discord.Client, user: int
) -> None:
    res = await sb.invoke(guild.id, user, "room twice")
    assert res.content == "first"
    interaction_id, token = bot.answered  # type: ignore[attr-defined]
    url = f"{sb.api_base}/interactions/{interaction_id}/{token}/callback"
    payload = {"type": 4, "data": {"content": "again"}}
    async with aiohttp.ClientSession() as session, session.post(url, json=payload) as resp:
        assert resp.status == 400
        assert resp.headers["Content-Type"] == "application/json"
        assert await resp.json() == {
            "message": "Interaction has already been acknowledged.",
            "code": 40060,
        }
    assert any("40060" in e for e in res.errors)
    (rejected,) = sb.rejected
    assert rejected.status == 400 and rejected.response["code"] == 40060


async def test_late_response_is_10062(
    sb: Sandbox, guild: SandboxGuild, bot: discord.Client, user: int
) -> None:
    sb.interaction_deadline = 0.2
    with pytest.raises(InteractionNotAnswered):
        await sb.invoke(guild.id, user, "room slow")
    await asyncio.wait_for(bot.late.wait(), 2)  # type: ignore[attr-defined]
    assert sb.rejected[-1].response == {"message": "Unknown interaction", "code": 10062}


async def test_deferred_followup_with_file(
    sb: Sandbox, guild: SandboxGuild, bot: discord.Client, user: int
) -> None:
    res = await sb.invoke(guild.id, user, "room export")
    assert res.response_type == 5
    await res.wait_followups(2)
    assert res.content == "here"  # the first follow-up replaced the "thinking" message
    assert res.files == [("rooms.csv", b"a,b\n1,2\n")]
    assert res.followups[1]["flags"] & 64
    assert [m["content"] for m in res.messages] == ["here", "and more"]


async def test_autocomplete(
    sb: Sandbox, guild: SandboxGuild, bot: discord.Client, user: int
) -> None:
    choices = await sb.autocomplete(
        guild.id, user, "room open", focused="topic", options={"topic": "a"}
    )
    assert [c["value"] for c in choices] == ["alignment", "agents", "audio"]


async def test_component_click_and_select(
    sb: Sandbox, guild: SandboxGuild, bot: discord.Client, user: int
) -> None:
    panel = await sb.invoke(guild.id, user, "room panel")
    assert panel.message_id is not None
    picked = await sb.click(guild.id, user, panel.message_id, "room:pick", values=["audio"])
    assert picked.content == "picked audio" and picked.ephemeral
    clicked = await sb.click(guild.id, user, panel.message_id, "room:join")
    assert clicked.response_type == 7
    assert panel.content == "joined" and panel.components == []


async def test_modal_submit(
    sb: Sandbox, guild: SandboxGuild, bot: discord.Client, user: int
) -> None:
    res = await sb.invoke(guild.id, user, "room title")
    assert res.response_type == 9 and res.modal is not None
    assert res.modal["title"] == "Poster"
    done = await sb.submit_modal(guild.id, user, res.modal["custom_id"], {"poster:title": "Graphs"})
    assert done.content == "saved Graphs"
