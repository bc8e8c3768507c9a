"""`/ask` and `/questions`: thin; QuestionService does the work."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import member_is_organizer
from bot.core.ui import locale_of
from bot.domain.text_safety import one_line
from bot.features.qa.checkin import SpeakerCheckin
from bot.features.qa.render import QaRenderer
from bot.features.qa.service import QuestionService
from bot.features.qa.views import QuestionButton
from bot.features.sessions.domain.model import Session, may_chair
from bot.features.sessions.transformers import SessionOption

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot
    from bot.i18n import Catalog


log = logging.getLogger(__name__)


class QaCog(commands.Cog):
    def __init__(
        self,
        questions: QuestionService,
        render: QaRenderer,
        button: type[QuestionButton],
        catalog: Catalog,
        checkin: SpeakerCheckin,
    ) -> None:
        self._checkin = checkin
        self._questions = questions
        self._render = render
        self._button = button
        self._catalog = catalog

    async def _session(
        self, interaction: discord.Interaction[WorkshopBot], session: Session | None
    ) -> Session:
        if session is not None:
            return session
        assert interaction.guild_id is not None
        user = interaction.user
        voice = user.voice.channel if isinstance(user, discord.Member) and user.voice else None
        return await self._questions.session_here(
            interaction.guild_id, interaction.channel_id, voice.id if voice else None
        )

    @app_commands.command(name="ask", description="Ask a session a question (others can upvote)")
    @app_commands.describe(
        question="Your question (1-500 characters)",
        session="The session (default: the one whose channel you are in)",
        anonymous="Hide your name on the card (organizers can still see it to moderate)",
    )
    @app_commands.guild_only()
    async def ask(
        self,
        interaction: discord.Interaction[WorkshopBot],
        question: app_commands.Range[str, 1, 500],
        session: SessionOption | None = None,
        anonymous: bool = False,
    ) -> None:
        target = await self._session(interaction, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        asked = await self._questions.ask(
            target, interaction.user.id, question, anonymous=anonymous
        )
        await interaction.followup.send(
            self._catalog.t(
                "qa.asked",
                locale_of(interaction),
                title=one_line(target.title, 100),
                link=f"https://discord.com/channels/{asked.guild_id}/{asked.channel_id}/"
                f"{asked.message_id}",
            ),
            ephemeral=True,
        )

    @app_commands.command(name="questions", description="A session's questions, most upvoted first")
    @app_commands.describe(session="The session (default: the one whose channel you are in)")
    @app_commands.guild_only()
    async def questions(
        self,
        interaction: discord.Interaction[WorkshopBot],
        session: SessionOption | None = None,
    ) -> None:
        target = await self._session(interaction, session)
        organizer = member_is_organizer(interaction)
        moderator = may_chair(target, interaction.user.id, organizer)
        locale = locale_of(interaction)
        listed = await self._questions.listing(target, moderator=moderator)
        embed = self._render.listing(target.title, listed, locale, moderator=moderator)
        if not moderator:
            await interaction.response.send_message(embed=embed, ephemeral=True)
            return
        view = self._button.list_view(listed, locale, organizer=organizer)
        assert interaction.guild_id is not None
        data = await self._questions.questions_csv(interaction.guild_id, target.id)
        await interaction.response.send_message(
            embed=embed,
            view=view,
            file=discord.File(io.BytesIO(data), filename=f"questions-{target.id}.csv"),
            ephemeral=True,
        )

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """Joining a session's voice or stage channel checks its chair or speaker in."""
        joined = after.channel.id if after.channel is not None else None  # read at once: live
        if joined is None or (before.channel is not None and before.channel.id == joined):
            return
        try:
            await self._checkin.joined_voice(member.guild.id, member.id, joined)
        except Exception:
            log.exception("check-in by voice failed for user %s", member.id)
