"""qa: the card's buttons (▲ upvote with its count, Answered, Hide) and the moderators' Reveal.
Persistent: the custom id carries the question id (`qa:<action>:<id>`, released: never
change). What the buttons need is bound to the class wire.py registers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

import discord

from bot.core.checks import member_is_organizer
from bot.core.ui import WorkshopButton, bind, locale_of
from bot.domain.text_safety import one_line
from bot.features.qa.checkin import SpeakerCheckin
from bot.features.qa.domain import Question, QuestionState
from bot.features.qa.service import QuestionService
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

TEMPLATE = r"qa:(?P<action>up|ok|hide|who):(?P<id>\d+)"


class QuestionButton(WorkshopButton, template=TEMPLATE):
    questions: ClassVar[QuestionService]
    catalog: ClassVar[Catalog]
    locale: ClassVar[str]

    @classmethod
    def bound(
        cls, questions: QuestionService, catalog: Catalog, locale: str
    ) -> type[QuestionButton]:
        return bind(cls, TEMPLATE, questions=questions, catalog=catalog, locale=locale)

    def __init__(self, action: str, question_id: int, *, label: str = "", style: int = 2) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=discord.ButtonStyle(style),
                custom_id=f"qa:{action}:{question_id}",
            )
        )
        self.action, self.question_id = action, question_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> QuestionButton:
        return cls(match["action"], int(match["id"]))

    @classmethod
    def card_view(cls, question: Question) -> discord.ui.View | None:
        """▲ count, Answered, Hide; none on a hidden question's card (Hide again from
        /questions brings it back)."""
        view = discord.ui.View(timeout=None)
        t = cls.catalog.t
        view.add_item(cls("up", question.id, label=f"▲ {question.votes}", style=1))
        if question.state is not QuestionState.HIDDEN:
            view.add_item(cls("ok", question.id, label=t("qa.button_answered", cls.locale)))
        view.add_item(cls("hide", question.id, label=t("qa.button_hide", cls.locale), style=4))
        return view

    @classmethod
    def list_view(
        cls, questions: list[Question], locale: str, *, organizer: bool
    ) -> discord.ui.View:
        """For moderators in /questions: Answered and Hide of the first questions, and Reveal
        of anonymous ones (organizers only)."""
        view = discord.ui.View(timeout=None)
        t = cls.catalog.t
        for question in questions[:8]:
            if len(view.children) >= 24:
                break
            view.add_item(
                cls("ok", question.id, label=f"#{question.id} " + t("qa.button_answered", locale))
            )
            view.add_item(
                cls("hide", question.id, label=f"#{question.id} " + t("qa.button_hide", locale))
            )
            if organizer and question.anonymous and question.author_id:
                view.add_item(
                    cls(
                        "who", question.id, label=f"#{question.id} " + t("qa.button_reveal", locale)
                    )
                )
        return view

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        locale = locale_of(interaction)
        t = self.catalog.t
        guild_id, user_id = interaction.guild_id, interaction.user.id
        if self.action == "up":
            voted, count = await self.questions.upvote(guild_id, self.question_id, user_id)
            key = "qa.voted" if voted else "qa.unvoted"
            await interaction.response.send_message(t(key, locale, count=count), ephemeral=True)
            return
        organizer = member_is_organizer(interaction)
        if self.action == "who":
            author = await self.questions.reveal(
                guild_id, self.question_id, user_id, is_organizer=organizer
            )
            await interaction.response.send_message(
                t("qa.revealed", locale, id=self.question_id, user=f"<@{author}>"), ephemeral=True
            )
            return
        state = QuestionState.ANSWERED if self.action == "ok" else QuestionState.HIDDEN
        updated = await self.questions.moderate(
            guild_id, self.question_id, user_id, state, is_organizer=organizer
        )
        await interaction.response.send_message(
            t(f"qa.now_{updated.state.value}", locale, id=updated.id), ephemeral=True
        )


HERE_TEMPLATE = r"qa:here:(?P<id>\d+)"


class CheckinButton(WorkshopButton, template=HERE_TEMPLATE):
    """**I'm here**, in a check-in prompt (a DM, or #backstage): works without a guild."""

    checkin: ClassVar[SpeakerCheckin]
    catalog: ClassVar[Catalog]
    locale: ClassVar[str]

    @classmethod
    def bound(cls, checkin: SpeakerCheckin, catalog: Catalog, locale: str) -> type[CheckinButton]:
        return bind(cls, HERE_TEMPLATE, checkin=checkin, catalog=catalog, locale=locale)

    def __init__(self, session_id: int, *, label: str = "I'm here") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.success, custom_id=f"qa:here:{session_id}"
            )
        )
        self.session_id = session_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> CheckinButton:
        return cls(int(match["id"]))

    @classmethod
    def prompt_view(cls, session_id: int) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(cls(session_id, label=cls.catalog.t("qa.button_here", cls.locale)))
        return view

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        session = await self.checkin.here(self.session_id, interaction.user.id)
        await interaction.response.send_message(
            self.catalog.t(
                "qa.checked_in", locale_of(interaction), title=one_line(session.title, 100)
            ),
            ephemeral=interaction.guild_id is not None,
        )
