"""`/breakout start|end`, and the voice joins that tell late comers where the rooms are.
Thin: options in, BreakoutService out, texts from the catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import member_is_organizer
from bot.core.ui import locale_of
from bot.domain.errors import NotFound
from bot.features.breakouts.domain.breakouts import MINUTES_MAX, MINUTES_MIN, ROOMS_MAX, ROOMS_MIN
from bot.features.breakouts.service import BreakoutService
from bot.features.breakouts.sidebar import Sidebar
from bot.features.sessions.domain.model import Session
from bot.features.sessions.service import SessionService
from bot.features.sessions.transformers import SessionOption
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

Rooms = app_commands.Range[int, ROOMS_MIN, ROOMS_MAX]
Minutes = app_commands.Range[int, MINUTES_MIN, MINUTES_MAX]


class BreakoutCog(commands.Cog):
    breakout = app_commands.Group(
        name="breakout",
        description="Split a session into rooms and call everyone back",
        guild_only=True,
    )

    def __init__(
        self, breakouts: BreakoutService, sessions: SessionService, catalog: Catalog
    ) -> None:
        self.breakouts = breakouts
        self.sessions = sessions
        self.catalog = catalog

    async def _session(
        self, interaction: discord.Interaction[WorkshopBot], session: Session | None
    ) -> Session:
        """The session given, else the one whose channel (or breakout room) the caller is in."""
        if session is not None:
            return session
        assert interaction.guild_id is not None
        voice = interaction.user.voice if isinstance(interaction.user, discord.Member) else None
        here = voice.channel.id if voice is not None and voice.channel is not None else None
        if here is None and interaction.channel_id is not None:
            here = interaction.channel_id  # typed in the chat of a voice channel
        if here is not None:
            session_id = self.breakouts.session_at(here)
            if session_id is None:
                channels, _ = await self.sessions.places.discord_ids(interaction.guild_id)
                session_id = next((s for s, c in channels.items() if c == here), None)
            if session_id is not None:
                return await self.sessions.get(interaction.guild_id, session_id)
        raise NotFound("breakouts.pick_session")

    @breakout.command(
        name="start", description="Split the people in a session's voice channel into rooms"
    )
    @app_commands.describe(
        rooms="How many rooms (2-25)",
        minutes="For how long (1-120 minutes); then everyone comes back",
        session="Which session (default: the one whose channel you are in)",
    )
    async def start(
        self,
        interaction: discord.Interaction[WorkshopBot],
        rooms: Rooms,
        minutes: Minutes,
        session: SessionOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._session(interaction, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        started = await self.breakouts.start(
            interaction.guild_id,
            interaction.user.id,
            target,
            rooms,
            minutes,
            organizer=member_is_organizer(interaction),
        )
        locale = locale_of(interaction)
        links = " ".join(f"<#{started.rooms[n]}>" for n in sorted(started.rooms))
        text = self.catalog.t(
            "breakouts.started",
            locale,
            moved=started.moved,
            rooms=len(started.rooms),
            at=f"<t:{int(started.breakout.ends_at.timestamp())}:R>",
            links=links,
        )
        if started.skipped:
            text += "\n" + self.catalog.t("breakouts.skipped", locale, count=started.skipped)
        await interaction.followup.send(text, ephemeral=True)

    @breakout.command(name="end", description="End a breakout now: everyone back, rooms deleted")
    @app_commands.describe(session="Which session (default: the one whose channel you are in)")
    async def end(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._session(interaction, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        ended = await self.breakouts.end(
            interaction.guild_id,
            interaction.user.id,
            target,
            organizer=member_is_organizer(interaction),
        )
        text = self.catalog.t(
            "breakouts.ended",
            locale_of(interaction),
            moved=ended.moved_back,
            home=f"<#{ended.breakout.home_id}>",
            rooms=ended.rooms_deleted,
        )
        await interaction.followup.send(text, ephemeral=True)


class BreakoutVoice(commands.Cog):
    """Someone joining a session's channel during its breakout is told where the rooms are."""

    def __init__(self, bot: WorkshopBot, breakouts: BreakoutService, sidebar: Sidebar) -> None:
        self.bot = bot
        self.breakouts = breakouts
        self.sidebar = sidebar  # head counts in the status lines follow voice

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.bot or not self.bot.serves(member.guild.id) or self.bot.closing:
            return
        if before.channel == after.channel:
            return
        self.sidebar.touch(member.guild.id)
        if after.channel is None:
            return
        came_from = before.channel.id if before.channel is not None else None
        await self.breakouts.joined(member.guild.id, member.id, after.channel.id, came_from)

    @commands.Cog.listener()
    async def on_guild_channel_create(self, channel: discord.abc.GuildChannel) -> None:
        if self.bot.serves(channel.guild.id) and not self.bot.closing:
            self.sidebar.touch(channel.guild.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        if self.bot.serves(channel.guild.id) and not self.bot.closing:
            self.sidebar.touch(channel.guild.id)
