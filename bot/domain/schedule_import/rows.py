"""What every schedule parser produces: rows (a draft and where it came from) and problems.

Parsers never raise for a bad row: they record an `ImportProblem` (where, catalog key, params)
and go on. Only an unreadable file raises `InvalidInput` (see `reader.parse_schedule`).
A problem is an `error` (the row is not imported / the import should not be confirmed as is) or a
`warning` (imported, but with something changed or ignored, e.g. a description truncated).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.domain.errors import InvalidInput
from bot.domain.sessions.model import DESCRIPTION_MAX, SessionDraft, draft_problems
from bot.domain.sessions.timeparse import local_date, parse_duration, parse_time

MAX_IMPORT_BYTES = 1024 * 1024  # 1 MB
MAX_IMPORT_SESSIONS = 1000

#: The columns (CSV) / keys (YAML) of a session; `id` becomes the draft's external_id.
SESSION_COLUMNS = (
    "title",
    "start",
    "end",
    "duration",
    "kind",
    "track",
    "description",
    "location",
    "id",
)

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


@dataclass
class ImportResult:
    format: ImportFormat
    zone: ZoneInfo  # the zone the file's local times were read in
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def drafts(self) -> list[SessionDraft]:
        return [row.draft for row in self.rows]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def truncate(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """`text` cut to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_value(value: Any) -> str | None:
    """A scalar cell/value as stripped text; None for empty/null."""
    if value is None:
        return None
    if isinstance(value, bool | int | float):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(type(value).__name__)
    text = value.strip()
    return None if text in ("", "~", "null") else text


class RowBuilder:
    """Turns the `SESSION_COLUMNS` of one row into an `ImportRow`, recording problems."""

    def __init__(self, zone: ZoneInfo, problems: list[ImportProblem], now: datetime | None) -> None:
        self.zone = zone
        self.problems = problems
        self.now = now

    def problem(self, where: str, key: str, severity: Severity = "error", **params: Any) -> None:
        self.problems.append(ImportProblem(where, key, params, severity))

    def _start(self, where: str, text: str | None, day: date | None) -> datetime | None:
        if text is None:
            self.problem(where, "errors.field_missing", field="start")
            return None
        try:
            return parse_time(text, self.zone, day=day, now=self.now)
        except InvalidInput as exc:
            self.problem(where, exc.key, **exc.params)
            return None

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
        return end if end is not None else start + timedelta(minutes=minutes or 0)

    def build(
        self, where: str, raw: Mapping[str, Any], *, day: date | None = None
    ) -> ImportRow | None:
        values: dict[str, str | None] = {}
        for name in SESSION_COLUMNS:
            try:
                values[name] = clean_value(raw.get(name))
            except TypeError:
                self.problem(
                    where, "errors.field_invalid", field=name, value=str(raw.get(name))[:100]
                )
                return None
        start = self._start(where, values["start"], day)
        end = None if start is None else self._end(where, start, values["end"], values["duration"])
        if start is None or end is None:
            return None
        description = values["description"]
        if description is not None and len(description) > DESCRIPTION_MAX:
            self.problem(
                where,
                "import.description_truncated",
                "warning",
                length=len(description),
                max=DESCRIPTION_MAX,
            )
            description = truncate(description)
        return self.make(
            where,
            title=values["title"] or "",
            kind=values["kind"] or "talk",
            start=start,
            end=end,
            track=values["track"],
            description=description,
            location=values["location"],
            external_id=values["id"],
        )

    def make(self, where: str, **fields: Any) -> ImportRow | None:
        """Validate the draft fields; record each failure as a problem of `where`."""
        try:
            return ImportRow(where, SessionDraft(**fields))
        except ValidationError as exc:
            for key, params in draft_problems(exc):
                self.problem(where, key, **params)
            return None
