"""The programme as files people take elsewhere: an iCalendar (.ics) feed and a CSV that the
schedule importer reads back.

Both builders are pure (no Discord, no database): they take stored `Session`s.

iCalendar (RFC 5545, written with the `icalendar` library):
- one VEVENT per session, cancelled ones included with `STATUS:CANCELLED` so that a calendar app
  which imported an earlier copy removes them;
- `UID` is stable across exports: `<external id or session-<id>>@<guild id>.workshop-bot`;
- `SEQUENCE` grows with every change of the session (seconds from `created_at` to `updated_at`),
  so a later export supersedes an earlier one;
- times are in UTC (`DTSTART:20270701T010000Z`), which every client converts to its own zone.

CSV: the columns of the importer (`id,title,start,end,kind,track,description,location,speakers`)
plus an
informational `status`; times are `2027-07-01 09:30:00` in the workshop's zone (a form spreadsheet
apps read as dates, and the importer reads in the workshop's zone). Cancelled sessions
are left out unless asked for: re-importing a file that lists them would bring them back. Cells
are written through `CsvOut`: a title such as `=HYPERLINK(…)` or `- Lightning talks` gets a
leading `'` (bot/domain/csv_safe.py); a reader of the file takes it off with `unescape_cell`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot import __version__
from bot.core.csv_out import CsvOut, TextSink
from bot.domain.sheet_time import sheet_time
from bot.domain.text_safety import plain_line
from bot.features.sessions.domain.model import Session, SessionStatus

PRODID = f"-//workshop-bot//workshop-bot {__version__}//EN"
CALENDAR_NAME_MAX = 200  # as the `title` setting
UID_DOMAIN = "workshop-bot"

#: The CSV columns, in order. All but `status` are read by the schedule importer.
CSV_COLUMNS = (
    "id",
    "title",
    "start",
    "end",
    "kind",
    "track",
    "description",
    "location",
    "speakers",
    "status",
)

ChannelUrl = Callable[[Session], str | None]


def session_ref(session: Session) -> str:
    """The session's id in exported files: its external id, else `session-<id>`."""
    return session.external_id or f"session-{session.id}"


def session_uid(session: Session, guild_id: int) -> str:
    return f"{session_ref(session)}@{guild_id}.{UID_DOMAIN}"


def sequence_of(session: Session) -> int:
    """A number that grows whenever the session is changed (0 for one never changed)."""
    return max(0, int((session.updated_at - session.created_at).total_seconds()))


def _ordered(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (s.start, s.id))


def _event(session: Session, guild_id: int, channel: str | None, now: datetime) -> Event:
    event = Event()
    event.add("uid", session_uid(session, guild_id))
    event.add("dtstamp", now)
    event.add("created", session.created_at)
    event.add("last-modified", session.updated_at)
    event.add("sequence", sequence_of(session))
    event.add("dtstart", session.start)
    event.add("dtend", session.end)
    event.add("summary", session.title)
    lines = [session.description] if session.description else []
    if channel and session.location:
        lines.append(f"Discord: {channel}")  # the session's chat next to its external room
    if lines:
        event.add("description", "\n\n".join(lines))
    where = session.location or channel
    if where:
        event.add("location", where)
        event.add("url", where)
    event.add("categories", [session.kind.value] + ([session.track] if session.track else []))
    cancelled = session.status is SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


def calendar_title(*candidates: str | None) -> str:
    """The calendar's name: the first of `candidates` with text in it (the `title` setting, the
    title the imported schedule named, a last resort), as one plain line."""
    for candidate in candidates:
        shown = plain_line(candidate or "", CALENDAR_NAME_MAX)
        if shown:
            return shown
    raise ValueError("no calendar name: the last candidate must have text")


def schedule_ics(
    sessions: Iterable[Session],
    *,
    guild_id: int,
    calendar_name: str,
    channel_url: ChannelUrl | None = None,
    now: datetime,
    zone: ZoneInfo | None = None,
) -> bytes:
    """The programme as an iCalendar file (UTF-8 bytes), one VEVENT per session.

    `channel_url(session)` gives the session's Discord channel link when known (used as its
    LOCATION/URL when it has no external location). `now` is the DTSTAMP (aware). `zone`, when
    given, is announced as X-WR-TIMEZONE (a display hint; the times themselves are UTC).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("name", calendar_name)
    if zone is not None:
        calendar.add("x-wr-timezone", zone.key)
    for session in _ordered(sessions):
        channel = channel_url(session) if channel_url is not None else None
        calendar.add_component(_event(session, guild_id, channel, now))
    data: bytes = calendar.to_ical()
    return data


def _local_time(moment: datetime, zone: ZoneInfo) -> str:
    """`2027-07-01 09:30:00` in `zone`: Excel reads it as a date, the importer as a local time."""
    return sheet_time(moment, zone)


def csv_row(session: Session, zone: ZoneInfo) -> dict[str, str]:
    return {
        "id": session_ref(session),
        "title": session.title,
        "start": _local_time(session.start, zone),
        "end": _local_time(session.end, zone),
        "kind": session.kind.value,
        "track": session.track or "",
        "description": session.description or "",
        "location": session.location or "",
        "speakers": session.speakers or "",
        "status": session.status.value,
    }


def write_schedule_csv(
    out: TextSink,
    sessions: Iterable[Session],
    zone: ZoneInfo,
    *,
    include_cancelled: bool = False,
) -> int:
    """Write the CSV (header + one row per session, start order) to `out`; returns the row
    count. Open a file for it with `newline=""`."""
    writer = CsvOut(out, CSV_COLUMNS)
    count = 0
    for session in _ordered(sessions):
        if session.status is SessionStatus.CANCELLED and not include_cancelled:
            continue
        writer.record(csv_row(session, zone))
        count += 1
    return count


def schedule_csv(
    sessions: Iterable[Session], zone: ZoneInfo, *, include_cancelled: bool = False
) -> str:
    """The programme as CSV text that `parse_schedule("….csv", …)` reads back to the same
    drafts (with `id` as the external id)."""
    buffer = io.StringIO()
    write_schedule_csv(buffer, sessions, zone, include_cancelled=include_cancelled)
    return buffer.getvalue()
