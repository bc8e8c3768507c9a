"""qa: the question card (public: never the author of an anonymous question), the moderators'
list, the time signals' texts, and the questions CSV."""

from __future__ import annotations

import io
from collections.abc import Sequence

import discord

from bot.core.csv_out import CsvOut
from bot.domain.text_safety import body, one_line
from bot.features.qa.domain import Question, QuestionState
from bot.i18n import Catalog

COLOR = 0x5865F2
ANSWERED_COLOR = 0x57F287
CSV_COLUMNS = ("session_id", "question_id", "text", "votes", "state", "asked_at", "author_id")


class QaRenderer:
    def __init__(self, catalog: Catalog, locale: str) -> None:
        self.catalog = catalog
        self.locale = locale  # the workshop's language: what public cards are written in

    def t(self, key: str, locale: str | None = None, /, **params: object) -> str:
        return self.catalog.t(key, locale or self.locale, **params)

    def card(self, question: Question) -> discord.Embed:
        """The public card. An anonymous question names nobody; a hidden one shows no text."""
        if question.state is QuestionState.HIDDEN:
            return discord.Embed(description=self.t("qa.card_hidden"), colour=COLOR)
        answered = question.state is QuestionState.ANSWERED
        embed = discord.Embed(
            description=body(question.text, 1000), colour=ANSWERED_COLOR if answered else COLOR
        )
        who = (
            self.t("qa.card_anonymous")
            if question.anonymous
            else self.t("qa.card_by", user=f"<@{question.author_id}>")
        )
        head = self.t("qa.card_answered") if answered else self.t("qa.card_title")
        embed.title = head
        embed.add_field(name=self.t("qa.card_votes_field"), value=str(question.votes))
        embed.add_field(name=self.t("qa.card_who_field"), value=who)
        embed.set_footer(text=self.t("qa.card_footer", id=question.id))
        return embed

    def listing(
        self, title: str, questions: Sequence[Question], locale: str, *, moderator: bool
    ) -> discord.Embed:
        embed = discord.Embed(title=self.t("qa.list_title", locale, title=one_line(title, 200)))
        if not questions:
            embed.description = self.t("qa.list_empty", locale)
            return embed
        lines = []
        for q in questions[:20]:
            mark = "✅ " if q.state is QuestionState.ANSWERED else ""
            if q.state is QuestionState.HIDDEN:
                mark = "🙈 "
            who = ""
            if moderator and not q.anonymous:
                who = f" · <@{q.author_id}>"
            elif moderator:
                who = " · " + self.t("qa.card_anonymous", locale)
            lines.append(f"`#{q.id}` ▲{q.votes} {mark}{one_line(q.text, 150)}{who}")
        if len(questions) > 20:
            lines.append(self.t("qa.list_more", locale, count=len(questions) - 20))
        embed.description = "\n".join(lines)[:4000]
        return embed

    def signal(self, minutes: int, chair_id: int | None) -> str:
        chair = f"<@{chair_id}> " if chair_id else ""
        if minutes == 0:
            return chair + self.t("qa.signal_over")
        return chair + self.t("qa.signal_left", minutes=minutes)


def questions_csv(questions: Sequence[Question]) -> bytes:
    """text, votes, state, asked_at (ISO, UTC), and the author's id unless anonymous."""
    out = io.StringIO()
    sheet = CsvOut(out, CSV_COLUMNS)
    sheet.rows(
        [
            q.session_id,
            q.id,
            q.text,
            q.votes,
            q.state.value,
            q.asked_at.isoformat(),
            "" if q.anonymous else q.author_id,
        ]
        for q in questions
    )
    return out.getvalue().encode("utf-8-sig")
