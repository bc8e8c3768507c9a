"""`/feedback session` and `/feedback report` (thin: the rules are in FeedbackService)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import member_is_organizer
from bot.core.ui import locale_of
from bot.domain.errors import DomainError, NotOrganizer
from bot.features.feedback.domain.rules import COMMENT_MAX, RATING_MAX, RATING_MIN
from bot.features.feedback.render import FeedbackRender
from bot.features.feedback.service import FeedbackService
from bot.features.feedback.views import display_name, open_form
from bot.features.sessions.domain.model import Session
from bot.features.sessions.transformers import SessionOption

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


class NotChair(DomainError):
    key = "errors.feedback.report_not_allowed"


class FeedbackCog(commands.Cog):
    feedback = app_commands.Group(
        name="feedback", description="Rate sessions, and read how they went", guild_only=True
    )

    def __init__(self, service: FeedbackService, render: FeedbackRender) -> None:
        self.service = service
        self.render = render

    @feedback.command(name="session", description="Rate a session you attended (1–5, a comment)")
    @app_commands.describe(
        session="The session (pick from the list, or give its number)",
        rating="1 (poor) to 5 (excellent); leave it out to open the form",
        comment="What worked, what could be better (up to 1000 characters)",
    )
    async def session(
        self,
        interaction: discord.Interaction[WorkshopBot],
        session: SessionOption,
        rating: app_commands.Range[int, RATING_MIN, RATING_MAX] | None = None,
        comment: app_commands.Range[str, 1, COMMENT_MAX] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        if rating is None:
            await open_form(interaction, self.service, self.render, session, comment)
            return
        first = await self.service.rate(
            interaction.guild_id,
            session,
            interaction.user.id,
            display_name(interaction),
            rating,
            comment,
        )
        key = "thanks" if first else "updated"
        await interaction.response.send_message(
            self.render.t(key, locale_of(interaction), rating=rating), ephemeral=True
        )

    @feedback.command(
        name="report", description="Ratings and comments with a CSV (organizers, or the chair)"
    )
    @app_commands.describe(session="One session (its chair may ask too); leave out for all")
    async def report(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        organizer = member_is_organizer(interaction)
        if session is None:
            if not organizer:
                raise NotOrganizer()
            await self._overview(interaction)
            return
        if not organizer and session.chair_id != interaction.user.id:
            raise NotChair()
        await self._one(interaction, session)

    async def _one(self, interaction: discord.Interaction[WorkshopBot], session: Session) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.service.session_report(interaction.guild_id, session)
        stem = f"feedback-session-{session.id}"
        embed = self.render.report(
            report, locale_of(interaction), f"{stem}.png", named=self.service.config.named
        )
        files = [
            discord.File(io.BytesIO(report.csv), filename=f"{stem}.csv"),
            discord.File(io.BytesIO(report.png), filename=f"{stem}.png"),
        ]
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    async def _overview(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        data, rows, _, ratings = await self.service.overview(interaction.guild_id)
        text = self.render.t(
            "overview", locale_of(interaction), sessions=rows, ratings=len(ratings)
        )
        file = discord.File(io.BytesIO(data), filename="feedback-sessions.csv")
        await interaction.followup.send(text, file=file, ephemeral=True)
