"""Parse what organizers type as a time or a duration.

Everything is read in the workshop's zone (a `ZoneInfo`, default Asia/Tokyo) unless the text
carries its own offset, and comes back as an aware UTC datetime.

Accepted times (full-width digits and colons are accepted too, they are NFKC-normalised):

- `2026-07-01 10:00`, `2026/07/01 10:00`, `2026-07-01T10:00` (optionally with `:ss`)
- `07-01 10:00`, `7/1 10:00`: the year of the reference day
- `10:00`: on the reference day
- ISO 8601 with an offset: `2026-07-01T10:00:00+09:00`, `2026-07-01T01:00:00Z`

The reference day is the event's day when the caller passes one (`day=`), else today in the
workshop zone (from `now=`). A form that needs a reference when neither is given is refused.

Daylight saving time:
- a local time that does not exist (the spring-forward gap, e.g. 02:30 on the night clocks jump
  from 02:00 to 03:00) is refused with `errors.time_nonexistent`;
- a local time that happens twice (the fall-back overlap) means its FIRST occurrence (`fold=0`,
  the earlier instant, still on summer time).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput

DEFAULT_ZONE = ZoneInfo("Asia/Tokyo")

TIME_EXAMPLES = "2026-07-01 10:00, 07-01 10:00, 10:00, 2026-07-01T10:00:00+09:00"
DURATION_EXAMPLES = "90, 90m, 1h30m, 1:30"

_HM = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
_FULL = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?:T|\s+)" + _HM)
_MONTH_DAY = re.compile(r"(?P<month>\d{1,2})[-/](?P<day>\d{1,2})\s+" + _HM)
_TIME_ONLY = re.compile(_HM)
_DATE_ONLY = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")


def _normalise(value: str) -> str:
    """Full-width digits/colons to ASCII, trimmed, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def _unparseable(value: str) -> InvalidInput:
    return InvalidInput("errors.time_unparseable", value=value, examples=TIME_EXAMPLES)


def localize(naive: datetime, zone: ZoneInfo, *, original: str | None = None) -> datetime:
    """Attach `zone` to a naive wall-clock time and convert to UTC.

    Refuses wall-clock times that do not exist in `zone` (DST gap); takes the first occurrence
    (fold=0) of ambiguous ones (DST overlap).
    """
    if naive.tzinfo is not None:
        raise ValueError("localize() expects a naive wall-clock datetime")
    local = naive.replace(tzinfo=zone, fold=0)
    as_utc = local.astimezone(UTC)
    # A time in the gap does not survive the round trip: it comes back shifted by the jump.
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        raise InvalidInput(
            "errors.time_nonexistent",
            value=original if original is not None else naive.isoformat(sep=" "),
            zone=zone.key,
        )
    return as_utc


def _reference_day(zone: ZoneInfo, day: date | None, now: datetime | None, value: str) -> date:
    if day is not None:
        return day
    if now is not None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        return now.astimezone(zone).date()
    raise InvalidInput("errors.time_needs_date", value=value, examples=TIME_EXAMPLES)


def _build(value: str, zone: ZoneInfo, y: int, mo: int, d: int, m: re.Match[str]) -> datetime:
    try:
        naive = datetime(  # noqa: DTZ001 - a wall-clock time, made aware by localize()
            y, mo, d, int(m["hour"]), int(m["minute"]), int(m["second"] or 0)
        )
    except ValueError:
        raise _unparseable(value) from None
    return localize(naive, zone, original=value)


def parse_time(
    value: str,
    zone: ZoneInfo = DEFAULT_ZONE,
    *,
    day: date | None = None,
    now: datetime | None = None,
) -> datetime:
    """Parse `value` (see the module doc) into an aware UTC datetime.

    `day` is the reference day in `zone` (the event's day), `now` an aware instant whose date in
    `zone` is used when `day` is None. Raises `InvalidInput` (errors.time_unparseable,
    errors.time_nonexistent, errors.time_needs_date).
    """
    text = _normalise(value)
    if not text:
        raise _unparseable(value)
    if m := _FULL.fullmatch(text):
        return _build(value, zone, int(m["year"]), int(m["month"]), int(m["day"]), m)
    if m := _MONTH_DAY.fullmatch(text):
        ref = _reference_day(zone, day, now, value)
        return _build(value, zone, ref.year, int(m["month"]), int(m["day"]), m)
    if m := _TIME_ONLY.fullmatch(text):
        ref = _reference_day(zone, day, now, value)
        return _build(value, zone, ref.year, ref.month, ref.day, m)
    if _DATE_ONLY.fullmatch(text):
        # A bare date is almost always a forgotten time: say so rather than assume midnight.
        raise _unparseable(value)
    iso = text.replace(" ", "T", 1) if "T" not in text else text
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise _unparseable(value) from None
    if parsed.tzinfo is None:
        return localize(parsed, zone, original=value)
    return parsed.astimezone(UTC)


def combine_local(local_day: date, wall: time, zone: ZoneInfo) -> datetime:
    """A wall-clock `wall` on `local_day` in `zone`, as aware UTC (same DST rules as above)."""
    naive = datetime.combine(local_day, wall.replace(tzinfo=None))
    return localize(naive, zone)


def local_date(when: datetime, zone: ZoneInfo) -> date:
    """The calendar day of an aware instant in `zone`."""
    if when.tzinfo is None:
        raise ValueError("aware datetime required")
    return when.astimezone(zone).date()


_DURATION_HM = re.compile(
    r"(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*m(?:in(?:utes?|s)?)?)?"
)
_DURATION_CLOCK = re.compile(r"(?P<h>\d+):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?")


def parse_duration(value: str | int) -> int:
    """Minutes from `90`, `90m`, `90 min`, `1h`, `1h30m`, `1h 30m`, `1:30` or `01:30:00`.

    Only the syntax is checked here; the 5-720 minute range is a rule of `SessionDraft`.
    Raises `InvalidInput("errors.duration_unparseable", value=..., examples=...)`.
    """
    if isinstance(value, bool):  # bool is an int; True minutes is surely a mistake
        raise InvalidInput(
            "errors.duration_unparseable", value=str(value), examples=DURATION_EXAMPLES
        )
    if isinstance(value, int):
        if value < 0:
            raise InvalidInput(
                "errors.duration_unparseable", value=str(value), examples=DURATION_EXAMPLES
            )
        return value
    text = _normalise(value).lower()
    if text.isdigit():
        return int(text)
    if m := _DURATION_CLOCK.fullmatch(text):
        seconds = int(m["s"] or 0)
        return int(m["h"]) * 60 + int(m["m"]) + (1 if seconds >= 30 else 0)
    m = _DURATION_HM.fullmatch(text)
    if text and m and (m["h"] or m["m"]):
        return int(m["h"] or 0) * 60 + int(m["m"] or 0)
    raise InvalidInput("errors.duration_unparseable", value=value, examples=DURATION_EXAMPLES)
