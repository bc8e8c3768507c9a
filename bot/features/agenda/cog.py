"""`/agenda show | add | remove | export` and `/agenda reminders mode:…`. Thin: the agenda service
does the work, render.py the embeds; every reply is ephemeral (it is about the reader)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.core.ui import locale_of
from bot.domain.text_safety import one_line
from bot.features.agenda.domain import Mode
from bot.features.agenda.render import AgendaRender
from bot.features.agenda.service import AgendaService
from bot.features.agenda.views import AgendaPages
from bot.features.sessions.guild_calendar import GuildCalendar
from bot.features.sessions.transformers import SessionOption

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

MODE_CHOICES = [
    app_commands.Choice(
        name=locale_str(mode.value, key=f"agenda.mode.{mode.value}"), value=mode.value
    )
    for mode in Mode
]


class AgendaCog(commands.Cog):
    agenda = app_commands.Group(
        name="agenda", description="My programme: the sessions I am interested in", guild_only=True
    )

    def __init__(
        self,
        service: AgendaService,
        render: AgendaRender,
        pages: AgendaPages,
        *,
        calendar: GuildCalendar,
    ) -> None:
        self._service = service
        self._render = render
        self._pages = pages
        self._calendar = calendar

    @agenda.command(name="show", description="My sessions from now on, next first")
    async def show(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        embed, view = await self._pages.message(
            interaction.guild_id, interaction.user.id, 0, locale_of(interaction)
        )
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @agenda.command(name="add", description="Put a session on my agenda")
    @app_commands.describe(session="The session (type to search by title)")
    async def add(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption
    ) -> None:
        assert interaction.guild_id is not None
        added = await self._service.add(interaction.guild_id, interaction.user.id, session)
        key = "added" if added else "already"
        await interaction.response.send_message(
            self._render.t(key, locale_of(interaction), title=one_line(session.title, 100)),
            ephemeral=True,
        )

    @agenda.command(name="remove", description="Take a session off my agenda")
    @app_commands.describe(session="The session (type to search by title)")
    async def remove(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption
    ) -> None:
        assert interaction.guild_id is not None
        removed = await self._service.remove(interaction.guild_id, interaction.user.id, session)
        key = "removed" if removed else "not_on_agenda"
        await interaction.response.send_message(
            self._render.t(key, locale_of(interaction), title=one_line(session.title, 100)),
            ephemeral=True,
        )

    @agenda.command(name="export", description="My sessions as a calendar file (.ics)")
    async def export(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        guild = interaction.guild
        assert guild is not None
        sessions = await self._service.agenda_sessions(guild.id, interaction.user.id)
        data = await self._calendar.ics(guild.id, guild.name, sessions)
        text = self._render.t("export_ready", locale_of(interaction), count=len(sessions))
        await interaction.response.send_message(
            text, file=discord.File(io.BytesIO(data), filename="my-agenda.ics"), ephemeral=True
        )

    @agenda.command(name="reminders", description="How I am reminded of my sessions")
    @app_commands.describe(mode="mention (default), dm, or off")
    @app_commands.choices(mode=MODE_CHOICES)
    async def reminders(
        self, interaction: discord.Interaction[WorkshopBot], mode: app_commands.Choice[str]
    ) -> None:
        assert interaction.guild_id is not None
        chosen = Mode(mode.value)
        await self._service.set_mode(interaction.guild_id, interaction.user.id, chosen)
        locale = locale_of(interaction)
        await interaction.response.send_message(
            self._render.t(f"mode_set.{chosen.value}", locale), ephemeral=True
        )
