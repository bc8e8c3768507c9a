"""Which sessions should have a Discord Scheduled Event right now.

Discord allows at most 100 SCHEDULED/ACTIVE scheduled events per guild, so events are created in
a rolling window: every running session plus those starting within the next `window`, earliest
first, never more than `cap` (default 95, leaving headroom for events made by hand). The
reconciler calls this as time moves on and creates the events that are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bot.domain.sessions.model import Session, SessionDraft, SessionStatus

DISCORD_EVENT_LIMIT = 100
DEFAULT_EVENT_WINDOW = timedelta(hours=48)
DEFAULT_EVENT_CAP = 95

_NO_EVENT = (SessionStatus.CANCELLED, SessionStatus.CLOSED)


def _as_window(window: timedelta | float) -> timedelta:
    return window if isinstance(window, timedelta) else timedelta(hours=window)


def _wants_event(session: Session, now: datetime, horizon: datetime) -> bool:
    if session.status in _NO_EVENT or session.end <= now:
        return False
    return session.start <= horizon  # running (start <= now < end) or starting soon


def sessions_needing_events(
    sessions: Iterable[Session],
    now: datetime,
    window: timedelta | float = DEFAULT_EVENT_WINDOW,
    cap: int = DEFAULT_EVENT_CAP,
) -> list[Session]:
    """Running sessions and those starting within `window` (a timedelta or hours), earliest
    first (ties by id), at most `cap`. Cancelled, closed and ended sessions get none."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not 0 <= cap <= DISCORD_EVENT_LIMIT:
        raise ValueError(f"cap must be within 0..{DISCORD_EVENT_LIMIT}")
    horizon = now + _as_window(window)
    wanted = [s for s in sessions if _wants_event(s, now, horizon)]
    wanted.sort(key=lambda s: (s.start, s.id))
    return wanted[:cap]


def peak_events_in_flight(
    sessions: Sequence[SessionDraft], window: timedelta | float = DEFAULT_EVENT_WINDOW
) -> tuple[int, datetime | None]:
    """The largest number of events the window would want at once (before the cap), and when.

    Evaluated at every instant the count can grow: when a session enters the window
    (start - window) and when one starts. For `workshop-bot check` ("events in flight"); takes
    drafts from a file as well as stored sessions (cancelled/closed ones are skipped).
    """
    span = _as_window(window)
    live = [s for s in sessions if not (isinstance(s, Session) and s.status in _NO_EVENT)]
    best, when = 0, None
    for probe in sorted({t for s in live for t in (s.start - span, s.start)}):
        count = sum(1 for s in live if s.end > probe and s.start <= probe + span)
        if count > best:
            best, when = count, probe
    return best, when
