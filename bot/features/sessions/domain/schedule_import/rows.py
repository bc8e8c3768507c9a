"""What every schedule parser produces: rows (a draft and where it came from) and problems.

Parsers never raise for a bad row: they record an `ImportProblem` (where, catalog key, params)
and go on. Only an unreadable file raises `InvalidInput` (see `reader.parse_schedule`).
A problem is an `error` (the row is not imported / the import should not be confirmed as is) or a
`warning` (imported, but with something changed or ignored, e.g. a description truncated).

Raw values are checked before anything converts them: a time, date, duration or kind longer than
`timeparse.TEXT_MAX` characters is refused as it is, and a value that is not a scalar (a YAML list
or mapping where text belongs) is named by its type, never turned into text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.domain.errors import InvalidInput
from bot.domain.limits import BOARDS_MAX, BOARDS_MIN
from bot.features.sessions.domain.model import (
    DESCRIPTION_MAX,
    DURATION_MAX,
    DURATION_MIN,
    SessionDraft,
    SessionKind,
    draft_problems,
)
from bot.features.sessions.domain.schedule_import.columns import FIELDS, Column
from bot.features.sessions.domain.schedule_import.encoding import Encoding
from bot.features.sessions.domain.timeparse import (
    TEXT_MAX,
    is_time_only,
    local_date,
    parse_date,
    parse_duration,
    parse_time,
)

MAX_IMPORT_BYTES = 1024 * 1024  # 1 MB
MAX_IMPORT_SESSIONS = 1000

#: The columns (CSV) / keys (YAML) of a session; `id` becomes the draft's external_id.
SESSION_COLUMNS = FIELDS
#: Values that are parsed (times, durations, kinds): refused unread when longer than this.
_PARSED = ("date", "start", "end", "duration", "kind", "boards")

Severity = Literal["error", "warning"]


class ImportFormat(StrEnum):
    CSV = "csv"
    YAML = "yaml"
    FRAB = "frab"  # Pretalx / frab schedule.json


@dataclass(frozen=True)
class ImportProblem:
    where: str  # "row 7", "day 2 / session 3", "day 2 / room Hall A / slot 10:30", "file"
    key: str  # message catalog key
    params: dict[str, Any] = field(default_factory=dict)
    severity: Severity = "error"


@dataclass(frozen=True)
class ImportRow:
    where: str
    draft: SessionDraft
    start_text: str | None = None  # the start as the file wrote it (for messages)
    boards: int | None = None  # a poster session's board count, when the file gives it
    chair: str | None = None  # the chair as the file names them (a username or an id)


@dataclass(frozen=True)
class FileInfo:
    """How the file was read: shown in the preview so the organizer sees what was understood."""

    encoding: Encoding
    delimiter: str | None = None  # CSV only: "," "\t" or ";"
    columns: tuple[Column, ...] = ()  # CSV only: every header and the field it was read as


@dataclass
class ImportResult:
    format: ImportFormat
    zone: ZoneInfo  # the zone the file's local times were read in
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    info: FileInfo | None = None
    title: str | None = None  # the workshop's title, when the file names one (YAML `title:`)

    @property
    def drafts(self) -> list[SessionDraft]:
        return [row.draft for row in self.rows]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def truncate(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """`text` cut to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def type_name(value: Any) -> str:
    """What a non-text value is, for a message (never its expansion: it may be an alias bomb)."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def clean_value(value: Any) -> str | None:
    """A scalar cell/value as stripped text; None for empty/null. Raises TypeError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(type_name(value))
    text = value.strip()
    return None if text in ("", "~", "null") else text


_NAME_SEPARATORS = re.compile(r"\s*[,、，;；/／\n]\s*")


def speakers_text(value: Any) -> str | None:
    """Speakers as one display text, `A, B`: from `A、B`, `A; B`, `A / B` or a list of names.
    (`・` is not a separator: it sits inside katakana names such as ジョン・スミス.)"""
    if isinstance(value, list):
        names = [clean_value(item) for item in value]
    else:
        text = clean_value(value)
        names = [] if text is None else list(_NAME_SEPARATORS.split(text))
    kept = [" ".join(name.split()) for name in names if name and name.strip()]
    return ", ".join(kept) if kept else None


class RowBuilder:
    """Turns the `SESSION_COLUMNS` of one row into an `ImportRow`, recording problems."""

    def __init__(self, zone: ZoneInfo, problems: list[ImportProblem], now: datetime | None) -> None:
        self.zone = zone
        self.problems = problems
        self.now = now

    def problem(self, where: str, key: str, severity: Severity = "error", **params: Any) -> None:
        self.problems.append(ImportProblem(where, key, params, severity))

    def _values(self, where: str, raw: Mapping[str, Any]) -> dict[str, str | None] | None:
        values: dict[str, str | None] = {}
        ok = True
        for name in SESSION_COLUMNS:
            value = raw.get(name)
            try:
                if name == "speakers":
                    values[name] = speakers_text(value)
                    continue
                values[name] = clean_value(value)
            except TypeError:
                self.problem(where, "import.value_not_text", field=name, type=type_name(value))
                ok = False
                continue
            text = values[name]
            if name in _PARSED and text is not None and len(text) > TEXT_MAX:
                self.problem(
                    where, "import.value_too_long", field=name, length=len(text), max=TEXT_MAX
                )
                ok = False
        return values if ok else None

    def _day(self, where: str, text: str | None, day: date | None) -> tuple[bool, date | None]:
        if text is None:
            return True, day
        local_now = self.now.astimezone(self.zone) if self.now is not None else None
        try:
            return True, parse_date(text, now=local_now)
        except InvalidInput as exc:
            self.problem(where, exc.key, **exc.params)
            return False, None

    def _start(self, where: str, text: str | None, day: date | None) -> datetime | None:
        if text is None:
            self.problem(where, "errors.field_missing", field="start")
            return None
        if day is None and is_time_only(text):
            # A file's bare `10:00` is a date column that went missing, not "today".
            self.problem(where, "import.start_needs_date", value=text)
            return None
        try:
            start = parse_time(text, self.zone, day=day, now=self.now)
        except InvalidInput as exc:
            self.problem(where, exc.key, **exc.params)
            return None
        if day is not None and not is_time_only(text) and local_date(start, self.zone) != day:
            self.problem(
                where, "import.date_mismatch", value=text, day=day.isoformat(), field="start"
            )
            return None
        return start

    def _end(
        self, where: str, start: datetime, end_text: str | None, duration_text: str | None
    ) -> datetime | None:
        end = minutes = None
        try:
            if end_text is not None:
                end = parse_time(end_text, self.zone, day=local_date(start, self.zone))
            if duration_text is not None:
                minutes = parse_duration(duration_text)
        except InvalidInput as exc:
            self.problem(where, exc.key, **exc.params)
            return None
        if end is None and minutes is None:
            self.problem(where, "errors.field_missing", field="end|duration")
            return None
        if end is not None and minutes is not None and end != start + timedelta(minutes=minutes):
            self.problem(
                where, "import.end_duration_mismatch", end=end_text, duration=duration_text
            )
            return None
        if end is not None:
            return end
        assert minutes is not None
        if minutes > DURATION_MAX:  # refused before `start + minutes` could overflow
            self.problem(
                where,
                "errors.duration_out_of_range",
                minutes=minutes,
                min=DURATION_MIN,
                max=DURATION_MAX,
            )
            return None
        return start + timedelta(minutes=minutes)

    def build(
        self, where: str, raw: Mapping[str, Any], *, day: date | None = None
    ) -> ImportRow | None:
        values = self._values(where, raw)
        if values is None:
            return None
        ok, day = self._day(where, values["date"], day)
        if not ok:
            return None
        start = self._start(where, values["start"], day)
        end = None if start is None else self._end(where, start, values["end"], values["duration"])
        if start is None or end is None:
            return None
        description = values["description"]
        if description is not None:
            description = description.replace("\r\n", "\n").replace("\r", "\n")
        if description is not None and len(description) > DESCRIPTION_MAX:
            self.problem(
                where,
                "import.description_truncated",
                "warning",
                length=len(description),
                max=DESCRIPTION_MAX,
            )
            description = truncate(description)
        boards = self._boards(where, values["boards"])
        if boards is False:
            return None
        row = self.make(
            where,
            start_text=values["start"],
            title=values["title"] or "",
            kind=values["kind"] or "talk",
            start=start,
            end=end,
            track=values["track"],
            description=description,
            location=values["location"],
            external_id=values["id"],
            speakers=values["speakers"],
        )
        if row is None:
            return None
        if values["chair"] is not None:
            row = replace(row, chair=" ".join(values["chair"].split())[:100])
        if row.draft.kind is not SessionKind.POSTER:
            if boards is not None:
                self.problem(where, "import.boards_not_poster", "warning")
            return row
        return row if boards is None else replace(row, boards=boards)

    def _boards(self, where: str, text: str | None) -> int | Literal[False] | None:
        """A poster session's board count (BOARDS_MIN..BOARDS_MAX); False after a problem."""
        if text is None:
            return None
        digits = unicodedata.normalize("NFKC", text).strip()
        if not digits.isdigit() or not BOARDS_MIN <= int(digits) <= BOARDS_MAX:
            self.problem(
                where, "import.bad_boards", value=text[:20], min=BOARDS_MIN, max=BOARDS_MAX
            )
            return False
        return int(digits)

    def make(self, where: str, *, start_text: str | None = None, **fields: Any) -> ImportRow | None:
        """Validate the draft fields; record each failure as a problem of `where`."""
        try:
            return ImportRow(where, SessionDraft(**fields), start_text)
        except ValidationError as exc:
            for key, params in draft_problems(exc):
                self.problem(where, key, **params)
            return None
