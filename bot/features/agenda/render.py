"""The agenda's texts and embeds: my sessions (paged), reminders, change notices. Every time is a
Discord timestamp (each reader's own zone); titles are shown on one line, as typed."""

from __future__ import annotations

import math
from collections.abc import Sequence

import discord

from bot.domain.clock import to_epoch
from bot.domain.text_safety import one_line
from bot.features.agenda.domain import Change, Snapshot
from bot.features.agenda.service import AgendaItem
from bot.features.sessions.domain.model import Session
from bot.i18n import Catalog

COLOUR = discord.Colour(0xF59E0B)
PER_PAGE = 8
DESCRIPTION_MAX = 4096


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AgendaRender:
    def __init__(self, catalog: Catalog, locale: str) -> None:
        self.catalog = catalog
        self.locale = locale  # what the bot posts to channels

    def t(self, key: str, locale: str | None = None, /, **params: object) -> str:
        return self.catalog.t(f"agenda.{key}", locale or self.locale, **params)

    @staticmethod
    def where(session: Session, channel: int | None) -> str:
        if session.location:
            return session.location
        return f"<#{channel}>" if channel else ""

    # -- /agenda show ------------------------------------------------------------------------------

    def page(
        self,
        items: Sequence[AgendaItem],
        page: int,
        channels: dict[int, int],
        locale: str,
    ) -> tuple[discord.Embed, int, int]:
        pages = max(1, math.ceil(len(items) / PER_PAGE))
        page = min(max(page, 0), pages - 1)
        chunk = items[page * PER_PAGE : (page + 1) * PER_PAGE]
        embed = discord.Embed(title=self.t("show_title", locale), colour=COLOUR)
        if not chunk:
            embed.description = self.t("show_empty", locale)
        else:
            lines = [self._line(item, channels.get(item.session.id), locale) for item in chunk]
            embed.description = _clip("\n\n".join(lines), DESCRIPTION_MAX)
        embed.set_footer(
            text=self.t("show_footer", locale, page=page + 1, pages=pages, count=len(items))
        )
        return embed, page, pages

    def _line(self, item: AgendaItem, channel: int | None, locale: str) -> str:
        session = item.session
        start, end = to_epoch(session.start), to_epoch(session.end)
        flags = []
        if item.now:
            flags.append(self.t("flag_now", locale))
        if item.clash:
            flags.append(self.t("flag_clash", locale))
        head = f"`#{session.id}` **{one_line(session.title)}**"
        if flags:
            head += " · " + " · ".join(flags)
        where = self.where(session, channel) or self.t("where_unknown", locale)
        return f"{head}\n<t:{start}:F> – <t:{end}:t> (<t:{start}:R>) · {where}"

    # -- reminders ---------------------------------------------------------------------------------

    def reminder_header(self, session: Session, channel: int | None) -> str:
        return self.t(
            "reminder_header", title=one_line(session.title, 100), start=to_epoch(session.start)
        )

    def reminder_embed(self, session: Session, channel: int | None) -> discord.Embed:
        start = to_epoch(session.start)
        text = self.t(
            "reminder_body",
            title=one_line(session.title, 200),
            start=start,
            where=self.where(session, channel) or self.t("where_unknown"),
        )
        return discord.Embed(description=text, colour=COLOUR)

    def reminder_dm(self, session: Session, channel: int | None) -> str:
        link = (
            f"https://discord.com/channels/{session.guild_id}/{channel}"
            if channel and not session.location
            else session.location or ""
        )
        return self.t(
            "reminder_dm",
            title=one_line(session.title, 200),
            start=to_epoch(session.start),
            link=link or self.t("where_unknown"),
        )

    # -- change notices ----------------------------------------------------------------------------

    def _what(self, what: Sequence[Change]) -> str:
        return ", ".join(self.t(f"change.{c.value}") for c in what)

    def notice_header(self, session: Session, what: Sequence[Change]) -> str:
        return self.t("notice_header", title=one_line(session.title, 100), what=self._what(what))

    def notice_text(
        self, session: Session, before: Snapshot, what: Sequence[Change], channel: int | None
    ) -> str:
        old = f"<t:{to_epoch(before.start)}:F> – <t:{to_epoch(before.end)}:t>"
        if session.cancelled:
            return self.t("notice_cancelled", title=one_line(session.title, 200), old=old)
        new = f"<t:{to_epoch(session.start)}:F> – <t:{to_epoch(session.end)}:t>"
        text = self.t(
            "notice_body",
            title=one_line(session.title, 200),
            what=self._what(what),
            old=old,
            new=new,
            start=to_epoch(session.start),
        )
        if Change.RENAMED in what:
            text += "\n" + self.t("notice_renamed", old=one_line(before.title, 200))
        where = self.where(session, channel)
        if where:
            text += "\n" + self.t("notice_where", where=where)
        return text

    def notice_embed(
        self, session: Session, before: Snapshot, what: Sequence[Change], channel: int | None
    ) -> discord.Embed:
        return discord.Embed(
            description=self.notice_text(session, before, what, channel), colour=COLOUR
        )
