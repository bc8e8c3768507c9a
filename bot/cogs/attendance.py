"""`/attendance me | session | export | forget-me`, and starting the recorder.

Thin: the recording itself is fed by `bot/cogs/attendance_tap.py` (from `WorkshopBot.dispatch`);
reports come from AttendanceService and are rendered here.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.checks import organizer_only
from bot.core.tree import answer_error
from bot.core.ui import fit_lines
from bot.domain.attendance import PlaceKind
from bot.domain.errors import DomainError
from bot.domain.text_safety import one_line
from bot.features.sessions.domain.model import Session
from bot.features.sessions.transformers import SessionOption
from bot.services.attendance import PersonalRecord, SessionReport

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

COLOUR = discord.Colour(0x0EA5E9)
ICONS = {
    PlaceKind.SESSION: "🎤",
    PlaceKind.POSTER: "🖼️",
    PlaceKind.ROOM: "💬",
    PlaceKind.OTHER: "🔊",
}
DESCRIPTION_MAX = 3900
FIELD_MAX = 1000
DAYS_SHOWN = 14


class NotYourButton(DomainError):
    key = "errors.attendance_not_yours"


def minutes(seconds: float) -> str:
    """Seconds as whole minutes (rounded), "<1" for a short but real stay."""
    whole = int((seconds + 30) // 60)
    return "<1" if whole == 0 and seconds > 0 else f"{whole:,}"


class AttendanceCog(commands.Cog):
    attendance = app_commands.Group(
        name="attendance",
        description="Who was where, for how long (voice channels)",
        guild_only=True,
    )

    def __init__(self, bot: WorkshopBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Start recording (before the gateway connects; what a crash left open is closed when
        it does)."""
        await self.bot.services.attendance.start()
        self.bot.add_dynamic_items(ForgetButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(ForgetButton)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        if self.bot.serves(guild.id) and not self.bot.closing:
            await self.bot.services.attendance.guild_available(guild.id)

    def t(self, key: str, interaction: discord.Interaction[Any], **values: Any) -> str:
        return self.bot.catalog.t(f"attendance.{key}", str(interaction.locale), **values)

    @attendance.command(name="me", description="Your attendance: sessions, rooms, posters, minutes")
    async def me(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        record = await self.bot.services.attendance.personal(
            interaction.guild_id, interaction.user.id
        )
        await interaction.response.send_message(
            embed=self._personal_embed(record, interaction), ephemeral=True
        )

    def _personal_embed(
        self, record: PersonalRecord, interaction: discord.Interaction[Any]
    ) -> discord.Embed:
        embed = discord.Embed(title=self.t("me_title", interaction), colour=COLOUR)
        if not record.places:
            embed.description = self.t("me_empty", interaction)
            return embed
        lines = [
            self.t(
                "place_line",
                interaction,
                icon=ICONS[p.kind],
                name=one_line(p.name, 200),
                minutes=minutes(p.seconds),
            )
            for p in record.places
        ]
        # How to delete: in the description, where the command mention is clickable (a footer
        # shows mentions as raw text). DESCRIPTION_MAX leaves room for it.
        embed.description = (
            fit_lines(lines, DESCRIPTION_MAX, self.t("more", interaction))
            + "\n\n"
            + self.t("me_footer", interaction)
        )
        days = [
            self.t("day_line", interaction, day=day.isoformat(), minutes=minutes(seconds))
            for day, seconds in record.days[-DAYS_SHOWN:]
        ]
        embed.add_field(
            name=self.t("per_day", interaction),
            value=fit_lines(days, FIELD_MAX, self.t("more", interaction)),
            inline=True,
        )
        embed.add_field(
            name=self.t("total", interaction),
            value=self.t("minutes_value", interaction, minutes=minutes(record.total_seconds)),
            inline=True,
        )
        return embed

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
        self.bot.services.attendance.require_enabled()
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.bot.services.attendance.session_report(interaction.guild_id, session)
        stem = f"attendance-session-{session.id}"
        embed = self._session_embed(report, interaction, f"{stem}.png")
        files = [
            discord.File(io.BytesIO(report.csv), filename=f"{stem}.csv"),
            discord.File(io.BytesIO(report.png), filename=f"{stem}.png"),
        ]
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    def _session_embed(
        self, report: SessionReport, interaction: discord.Interaction[Any], image: str
    ) -> discord.Embed:
        session: Session = report.session
        stats = report.stats
        start, end = int(session.start.timestamp()), int(session.end.timestamp())
        embed = discord.Embed(
            title=self.t("session_title", interaction, title=one_line(session.title, 200))[:256],
            description=self.t("session_description", interaction, start=start, end=end),
            colour=COLOUR,
        )
        embed.add_field(name=self.t("attendees", interaction), value=f"{stats.attendees:,}")
        peak = (
            self.t("peak_value", interaction, count=stats.peak, at=stats.peak_at)
            if stats.peak_at is not None
            else "—"
        )
        embed.add_field(name=self.t("peak", interaction), value=peak)
        embed.add_field(
            name=self.t("median", interaction),
            value=self.t("minutes_value", interaction, minutes=minutes(stats.median_seconds)),
        )
        embed.add_field(
            name=self.t("total", interaction),
            value=self.t("minutes_value", interaction, minutes=minutes(stats.total_seconds)),
        )
        embed.set_image(url=f"attachment://{image}")
        embed.set_footer(text=self.t("session_files", interaction))
        return embed

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
        attendance = self.bot.services.attendance
        attendance.require_enabled()
        await interaction.response.defer(ephemeral=True, thinking=True)
        if per_person:
            sessions = await self.bot.services.sessions.programme(interaction.guild_id)
            export = await attendance.export_people(interaction.guild_id, sessions)
        else:
            export = await attendance.export(interaction.guild_id)
        try:
            key = "export_people_ready" if per_person else "export_ready"
            if export.filename.endswith(".gz"):
                key += "_gz"
            text = self.t(key, interaction, rows=export.rows, zone=self.bot.settings.timezone)
            # discord.File only reads and seeks: a spooled temporary file does both.
            file = discord.File(cast(io.BufferedIOBase, export.file), filename=export.filename)
            await interaction.followup.send(text, file=file, ephemeral=True)
        finally:
            export.file.close()

    @attendance.command(name="forget-me", description="Delete your attendance records (asks first)")
    async def forget_me(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        count = await self.bot.services.attendance.count(interaction.guild_id, interaction.user.id)
        if count == 0:
            await interaction.response.send_message(
                self.t("forget_none", interaction), ephemeral=True
            )
            return
        view = discord.ui.View(timeout=None)
        user = interaction.user.id
        view.add_item(ForgetButton("yes", user, label=self.t("forget_confirm", interaction)))
        view.add_item(ForgetButton("no", user, label=self.t("forget_cancel", interaction)))
        await interaction.response.send_message(
            self.t("forget_prompt", interaction, count=count), view=view, ephemeral=True
        )


class ForgetButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"att:forget:(?P<action>yes|no):(?P<user>\d+)",
):
    """Confirm or cancel /attendance forget-me. The state is in the custom_id, so the prompt
    still works after a restart; only the person who asked may press it."""

    def __init__(self, action: str, user_id: int, *, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=discord.ButtonStyle.danger
                if action == "yes"
                else discord.ButtonStyle.secondary,
                custom_id=f"att:forget:{action}:{user_id}",
            )
        )
        self.action, self.user_id = action, user_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> ForgetButton:
        return cls(match["action"], int(match["user"]))

    async def interaction_check(self, interaction: discord.Interaction[WorkshopBot]) -> bool:  # type: ignore[override]
        if interaction.user.id == self.user_id:
            return True
        await answer_error(interaction, NotYourButton())
        return False

    async def callback(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        locale = str(interaction.locale)
        try:
            assert interaction.guild_id is not None
            if self.action == "no":
                text = bot.catalog.t("attendance.forget_cancelled", locale)
            else:
                deleted = await bot.services.attendance.forget(interaction.guild_id, self.user_id)
                text = bot.catalog.t("attendance.forgotten", locale, count=deleted)
            await interaction.response.edit_message(content=text, view=None)
        except Exception as exc:
            await answer_error(interaction, exc)
