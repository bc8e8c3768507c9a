"""Texts the bot posts on its own (reminders, announcements, event names and descriptions), in the
workshop's locale. Times are Discord timestamps, which every reader sees in their own zone.
Titles are shown on one line as typed and descriptions without headings or masked links
(bot/domain/text_safety.py): a title from an imported file cannot style or forge a line of
#announcements, nor an event description disguise a link."""

from __future__ import annotations

from bot.domain.clock import to_epoch
from bot.domain.text_safety import body, one_line
from bot.features.sessions.domain.model import Session
from bot.i18n import Catalog

EVENT_DESCRIPTION_MAX = 1000
TOPIC_MAX = 1024


class SessionTexts:
    def __init__(self, catalog: Catalog, locale: str) -> None:
        self._catalog = catalog
        self._locale = locale

    def _t(self, key: str, **params: object) -> str:
        return self._catalog.t(key, self._locale, **params)

    def kind(self, session: Session) -> str:
        return self._t(f"sessions.kind.{session.kind.value}")

    def where(self, session: Session, channel_id: int | None) -> str:
        if session.location:
            return session.location
        if channel_id is not None:
            return f"<#{channel_id}>"
        return self._t("sessions.where_unknown")

    def reminder(self, session: Session, channel_id: int | None) -> str:
        return self._t(
            "sessions.reminder",
            title=one_line(session.title),
            kind=self.kind(session),
            start=to_epoch(session.start),
            where=self.where(session, channel_id),
        )

    def reminder_marker(self, session: Session) -> str:
        return self._t("sessions.reminder_marker", id=session.id)

    def cancelled(self, session: Session) -> str:
        return self._t(
            "sessions.cancelled_notice",
            title=one_line(session.title),
            start=to_epoch(session.start),
        )

    def event_description(self, session: Session) -> str | None:
        parts = [session.description or "", session.location or ""]
        text = "\n\n".join(p for p in parts if p).strip()
        return body(text, EVENT_DESCRIPTION_MAX) or None
