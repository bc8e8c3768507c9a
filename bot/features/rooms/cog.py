"""`/room ...`: topic rooms, and the voice events that keep rooms and the live board current.
Thin: options in, RoomService / BoardService out, embeds from render.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import member_is_organizer
from bot.core.ui import locale_of
from bot.domain.errors import NotFound
from bot.domain.text_safety import one_line, plain_line
from bot.features.rooms.board import BoardService
from bot.features.rooms.domain.links import LINK_MAX
from bot.features.rooms.domain.rooms import TOPIC_MAX, USER_LIMIT_MAX, USER_LIMIT_MIN, Room
from bot.features.rooms.render import RoomsRender
from bot.features.rooms.service import RoomService
from bot.features.rooms.views import HallwayGuide, RoomOpener

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

Topic = app_commands.Range[str, 1, TOPIC_MAX]
Limit = app_commands.Range[int, USER_LIMIT_MIN, USER_LIMIT_MAX]
Link = app_commands.Range[str, 1, LINK_MAX]


def _rooms(interaction: discord.Interaction[Any]) -> RoomService:
    """The rooms of the cog whose command this is (a transformer has no constructor of ours)."""
    cog = getattr(interaction.command, "binding", None)
    if not isinstance(cog, RoomCog):
        raise TypeError(f"a room option outside the room commands: {interaction.command!r}")
    return cog.rooms


class RoomTransformer(app_commands.Transformer):
    async def transform(self, interaction: discord.Interaction[Any], value: str) -> Room:
        assert interaction.guild_id is not None
        return await _rooms(interaction).resolve(interaction.guild_id, str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        rooms = await _rooms(interaction).search(interaction.guild_id, value, 25)
        return [app_commands.Choice(name=plain_line(r.topic, 100), value=str(r.id)) for r in rooms]


RoomOption = app_commands.Transform[Room, RoomTransformer]


class RoomCog(commands.Cog):
    room = app_commands.Group(
        name="room", description="Topic rooms: open one, find one, join one", guild_only=True
    )

    def __init__(self, rooms: RoomService, render: RoomsRender, opener: RoomOpener) -> None:
        self.rooms = rooms
        self.render = render
        self.opener = opener

    async def _target(
        self, interaction: discord.Interaction[WorkshopBot], room: Room | None
    ) -> Room:
        """The room a rename/close is about: the one given, else the one the caller is in, else
        the only one they own."""
        if room is not None:
            return room
        assert interaction.guild_id is not None
        voice = interaction.user.voice if isinstance(interaction.user, discord.Member) else None
        if voice is not None and voice.channel is not None:
            room_id = self.rooms.room_of_channel(voice.channel.id)
            if room_id is not None:
                return await self.rooms.get(interaction.guild_id, room_id)
        owned = await self.rooms.owned_by(interaction.guild_id, interaction.user.id)
        if len(owned) == 1:
            return owned[0]
        raise NotFound("errors.room_pick_one" if owned else "errors.room_none_owned")

    @room.command(name="open", description="Open a topic room (a voice channel with its chat)")
    @app_commands.describe(
        topic="What the room is about (1-100 characters; it becomes the channel name)",
        limit="At most this many people inside (2-99; none if omitted)",
        link="A whiteboard or document for the room (https://…: Miro, Mural, Google Docs)",
    )
    async def open(
        self,
        interaction: discord.Interaction[WorkshopBot],
        topic: Topic,
        limit: Limit | None = None,
        link: Link | None = None,
    ) -> None:
        await self.opener.open_and_reply(interaction, topic, limit, link)

    @room.command(name="list", description="Open topic rooms: topic, owner, who is inside")
    async def list(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        views = await self.rooms.open_rooms(interaction.guild_id)
        embed = self.render.room_list(views, locale_of(interaction))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @room.command(name="rename", description="Change your room's topic (and channel name)")
    @app_commands.describe(
        topic="The new topic (1-100 characters)",
        room="Which room (default: the one you are in, or the one you own)",
    )
    async def rename(
        self,
        interaction: discord.Interaction[WorkshopBot],
        topic: Topic,
        room: RoomOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._target(interaction, room)
        await interaction.response.defer(ephemeral=True, thinking=True)
        renamed = await self.rooms.rename(
            interaction.guild_id,
            interaction.user.id,
            target,
            topic,
            organizer=member_is_organizer(interaction),
        )
        channel_id = await self.rooms.channel_id(interaction.guild_id, renamed.id)
        text = self.render.t("rooms.renamed", locale_of(interaction), channel=f"<#{channel_id}>")
        await interaction.followup.send(text, ephemeral=True)

    @room.command(name="close", description="Close a topic room (its owner or an organizer)")
    @app_commands.describe(room="Which room (default: the one you are in, or the one you own)")
    async def close(
        self, interaction: discord.Interaction[WorkshopBot], room: RoomOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._target(interaction, room)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.rooms.close(
            interaction.guild_id,
            interaction.user.id,
            target,
            organizer=member_is_organizer(interaction),
        )
        text = self.render.t("rooms.closed", locale_of(interaction), topic=one_line(target.topic))
        await interaction.followup.send(text, ephemeral=True)


class HallwayCog(commands.Cog):
    def __init__(self, guide: HallwayGuide) -> None:
        self.guide = guide

    @app_commands.command(
        name="hallway", description="Take me to a conversation: a topic room with a few people"
    )
    @app_commands.guild_only()
    async def hallway(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        await self.guide.answer(interaction)


class VoiceEvents(commands.Cog):
    """Voice joins, leaves and moves: idle countdowns and the live board."""

    def __init__(self, bot: WorkshopBot, rooms: RoomService, board: BoardService) -> None:
        self.bot = bot  # whether it serves the guild, whether it is shutting down
        self.rooms = rooms
        self.board = board

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        guild_id = member.guild.id
        if member.bot or not self.bot.serves(guild_id) or self.bot.closing:
            return
        if before.channel == after.channel:
            return  # mute, deafen, video...: nothing the rooms or the board show
        channels = {c.id for c in (before.channel, after.channel) if c is not None}
        await self.rooms.voice_changed(guild_id, channels)
        self.board.touch(guild_id)
