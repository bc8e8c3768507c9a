"""Attendance's embeds and texts: a person's record (`/attendance me`) and a session's report
(`/attendance session`), in the language of the person who asked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.core.privacy import PersonalData
from bot.core.ui import fit_lines
from bot.domain.text_safety import one_line
from bot.features.attendance.domain.stays import PlaceKind
from bot.features.attendance.service import PersonalRecord, SessionReport
from bot.i18n import Catalog

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


def minutes(seconds: float) -> str:
    """Seconds as whole minutes (rounded), "<1" for a short but real stay."""
    whole = int((seconds + 30) // 60)
    return "<1" if whole == 0 and seconds > 0 else f"{whole:,}"


class AttendanceRender:
    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    def t(self, key: str, locale: str, **values: Any) -> str:
        """An `attendance.` catalog text in `locale`."""
        return self._catalog.t(f"attendance.{key}", locale, **values)

    def kinds(self, found: Sequence[tuple[PersonalData, int]], locale: str) -> str:
        """One line per kind of personal data with its count (the forget-me prompt and reply)."""
        return "\n".join(
            self.t("kind_line", locale, label=self._catalog.t(kind.label_key, locale, count=n))
            for kind, n in found
        )

    def personal(self, record: PersonalRecord, locale: str) -> discord.Embed:
        t = self.t
        embed = discord.Embed(title=t("me_title", locale), colour=COLOUR)
        if not record.places:
            embed.description = t("me_empty", locale)
            return embed
        lines = [
            t(
                "place_line",
                locale,
                icon=ICONS[p.kind],
                name=one_line(p.name, 200),
                minutes=minutes(p.seconds),
            )
            for p in record.places
        ]
        # How to delete: in the description, where the command mention is clickable (a footer
        # shows mentions as raw text). DESCRIPTION_MAX leaves room for it.
        embed.description = (
            fit_lines(lines, DESCRIPTION_MAX, t("more", locale)) + "\n\n" + t("me_footer", locale)
        )
        days = [
            t("day_line", locale, day=day.isoformat(), minutes=minutes(seconds))
            for day, seconds in record.days[-DAYS_SHOWN:]
        ]
        embed.add_field(
            name=t("per_day", locale),
            value=fit_lines(days, FIELD_MAX, t("more", locale)),
            inline=True,
        )
        embed.add_field(
            name=t("total", locale),
            value=t("minutes_value", locale, minutes=minutes(record.total_seconds)),
            inline=True,
        )
        return embed

    def session(self, report: SessionReport, locale: str, image: str) -> discord.Embed:
        """The report's embed; `image` is the file name of the attached chart."""
        t = self.t
        session, stats = report.session, report.stats
        start, end = int(session.start.timestamp()), int(session.end.timestamp())
        embed = discord.Embed(
            title=t("session_title", locale, title=one_line(session.title, 200))[:256],
            description=t("session_description", locale, start=start, end=end),
            colour=COLOUR,
        )
        embed.add_field(name=t("attendees", locale), value=f"{stats.attendees:,}")
        peak = (
            t("peak_value", locale, count=stats.peak, at=stats.peak_at)
            if stats.peak_at is not None
            else "—"
        )
        embed.add_field(name=t("peak", locale), value=peak)
        embed.add_field(
            name=t("median", locale),
            value=t("minutes_value", locale, minutes=minutes(stats.median_seconds)),
        )
        embed.add_field(
            name=t("total", locale),
            value=t("minutes_value", locale, minutes=minutes(stats.total_seconds)),
        )
        embed.set_image(url=f"attachment://{image}")
        embed.set_footer(text=t("session_files", locale))
        return embed
