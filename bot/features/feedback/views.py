"""The *Rate this session* button (posted in a session's chat when it closes) and the form it
opens: a rating 1-5 and an optional comment. The button's custom id carries the session, so it
works after restarts; who pressed it is checked when pressed (attendance) and again on submit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

import discord

from bot.core.tree import answer_error
from bot.core.ui import WorkshopButton, bind, locale_of
from bot.features.feedback.domain.rules import COMMENT_MAX
from bot.features.feedback.render import FeedbackRender
from bot.features.feedback.repo import Rating
from bot.features.feedback.service import FeedbackService
from bot.features.sessions.domain.model import Session
from bot.features.sessions.service import SessionService

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

TEMPLATE = r"fb:rate:(?P<session>\d+)"  # released: never change


def display_name(interaction: discord.Interaction[WorkshopBot]) -> str:
    user = interaction.user
    return str(getattr(user, "display_name", None) or user.name)


async def open_form(
    interaction: discord.Interaction[WorkshopBot],
    feedback: FeedbackService,
    render: FeedbackRender,
    session: Session,
    comment: str | None = None,
) -> None:
    """Check the person may rate, then open the form (a modal must be the first response).
    The session names the guild (a button pressed in a DM has none)."""
    before = await feedback.check(session.guild_id, session, interaction.user.id)
    await interaction.response.send_modal(
        RatingModal(feedback, render, locale_of(interaction), session, before, comment)
    )


class RateButton(WorkshopButton, template=TEMPLATE):
    feedback: ClassVar[FeedbackService]
    sessions: ClassVar[SessionService]
    render: ClassVar[FeedbackRender]

    @classmethod
    def bound(
        cls, feedback: FeedbackService, sessions: SessionService, render: FeedbackRender
    ) -> type[RateButton]:
        return bind(cls, TEMPLATE, feedback=feedback, sessions=sessions, render=render)

    def __init__(self, session_id: int, *, label: str = "Rate this session") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji="⭐",
                style=discord.ButtonStyle.primary,
                custom_id=f"fb:rate:{session_id}",
            )
        )
        self.session_id = session_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> RateButton:
        return cls(int(match["session"]))

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        guild_id = interaction.guild_id
        if guild_id is None:  # pressed in a DM: the session names its guild
            found = await self.sessions.get_any(self.session_id)
            guild_id = found.guild_id if found is not None else 0
        session = await self.sessions.get(guild_id, self.session_id)
        await open_form(interaction, self.feedback, self.render, session)


class RatingModal(discord.ui.Modal):
    def __init__(
        self,
        feedback: FeedbackService,
        render: FeedbackRender,
        locale: str,
        session: Session,
        before: Rating | None,
        comment: str | None = None,
    ) -> None:
        t = render.t
        super().__init__(title=t("form_title", locale)[:45], custom_id=f"fbm:{session.id}")
        self._feedback, self._render, self._session = feedback, render, session
        self.rating: discord.ui.TextInput[RatingModal] = discord.ui.TextInput(
            custom_id="rating",
            label=t("form_rating", locale)[:45],
            placeholder="1–5",
            default=str(before.rating) if before else None,
            min_length=1,
            max_length=1,
        )
        self.comment: discord.ui.TextInput[RatingModal] = discord.ui.TextInput(
            custom_id="comment",
            label=t("form_comment", locale)[:45],
            style=discord.TextStyle.paragraph,
            default=comment or ((before.comment or None) if before else None),
            required=False,
            max_length=COMMENT_MAX,
        )
        self.add_item(self.rating)
        self.add_item(self.comment)

    async def on_submit(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        session = self._session
        first = await self._feedback.rate(
            session.guild_id,
            session,
            interaction.user.id,
            display_name(interaction),
            self.rating.value,
            self.comment.value or None,
        )
        key = "thanks" if first else "updated"
        await interaction.response.send_message(
            self._render.t(key, locale_of(interaction), rating=self.rating.value.strip()),
            ephemeral=True,
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[WorkshopBot], error: Exception
    ) -> None:
        await answer_error(interaction, error)
