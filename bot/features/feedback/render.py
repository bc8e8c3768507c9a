"""Feedback's texts and embeds: the prompt posted when a session closes, the form, the report,
in the reader's language (the prompt in the workshop's). Comments are shown through
`text_safety.body` (no markdown tricks) and every message carries no pings."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.ui import fit_lines
from bot.domain.text_safety import body, one_line
from bot.features.feedback.service import SessionFeedback
from bot.i18n import Catalog

COLOUR = discord.Colour(0x8B5CF6)
DESCRIPTION_MAX = 4000
COMMENT_SHOWN = 300  # characters of one comment in the embed (the CSV has them whole)


def prompt_marker(session_id: int) -> str:
    """The prompt's embed footer: how a rerun finds what it posted before a crash."""
    return f"workshop-bot · feedback · session {session_id}"


class FeedbackRender:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def t(self, key: str, locale: str, **values: Any) -> str:
        return self._catalog.t(f"feedback.{key}", locale, **values)

    def prompt(self, title: str, session_id: int, closes: int, locale: str) -> discord.Embed:
        embed = discord.Embed(
            title=self.t("prompt_title", locale, title=one_line(title, 200)),
            description=self.t("prompt_text", locale, closes=closes),
            colour=COLOUR,
        )
        embed.set_footer(text=prompt_marker(session_id))
        return embed

    def report(
        self, report: SessionFeedback, locale: str, chart: str, *, named: bool
    ) -> discord.Embed:
        summary = report.summary
        embed = discord.Embed(
            title=self.t("report_title", locale, title=one_line(report.session.title, 200)),
            colour=COLOUR,
        )
        embed.add_field(name=self.t("count", locale), value=str(summary.count))
        mean = "—" if summary.mean is None else f"{summary.mean:.2f}"
        embed.add_field(name=self.t("mean", locale), value=mean)
        bars = " · ".join(f"{i + 1}★ {n}" for i, n in enumerate(summary.distribution))
        embed.add_field(name=self.t("distribution", locale), value=bars, inline=False)
        lines = []
        for rating in report.ratings:
            if not rating.comment:
                continue
            text = body(rating.comment, COMMENT_SHOWN).replace("\n", " ")
            who = f" — {one_line(rating.display_name, 64)}" if named else ""
            lines.append(f"{rating.rating}★ {text}{who}")
        if lines:
            embed.description = fit_lines(lines, DESCRIPTION_MAX, self.t("more", locale))
        else:
            embed.description = self.t("no_comments", locale)
        embed.set_image(url=f"attachment://{chart}")
        return embed
