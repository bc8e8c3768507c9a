"""`/room ...`: topic rooms, and the voice events that keep rooms and the live board current.
Thin: options in, RoomService / BoardService out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import member_is_organizer
from bot.domain.errors import NotFound
from bot.domain.text_safety import one_line, plain_line
from bot.features.rooms.domain.board import (
    NAMES_SHOWN,
    BoardRoom,
    BoardTexts,
    names_line,
    room_line,
)
from bot.features.rooms.domain.rooms import TOPIC_MAX, USER_LIMIT_MAX, USER_LIMIT_MIN, Room
from bot.features.rooms.service import RoomService, RoomView
from bot.features.rooms.views import open_room_and_reply

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

Topic = app_commands.Range[str, 1, TOPIC_MAX]
Limit = app_commands.Range[int, USER_LIMIT_MIN, USER_LIMIT_MAX]
LIST_MAX = 4000


def _bot(interaction: discord.Interaction[Any]) -> WorkshopBot:
    client: WorkshopBot = interaction.client
    return client


class RoomTransformer(app_commands.Transformer):
    async def transform(self, interaction: discord.Interaction[Any], value: str) -> Room:
        assert interaction.guild_id is not None
        rooms = _bot(interaction).services.get("rooms", RoomService)
        return await rooms.resolve(interaction.guild_id, str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        rooms = await _bot(interaction).services.rooms.search(interaction.guild_id, value, 25)
        return [app_commands.Choice(name=plain_line(r.topic, 100), value=str(r.id)) for r in rooms]


RoomOption = app_commands.Transform[Room, RoomTransformer]


def list_lines(views: list[RoomView], texts: BoardTexts, owner_label: str) -> list[str]:
    lines = []
    for view in views:
        if view.channel_id is None:
            continue
        line = room_line(
            BoardRoom(
                channel_id=view.channel_id,
                title=view.room.topic,
                occupants=view.occupants,
                user_limit=view.room.user_limit,
            ),
            texts,
            "🔊" if view.occupants else "🔈",
            names=False,
        )
        line += f" · {owner_label} <@{view.room.owner_id}>"
        if view.occupants:
            line += f"\n   {names_line(view.occupants, texts, NAMES_SHOWN * 2)}"
        lines.append(line)
    return lines


class RoomCog(commands.Cog):
    room = app_commands.Group(
        name="room", description="Topic rooms: open one, find one, join one", guild_only=True
    )

    def __init__(self, bot: WorkshopBot) -> None:
        self.bot = bot

    async def _target(
        self, interaction: discord.Interaction[WorkshopBot], room: Room | None
    ) -> Room:
        """The room a rename/close is about: the one given, else the one the caller is in, else
        the only one they own."""
        if room is not None:
            return room
        assert interaction.guild_id is not None
        rooms = self.bot.services.get("rooms", RoomService)
        voice = interaction.user.voice if isinstance(interaction.user, discord.Member) else None
        if voice is not None and voice.channel is not None:
            room_id = rooms.room_of_channel(voice.channel.id)
            if room_id is not None:
                return await rooms.get(interaction.guild_id, room_id)
        owned = await rooms.owned_by(interaction.guild_id, interaction.user.id)
        if len(owned) == 1:
            return owned[0]
        raise NotFound("errors.room_pick_one" if owned else "errors.room_none_owned")

    @room.command(name="open", description="Open a topic room (a voice channel with its chat)")
    @app_commands.describe(
        topic="What the room is about (1-100 characters; it becomes the channel name)",
        limit="At most this many people inside (2-99; none if omitted)",
    )
    async def open(
        self,
        interaction: discord.Interaction[WorkshopBot],
        topic: Topic,
        limit: Limit | None = None,
    ) -> None:
        await open_room_and_reply(interaction, topic, limit)

    @room.command(name="list", description="Open topic rooms: topic, owner, who is inside")
    async def list(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        locale = str(interaction.locale)
        t = self.bot.catalog.t
        views = await self.bot.services.rooms.open_rooms(interaction.guild_id)
        views.sort(key=lambda v: (-len(v.occupants), v.room.id))
        lines = list_lines(views, self.bot.renderer.board_texts(locale), t("rooms.owner", locale))
        text = ""
        for index, line in enumerate(lines):
            more = t("rooms.list_more", locale, count=len(lines) - index)
            if len(text) + len(line) + len(more) + 2 > LIST_MAX:
                text += more
                break
            text += line + "\n"
        embed = discord.Embed(
            title=t("rooms.list_title", locale, count=len(views)),
            description=text.strip() or t("rooms.list_empty", locale),
            colour=discord.Colour(0x10B981),
        )
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
        renamed = await self.bot.services.rooms.rename(
            interaction.guild_id,
            interaction.user.id,
            target,
            topic,
            organizer=member_is_organizer(interaction),
        )
        channel_id = await self.bot.services.rooms.channel_id(interaction.guild_id, renamed.id)
        text = self.bot.catalog.t(
            "rooms.renamed", str(interaction.locale), channel=f"<#{channel_id}>"
        )
        await interaction.followup.send(text, ephemeral=True)

    @room.command(name="close", description="Close a topic room (its owner or an organizer)")
    @app_commands.describe(room="Which room (default: the one you are in, or the one you own)")
    async def close(
        self, interaction: discord.Interaction[WorkshopBot], room: RoomOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._target(interaction, room)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.services.rooms.close(
            interaction.guild_id,
            interaction.user.id,
            target,
            organizer=member_is_organizer(interaction),
        )
        text = self.bot.catalog.t(
            "rooms.closed", str(interaction.locale), topic=one_line(target.topic)
        )
        await interaction.followup.send(text, ephemeral=True)


class VoiceEvents(commands.Cog):
    """Voice joins, leaves and moves: idle countdowns and the live board."""

    def __init__(self, bot: WorkshopBot) -> None:
        self.bot = bot

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
        await self.bot.services.rooms.voice_changed(guild_id, channels)
        self.bot.services.board.touch(guild_id)
