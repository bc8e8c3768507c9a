"""Which sessions should have a Discord Scheduled Event right now.

Attendees press *Interested* on a session's event, so every upcoming session should have one as
early as possible: running and upcoming sessions get events nearest first, as many as fit under
`cap` (default 95, leaving headroom for events made by hand; Discord allows at most 100
SCHEDULED/ACTIVE events per guild). Only a programme larger than the cap rolls: the latest
sessions get theirs when earlier ones end. An optional `window` (a horizon) keeps events only for
sessions starting that soon. The reconciler calls this as time moves on and creates the events
that are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bot.features.sessions.domain.model import Session, SessionDraft, SessionStatus

DISCORD_EVENT_LIMIT = 100
DEFAULT_EVENT_CAP = 95

_NO_EVENT = (SessionStatus.CANCELLED, SessionStatus.CLOSED)


Window = timedelta | float | None


def as_window(window: Window) -> timedelta | None:
    """A horizon as a timedelta (floats are hours); None or zero: no horizon."""
    if window is None:
        return None
    span = window if isinstance(window, timedelta) else timedelta(hours=window)
    return span if span > timedelta(0) else None


def _wants_event(session: Session, now: datetime, horizon: datetime | None) -> bool:
    if session.status in _NO_EVENT or session.end <= now:
        return False
    return horizon is None or session.start <= horizon  # running, or starting (soon)


def sessions_needing_events(
    sessions: Iterable[Session],
    now: datetime,
    window: Window = None,
    cap: int = DEFAULT_EVENT_CAP,
) -> list[Session]:
    """Running and upcoming sessions (only those starting within `window`, a timedelta or
    hours, when one is given), earliest first (ties by id), at most `cap`. Cancelled, closed and
    ended sessions get none."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not 0 <= cap <= DISCORD_EVENT_LIMIT:
        raise ValueError(f"cap must be within 0..{DISCORD_EVENT_LIMIT}")
    span = as_window(window)
    horizon = None if span is None else now + span
    wanted = [s for s in sessions if _wants_event(s, now, horizon)]
    wanted.sort(key=lambda s: (s.start, s.id))
    return wanted[:cap]


def peak_events_in_flight(
    sessions: Sequence[SessionDraft], window: Window = None
) -> tuple[int, datetime | None]:
    """The largest number of events the programme would want at once (before the cap), and
    when.

    Without a horizon that is every session, before the first one starts. With one, it is
    evaluated at every instant the count can grow: when a session enters the window
    (start - window) and when one starts. For `workshop-bot check` ("events in flight"); takes
    drafts from a file as well as stored sessions (cancelled/closed ones are skipped).
    """
    span = as_window(window)
    live = [s for s in sessions if not (isinstance(s, Session) and s.status in _NO_EVENT)]
    if span is None:
        return len(live), min((s.start for s in live), default=None)
    best, when = 0, None
    for probe in sorted({t for s in live for t in (s.start - span, s.start)}):
        count = sum(1 for s in live if s.end > probe and s.start <= probe + span)
        if count > best:
            best, when = count, probe
    return best, when
