"""`/schedule show [day]` and `/schedule export`: what is on now and next, and an .ics file.

(Discord cannot run a command that has subcommands by itself, hence `show`.)"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.ui import locale_of
from bot.features.sessions.calendar import calendar_title, schedule_ics
from bot.features.sessions.transformers import DayOption
from bot.features.sessions.views import SHOW, ProgrammePages

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot
    from bot.domain.clock import Clock
    from bot.features.sessions.service import SessionService
    from bot.i18n import Catalog


class ScheduleCog(commands.Cog):
    schedule = app_commands.Group(
        name="schedule", description="What is on now and next", guild_only=True
    )

    def __init__(
        self,
        sessions: SessionService,
        pages: ProgrammePages,
        *,
        catalog: Catalog,
        clock: Clock,
        zone: ZoneInfo,
        title: str | None,
        workshop_title: Callable[[int], Awaitable[str | None]],
    ) -> None:
        self._sessions = sessions
        self._pages = pages
        self._catalog = catalog
        self._clock = clock
        self._zone = zone
        self._title = title  # the calendar's name (the setting)
        self._workshop_title = workshop_title  # else the one a schedule file named (a guild's)

    @schedule.command(name="show", description="Running and upcoming sessions")
    @app_commands.describe(day="Only this day")
    async def show(
        self, interaction: discord.Interaction[WorkshopBot], day: DayOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        embed, view = await self._pages.message(
            interaction.guild_id, SHOW, day, 0, locale_of(interaction), interaction.user.id
        )
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @schedule.command(name="export", description="The programme as a calendar file (.ics)")
    async def export(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        guild = interaction.guild
        assert guild is not None
        sessions = await self._sessions.programme(guild.id)
        channels, _ = await self._sessions.places.discord_ids(guild.id)

        def channel_url(session_id: int) -> str | None:
            channel = channels.get(session_id)
            return f"https://discord.com/channels/{guild.id}/{channel}" if channel else None

        data = schedule_ics(
            sessions,
            guild_id=guild.id,
            calendar_name=calendar_title(
                self._title, await self._workshop_title(guild.id), guild.name
            ),
            channel_url=lambda session: channel_url(session.id),
            now=self._clock.now(),
            zone=self._zone,
        )
        text = self._catalog.t("sessions.export_ready", locale_of(interaction), count=len(sessions))
        await interaction.response.send_message(
            text, file=discord.File(io.BytesIO(data), filename="programme.ics"), ephemeral=True
        )
