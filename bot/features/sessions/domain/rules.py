"""Rules of the programme: where sessions may overlap, and when a session may (re)start.

A *place* is a track (or room); a session without a track is in the main place. Two sessions
conflict when they are in the same place at overlapping times; a keynote is everywhere at once,
so it conflicts with any overlapping session. Touching is fine (one ends at 10:00, the next starts
at 10:00). Cancelled sessions occupy nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bot.domain.clock import to_epoch
from bot.domain.errors import Conflict, InvalidInput
from bot.features.sessions.domain.model import Session, SessionDraft, SessionKind, SessionStatus

#: How late a "now" start may be typed: `10:00` entered at 10:00:40 still counts as now.
START_GRACE = timedelta(minutes=1)

MAIN_PLACE = ""


def place_key(track: str | None) -> str:
    """The comparable form of a track: case/width-insensitive; no track -> MAIN_PLACE."""
    if not track:
        return MAIN_PLACE
    return " ".join(unicodedata.normalize("NFKC", track).casefold().split())


def overlaps(a: SessionDraft, b: SessionDraft) -> bool:
    """Half-open intervals: [start, end). Touching (a.end == b.start) does not overlap."""
    return a.start < b.end and b.start < a.end


def same_place(a: SessionDraft, b: SessionDraft) -> bool:
    if SessionKind.KEYNOTE in (a.kind, b.kind):
        return True
    return place_key(a.track) == place_key(b.track)


def clashes(a: SessionDraft, b: SessionDraft) -> bool:
    """True when `a` and `b` cannot both happen (same place, overlapping times, none cancelled)."""
    for s in (a, b):
        if isinstance(s, Session) and s.status is SessionStatus.CANCELLED:
            return False
    return overlaps(a, b) and same_place(a, b)


def find_conflicts(
    draft: SessionDraft, existing: Iterable[Session], ignore_id: int | None = None
) -> list[Session]:
    """The sessions in `existing` that `draft` would clash with, earliest first.

    `ignore_id` is the id of the session being edited (it never clashes with itself).
    """
    found = [s for s in existing if s.id != ignore_id and clashes(draft, s)]
    return sorted(found, key=lambda s: (s.start, s.id))


def conflict_error(draft: SessionDraft, other: SessionDraft) -> Conflict:
    """`errors.session_conflict` naming the other session, its times and the shared place."""
    place = other.track if other.kind is not SessionKind.KEYNOTE else None
    return Conflict(
        "errors.session_conflict",
        title=draft.title,
        other_title=other.title,
        other_start=to_epoch(other.start),
        other_end=to_epoch(other.end),
        place=place or draft.track or "",
    )


def check_no_conflict(
    draft: SessionDraft, existing: Iterable[Session], ignore_id: int | None = None
) -> None:
    """Raise `Conflict("errors.session_conflict")` for the earliest clash, if any."""
    clashing = find_conflicts(draft, existing, ignore_id)
    if clashing:
        raise conflict_error(draft, clashing[0])


def check_not_in_past(
    draft: SessionDraft,
    now: datetime,
    *,
    current: Session | None = None,
    grace: timedelta = START_GRACE,
) -> None:
    """A new session must not start in the past (give or take `grace`).

    For an edit, pass the stored session as `current`:
    - not started yet: the new start must not be in the past either;
    - already started (running): the start is kept as it was - the draft must carry the same
      start (`errors.session_started_keep_start` otherwise) - and the new end must still be
      in the future (`errors.end_in_past`), so a running session can be extended or shortened.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if current is not None and current.start <= now:
        if draft.start != current.start:
            raise InvalidInput(
                "errors.session_started_keep_start",
                title=current.title,
                start=to_epoch(current.start),
            )
        if draft.end <= now:
            raise InvalidInput("errors.end_in_past", end=to_epoch(draft.end))
        return
    if draft.start < now - grace:
        raise InvalidInput("errors.time_in_past", start=to_epoch(draft.start))


def check_new(draft: SessionDraft, existing: Sequence[Session], now: datetime) -> None:
    """All rules for `/session create`: not in the past, no clash."""
    check_not_in_past(draft, now)
    check_no_conflict(draft, existing)


def check_edit(
    draft: SessionDraft, current: Session, existing: Sequence[Session], now: datetime
) -> None:
    """All rules for `/session edit` of `current` into `draft`."""
    if current.status in (SessionStatus.CANCELLED, SessionStatus.CLOSED):
        raise InvalidInput(
            "errors.session_not_editable", title=current.title, status=current.status.value
        )
    check_not_in_past(draft, now, current=current)
    check_no_conflict(draft, existing, ignore_id=current.id)
