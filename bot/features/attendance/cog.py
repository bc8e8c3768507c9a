"""`/attendance me | session | export | forget-me`, and starting the recorder.

Thin: the recording itself is fed by the tap (bot/features/attendance/tap.py, from
`WorkshopBot.dispatch`); reports come from AttendanceService, their embeds from render.py.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import organizer_only
from bot.core.privacy import PersonalDataRegistry
from bot.core.ui import locale_of
from bot.features.attendance.render import AttendanceRender
from bot.features.attendance.service import AttendanceService
from bot.features.attendance.views import ForgetButton
from bot.features.sessions.domain.model import Session
from bot.features.sessions.transformers import SessionOption

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

Programme = Callable[[int], Awaitable[list[Session]]]  # guild id -> its sessions


class AttendanceCog(commands.Cog):
    attendance = app_commands.Group(
        name="attendance",
        description="Who was where, for how long (voice channels)",
        guild_only=True,
    )

    def __init__(
        self,
        bot: WorkshopBot,
        service: AttendanceService,
        render: AttendanceRender,
        *,
        programme: Programme,
        forget_button: type[ForgetButton],
        privacy: PersonalDataRegistry,
        zone_name: str,
    ) -> None:
        self.bot = bot
        self.service = service
        self.render = render
        self.programme = programme
        self.forget_button = forget_button
        self.privacy = privacy
        self.zone_name = zone_name

    async def cog_load(self) -> None:
        """Start recording (before the gateway connects; what a crash left open is closed when
        it does)."""
        await self.service.start()

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        if self.bot.serves(guild.id) and not self.bot.closing:
            await self.service.guild_available(guild.id)

    @attendance.command(name="me", description="Your attendance: sessions, rooms, posters, minutes")
    async def me(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        record = await self.service.personal(interaction.guild_id, interaction.user.id)
        embed = self.render.personal(record, locale_of(interaction))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @attendance.command(
        name="session", description="A session's attendance: summary, CSV and chart (organizers)"
    )
    @app_commands.describe(session="The session (pick from the list, or give its number)")
    @app_commands.default_permissions(manage_guild=True)
    @organizer_only()
    async def session(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption
    ) -> None:
        assert interaction.guild_id is not None
        self.service.require_enabled()
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.service.session_report(interaction.guild_id, session)
        stem = f"attendance-session-{session.id}"
        embed = self.render.session(report, locale_of(interaction), f"{stem}.png")
        files = [
            discord.File(io.BytesIO(report.csv), filename=f"{stem}.csv"),
            discord.File(io.BytesIO(report.png), filename=f"{stem}.png"),
        ]
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    @attendance.command(name="export", description="Every recorded stay as a CSV file (organizers)")
    @app_commands.describe(
        per_person="One row per person instead: minutes in all, per day and per session "
        "(for certificates)"
    )
    @app_commands.default_permissions(manage_guild=True)
    @organizer_only()
    async def export(
        self, interaction: discord.Interaction[WorkshopBot], per_person: bool = False
    ) -> None:
        assert interaction.guild_id is not None
        attendance = self.service
        attendance.require_enabled()
        await interaction.response.defer(ephemeral=True, thinking=True)
        if per_person:
            sessions = await self.programme(interaction.guild_id)
            export = await attendance.export_people(interaction.guild_id, sessions)
        else:
            export = await attendance.export(interaction.guild_id)
        try:
            key = "export_people_ready" if per_person else "export_ready"
            if export.filename.endswith(".gz"):
                key += "_gz"
            text = self.render.t(key, locale_of(interaction), rows=export.rows, zone=self.zone_name)
            # discord.File only reads and seeks: a spooled temporary file does both.
            file = discord.File(cast(io.BufferedIOBase, export.file), filename=export.filename)
            await interaction.followup.send(text, file=file, ephemeral=True)
        finally:
            export.file.close()

    @attendance.command(
        name="forget-me", description="Delete everything the bot keeps about you (asks first)"
    )
    async def forget_me(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        locale = locale_of(interaction)
        # One forget-me for everything the bot keeps about a person (bot/core/privacy.py).
        found = await self.privacy.count(interaction.guild_id, interaction.user.id)
        if not found:
            await interaction.response.send_message(
                self.render.t("forget_none", locale), ephemeral=True
            )
            return
        view = discord.ui.View(timeout=None)
        user, button = interaction.user.id, self.forget_button
        view.add_item(button("yes", user, label=self.render.t("forget_confirm", locale)))
        view.add_item(button("no", user, label=self.render.t("forget_cancel", locale)))
        await interaction.response.send_message(
            self.render.t("forget_prompt", locale, kinds=self.render.kinds(found, locale)),
            view=view,
            ephemeral=True,
        )
