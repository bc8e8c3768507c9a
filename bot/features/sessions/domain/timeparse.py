"""Parse what organizers type as a time or a duration.

Everything is read in the workshop's zone (a `ZoneInfo`, default Asia/Tokyo) unless the text
carries its own offset, and comes back as an aware UTC datetime.

Accepted times (full-width digits, colons and spaces are accepted too: the text of a time is
NFKC-normalised, which is never done to titles or other free text):

- `2026-07-01 10:00`, `2026/07/01 10:00`, `2026/7/1 10:00` (Excel's Japanese default),
  `2026-07-01T10:00` (optionally with `:ss`)
- `2026年7月1日 14:00`, `2026年7月1日14時30分`, `7月1日 14時`; a weekday in brackets after the
  date is skipped: `2026/7/1(水) 10:00`, `7/1（水）10:00`
- `07-01 10:00`, `7/1 10:00`: the year of the reference day
- `10:00`: on the reference day
- ISO 8601 with an offset: `2026-07-01T10:00:00+09:00`, `2026-07-01T01:00:00Z`

Years outside 1970-2100 are refused (`errors.time_out_of_range`) before any arithmetic, so a
`9999-12-31 23:00` can never overflow a later `+ duration`. Texts longer than `TEXT_MAX`
characters are refused before any normalisation or regular expression touches them.

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

TIME_EXAMPLES = "2026-07-01 10:00, 2026/7/1 10:00, 2026年7月1日 14:00, 07-01 10:00, 10:00"
DATE_EXAMPLES = "2026-07-01, 2026/7/1, 2026年7月1日, 7/1"
DURATION_EXAMPLES = "90, 90分, 1時間30分, 1時間半, 90m, 1h30m, 1:30"
MIN_YEAR, MAX_YEAR = 1970, 2100
TEXT_MAX = 64  # no time, date or duration is longer; longer text is refused unread

_HM = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
_FULL = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?:T|\s+)" + _HM)
_MONTH_DAY = re.compile(r"(?P<month>\d{1,2})[-/](?P<day>\d{1,2})\s+" + _HM)
_TIME_ONLY = re.compile(_HM)
_DATE_ONLY = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")
_MONTH_DAY_ONLY = re.compile(r"(?P<month>\d{1,2})[-/](?P<day>\d{1,2})")


_JA_YMD = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_JA_MD = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_JA_HM = re.compile(r"(\d{1,2})\s*時\s*(?:(\d{1,2})\s*分|半)?(?!間)")
_WEEKDAY = re.compile(
    r"\s*\(\s*(?:[月火水木金土日](?:曜日?)?|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)\s*\)\s*",
    re.IGNORECASE,
)


def _clock_of_ja(m: re.Match[str]) -> str:
    """`14時30分` -> ` 14:30`, `14時半` -> ` 14:30`, `14時` -> ` 14:00`."""
    minute = m[2] or ("30" if m[0].endswith("半") else "00")
    return f" {m[1]}:{int(minute):02d}"


def _normalise(value: str) -> str:
    """Full-width digits/colons/brackets to ASCII (NFKC), Japanese date and time words to the
    numeric forms, a weekday in brackets dropped; trimmed, inner whitespace collapsed."""
    text = unicodedata.normalize("NFKC", value)
    text = _JA_YMD.sub(lambda m: f"{m[1]}-{m[2]}-{m[3]} ", text)
    text = _JA_MD.sub(lambda m: f"{m[1]}-{m[2]} ", text)
    text = _JA_HM.sub(_clock_of_ja, text)
    text = _WEEKDAY.sub(" ", text)
    return " ".join(text.split())


def _too_long(value: str, key: str, examples: str) -> InvalidInput | None:
    if len(value) <= TEXT_MAX:
        return None
    shown = value[:20] + "…"
    return InvalidInput(key, value=shown, examples=examples)


def _check_year(year: int, value: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            "errors.time_out_of_range", value=value, year=year, min=MIN_YEAR, max=MAX_YEAR
        )


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
    _check_year(y, value)
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
    errors.time_nonexistent, errors.time_needs_date, errors.time_out_of_range).
    """
    if error := _too_long(value, "errors.time_unparseable", TIME_EXAMPLES):
        raise error
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
    _check_year(parsed.year, value)
    if parsed.tzinfo is None:
        return localize(parsed, zone, original=value)
    return parsed.astimezone(UTC)


def is_time_only(value: str) -> bool:
    """Whether `value` is a bare time of day (`10:00`, `14時`), with no date at all."""
    return len(value) <= TEXT_MAX and _TIME_ONLY.fullmatch(_normalise(value)) is not None


_MIDNIGHT = re.compile(r"\s+0?0:00(?::00)?")


def parse_date(value: str, *, now: datetime | None = None) -> date:
    """A calendar day: `2026-07-01`, `2026/7/1`, `2026年7月1日`, `7/1` or `7月1日` (the year of
    `now`, aware), optionally with a weekday in brackets, or a midnight time as spreadsheets add
    to date cells (`2026/7/1 0:00`). Raises `InvalidInput("errors.date_unparseable")` (or
    errors.time_out_of_range, errors.time_needs_date for a year-less date without `now`)."""
    if error := _too_long(value, "errors.date_unparseable", DATE_EXAMPLES):
        raise error
    text = _MIDNIGHT.sub("", _normalise(value))
    year: int | None = None
    if m := _DATE_ONLY.fullmatch(text):
        year, month, day = int(m["year"]), int(m["month"]), int(m["day"])
    elif m := _MONTH_DAY_ONLY.fullmatch(text):
        if now is None:
            raise InvalidInput("errors.time_needs_date", value=value, examples=DATE_EXAMPLES)
        month, day = int(m["month"]), int(m["day"])
    else:
        raise InvalidInput("errors.date_unparseable", value=value, examples=DATE_EXAMPLES)
    if year is None:
        assert now is not None
        year = now.year
    _check_year(year, value)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("errors.date_unparseable", value=value, examples=DATE_EXAMPLES) from None


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
    r"(?:(?P<h>\d+)\s*(?:h(?:ours?|rs?)?|時間)(?P<half>半)?)?\s*"
    r"(?:(?P<m>\d+)\s*(?:m(?:in(?:utes?|s)?)?|分間?))?"
)
_DURATION_CLOCK = re.compile(r"(?P<h>\d+):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?")


def _bad_duration(value: str | int) -> InvalidInput:
    text = str(value)
    shown = text if len(text) <= TEXT_MAX else text[:20] + "…"
    return InvalidInput("errors.duration_unparseable", value=shown, examples=DURATION_EXAMPLES)


def parse_duration(value: str | int) -> int:
    """Minutes from `90`, `90m`, `90 min`, `1h`, `1h30m`, `1h 30m`, `1:30`, `01:30:00`,
    `90分`, `90分間`, `1時間`, `1時間30分`, `1時間半` (full-width digits too).

    Only the syntax is checked here; the 5-720 minute range is a rule of `SessionDraft`. A text
    longer than `TEXT_MAX` is refused unread (no 5000-digit number is ever converted).
    Raises `InvalidInput("errors.duration_unparseable", value=..., examples=...)`.
    """
    if isinstance(value, bool):  # bool is an int; True minutes is surely a mistake
        raise _bad_duration(value)
    if isinstance(value, int):
        if value < 0:
            raise _bad_duration(value)
        return value
    if len(value) > TEXT_MAX:
        raise _bad_duration(value)
    text = " ".join(unicodedata.normalize("NFKC", value).lower().split())
    if text.isdigit():
        return int(text)
    if m := _DURATION_CLOCK.fullmatch(text):
        seconds = int(m["s"] or 0)
        return int(m["h"]) * 60 + int(m["m"]) + (1 if seconds >= 30 else 0)
    m = _DURATION_HM.fullmatch(text)
    if text and m and (m["h"] or m["m"]):
        half = 30 if m["half"] else 0
        return int(m["h"] or 0) * 60 + half + int(m["m"] or 0)
    raise _bad_duration(value)
