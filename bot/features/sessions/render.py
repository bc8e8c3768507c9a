"""Embeds for the programme: one session, a page of sessions, an import preview. Every time is a
Discord timestamp, which each reader sees in their own zone and language. Titles, tracks and
descriptions (typed by organizers or read from imported Pretalx/frab, CSV and YAML files) are shown
as typed: a title on one line, a description without headings or masked links
(bot/domain/text_safety.py)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.domain.clock import to_epoch
from bot.domain.text_safety import body, one_line, shown_params
from bot.features.sessions.check import where_text
from bot.features.sessions.domain.model import Session, SessionDraft
from bot.features.sessions.domain.schedule_import import FileInfo
from bot.features.sessions.domain.schedule_import.rows import ImportRow
from bot.features.sessions.imports import ImportPlan
from bot.i18n import Catalog

COLOR = discord.Colour(0x3B82F6)  # the bot's own blue

PER_PAGE = 8
DESCRIPTION_MAX = 4096
FIELD_MAX = 1024
PROBLEMS_SHOWN = 12
CANCELLED_COLOUR = discord.Colour(0x9CA3AF)


@dataclass(frozen=True)
class Places:
    """Where sessions happen: their channel and Scheduled Event ids."""

    guild_id: int
    channels: dict[int, int]
    events: dict[int, int]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_speakers(draft: SessionDraft) -> str:
    title = one_line(draft.title, 90)
    return f"{title} — {one_line(draft.speakers, 120)}" if draft.speakers else title


_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}


class SessionRenderer:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def _new_row(self, row: ImportRow, locale: str) -> str:
        text = _with_speakers(row.draft)
        if row.boards:
            text += " · " + self.t("import.boards", locale, count=row.boards)
        return text

    def t(self, key: str, locale: str, /, **params: object) -> str:
        return self.catalog.t(key, locale, **params)

    def kind(self, session: Session, locale: str) -> str:
        return self.t(f"sessions.kind.{session.kind.value}", locale)

    def file_info(self, info: FileInfo, locale: str) -> str:
        """How the file was read: `UTF-8 · comma-separated` and the columns recognised."""
        read = self.t(f"import.encoding.{info.encoding.value}", locale)
        if info.delimiter is not None:
            name = _DELIMITERS.get(info.delimiter, "comma")
            read += " · " + self.t(f"import.delimiter.{name}", locale)
        lines = [self.t("import.read_as", locale, how=read)]
        if info.columns:
            unused = self.t("import.column_unused", locale)
            parts = [
                f"{one_line(c.header, 40)} → "
                + (self.t(f"import.field.{c.field}", locale) if c.field else unused)
                for c in info.columns
                if c.header
            ]
            lines.append(self.t("import.columns_line", locale, columns=" · ".join(parts)))
        return "\n".join(lines)

    def problem_where(self, where: str, locale: str) -> str:
        """`day 2 / session 3` in the reader's language (`2日目 / 3番目のセッション`)."""
        return where_text(where, self.catalog, locale, lambda value: one_line(value, 100))

    def where(self, session: Session, places: Places, locale: str) -> str:
        if session.location:
            return session.location
        channel = places.channels.get(session.id)
        return f"<#{channel}>" if channel else self.t("sessions.where_unknown", locale)

    def line(self, session: Session, places: Places, locale: str, *, star: bool = False) -> str:
        start, end = to_epoch(session.start), to_epoch(session.end)
        name = one_line(session.title)
        title = f"~~{name}~~" if session.cancelled else f"**{name}**"
        if star:
            title = f"★ {title}"  # on the reader's agenda
        bits = [self.kind(session, locale)]
        if session.track:
            bits.append(one_line(session.track))
        status = self.t(f"sessions.status.{session.status.value}", locale)
        return (
            f"`#{session.id}` {title} · {' · '.join(bits)}\n"
            f"<t:{start}:f> – <t:{end}:t> (<t:{start}:R>) · {self.where(session, places, locale)}"
            f" · {status}"
        )

    def info(self, session: Session, places: Places, locale: str) -> discord.Embed:
        colour = CANCELLED_COLOUR if session.cancelled else COLOR
        embed = discord.Embed(title=one_line(session.title, 256), colour=colour)
        if session.description:
            embed.description = body(session.description, DESCRIPTION_MAX)
        start, end = to_epoch(session.start), to_epoch(session.end)
        embed.add_field(
            name=self.t("sessions.field.when", locale),
            value=f"<t:{start}:F> – <t:{end}:t>\n<t:{start}:R>",
            inline=False,
        )
        embed.add_field(
            name=self.t("sessions.field.kind", locale), value=self.kind(session, locale)
        )
        if session.track:
            embed.add_field(
                name=self.t("sessions.field.track", locale),
                value=one_line(session.track, FIELD_MAX),
            )
        if session.chair_id is not None:
            embed.add_field(
                name=self.t("qa.field_chair", locale), value=f"<@{session.chair_id}>", inline=False
            )
        speakers = [f"<@{uid}>" for uid in session.speaker_ids]
        if session.speakers:  # the names as the schedule file wrote them (some may be no member)
            speakers.append(one_line(session.speakers, FIELD_MAX))
        if speakers:
            embed.add_field(
                name=self.t("sessions.field.speakers", locale),
                value=_clip("\n".join(speakers), FIELD_MAX),
                inline=False,
            )
        embed.add_field(
            name=self.t("sessions.field.status", locale),
            value=self.t(f"sessions.status.{session.status.value}", locale),
        )
        embed.add_field(
            name=self.t("sessions.field.where", locale),
            value=_clip(self.where(session, places, locale), FIELD_MAX),
            inline=False,
        )
        event = places.events.get(session.id)
        if event:
            link = f"https://discord.com/events/{places.guild_id}/{event}"
            embed.add_field(
                name=self.t("sessions.field.event", locale),
                value=self.t("sessions.event_link", locale, link=link),
                inline=False,
            )
        embed.set_footer(text=self.t("sessions.footer_id", locale, id=session.id))
        return embed

    def page(
        self,
        sessions: Sequence[Session],
        page: int,
        places: Places,
        locale: str,
        *,
        title: str,
        empty: str,
        marked: frozenset[int] = frozenset(),
    ) -> tuple[discord.Embed, int, int]:
        """The embed of page `page` (clamped), the page shown and the number of pages."""
        pages = max(1, math.ceil(len(sessions) / PER_PAGE))
        page = min(max(page, 0), pages - 1)
        chunk = sessions[page * PER_PAGE : (page + 1) * PER_PAGE]
        embed = discord.Embed(title=_clip(title, 256), colour=COLOR)
        if not chunk:
            embed.description = empty
        else:
            embed.description = _clip(
                "\n\n".join(self.line(s, places, locale, star=s.id in marked) for s in chunk),
                DESCRIPTION_MAX,
            )
        embed.set_footer(
            text=self.t(
                "sessions.page_footer", locale, page=page + 1, pages=pages, count=len(sessions)
            )
        )
        return embed, page, pages

    def import_preview(
        self, plan: ImportPlan, locale: str, *, applied: bool = False
    ) -> discord.Embed:
        preview = plan.preview
        key = "import.applied_title" if applied else "import.preview_title"
        colour = discord.Colour.red() if preview.has_errors else COLOR
        filename = one_line(plan.filename, 200)
        embed = discord.Embed(title=self.t(key, locale, filename=filename)[:256], colour=colour)
        counts = preview.counts
        embed.description = self.t(
            "import.counts",
            locale,
            format=plan.format,
            new=counts.get("new", 0),
            changed=counts.get("changed", 0),
            unchanged=counts.get("unchanged", 0),
            removed=counts.get("removed", 0),
        )
        if plan.info is not None:
            embed.add_field(
                name=self.t("import.file_field", locale),
                value=_clip(self.file_info(plan.info, locale), FIELD_MAX),
                inline=False,
            )
        if plan.title:
            embed.add_field(
                name=self.t("import.title_field", locale),
                value=one_line(plan.title, FIELD_MAX),
                inline=False,
            )
        if preview.per_day:
            days = "\n".join(
                self.t("import.day_line", locale, day=day.isoformat(), count=count)
                for day, count in sorted(preview.per_day.items())
            )
            embed.add_field(name=self.t("import.per_day", locale), value=_clip(days, FIELD_MAX))
        sections = (
            ("import.new", [self._new_row(row, locale) for row in preview.new]),
            (
                "import.changed",
                [
                    f"{one_line(c.before.title, 80)} ({', '.join(c.fields)})"
                    for c in preview.changed
                ],
            ),
            ("import.removed", [one_line(s.title, 90) for s in preview.removed]),
        )
        for key, titles in sections:
            if titles:
                shown = "\n".join(f"• {_clip(t, 120)}" for t in titles[:10])
                if len(titles) > 10:
                    shown += "\n" + self.t("import.more", locale, count=len(titles) - 10)
                embed.add_field(
                    name=self.t(key, locale), value=_clip(shown, FIELD_MAX), inline=False
                )
        if preview.unmatched:
            people = [
                f"• {self.problem_where(where, locale)}: {_clip(one_line(names, 200), 200)}"
                for where, names in preview.unmatched[:10]
            ]
            if len(preview.unmatched) > 10:
                people.append(self.t("import.more", locale, count=len(preview.unmatched) - 10))
            embed.add_field(
                name=self.t("qa.unmatched_field", locale, count=len(preview.unmatched)),
                value=_clip("\n".join(people), FIELD_MAX),
                inline=False,
            )
        problems = preview.problems
        if problems:
            lines = []
            for problem in problems[:PROBLEMS_SHOWN]:
                icon = "❌" if problem.severity == "error" else "⚠️"
                text = self.t(problem.key, locale, **shown_params(problem.params))
                lines.append(f"{icon} {self.problem_where(problem.where, locale)}: {text}")
            if len(problems) > PROBLEMS_SHOWN:
                lines.append(self.t("import.more", locale, count=len(problems) - PROBLEMS_SHOWN))
            embed.add_field(
                name=self.t("import.problems", locale, count=len(problems)),
                value=_clip("\n".join(lines), FIELD_MAX),
                inline=False,
            )
        if not applied:
            hint = "import.fix_and_retry" if preview.has_errors else "import.confirm_hint"
            embed.set_footer(text=self.t(hint, locale))
        return embed
