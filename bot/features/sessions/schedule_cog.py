"""`/schedule show [day]` and `/schedule export`: what is on now and next, and an .ics file.

(Discord cannot run a command that has subcommands by itself, hence `show`.)"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.ui import locale_of
from bot.features.sessions.guild_calendar import GuildCalendar
from bot.features.sessions.transformers import DayOption
from bot.features.sessions.views import SHOW, ProgrammePages

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot
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
        calendar: GuildCalendar,
    ) -> None:
        self._sessions = sessions
        self._pages = pages
        self._catalog = catalog
        self._calendar = calendar

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
        data = await self._calendar.ics(guild.id, guild.name, sessions)
        text = self._catalog.t("sessions.export_ready", locale_of(interaction), count=len(sessions))
        await interaction.response.send_message(
            text, file=discord.File(io.BytesIO(data), filename="programme.ics"), ephemeral=True
        )
