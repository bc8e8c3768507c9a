"""Small builders for session tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.features.sessions.domain import Session, SessionDraft, SessionKind, SessionStatus

TOKYO = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo, a Wednesday


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    """Tokyo wall-clock on July `day` 2026, as aware UTC."""
    return datetime(2026, 7, day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


def draft(
    title: str = "Talk",
    start: datetime = T0,
    minutes: int = 60,
    kind: SessionKind = SessionKind.TALK,
    **fields: Any,
) -> SessionDraft:
    return SessionDraft(
        title=title, kind=kind, start=start, end=start + timedelta(minutes=minutes), **fields
    )


_next_id = iter(range(1, 1_000_000))


def session(
    title: str = "Talk",
    start: datetime = T0,
    minutes: int = 60,
    kind: SessionKind = SessionKind.TALK,
    *,
    id: int | None = None,
    status: SessionStatus = SessionStatus.SCHEDULED,
    **fields: Any,
) -> Session:
    values: dict[str, Any] = {
        "id": id if id is not None else next(_next_id),
        "guild_id": 42,
        "status": status,
        "created_at": T0 - timedelta(days=10),
        "updated_at": T0 - timedelta(days=10),
        "title": title,
        "kind": kind,
        "start": start,
        "end": start + timedelta(minutes=minutes),
    }
    return Session(**{**values, **fields})
