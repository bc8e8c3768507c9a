"""YAML schedules.

```yaml
timezone: Asia/Tokyo          # optional: the zone of the local times below (default: workshop's)
sessions:                     # sessions with full dates (optional)
  - title: Opening keynote
    start: 2026-07-01 09:30   # or 2026-07-01T09:30:00+09:00
    end: "10:30"              # a time on the start's day, a full date-time, or instead:
    duration: 60              # minutes, 90m, 1h30m, 1:30
    kind: keynote             # talk (default), keynote, discussion, panel, social, poster
    track: Hall A             # the place; omit for the main place
    description: Welcome!
    location: https://zoom.example/j/1   # external URL: the session gets a text channel
    id: kn-1                  # stable id: a re-import updates this session instead of adding one
days:                         # optional: sessions grouped by day; `start: "10:00"` is on `date`
  - date: 2026-07-02
    sessions:
      - {title: Talks A, start: "10:00", duration: 90, track: Room A}
```

Every scalar is read as text (no YAML 1.1 surprises: `10:00` is not the number 600, `no` is not
False, a date stays as written). Sessions are located as `session 3` (top-level list) or
`day 2 / session 3`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.domain.errors import InvalidInput
from bot.domain.schedule_import.rows import (
    MAX_IMPORT_SESSIONS,
    SESSION_COLUMNS,
    ImportFormat,
    ImportResult,
    RowBuilder,
    clean_value,
)

_TOP_KEYS = {"timezone", "sessions", "days", "title", "workshop", "name"}


# SafeLoader without implicit typing: every plain scalar is a string.
_TextLoader = type("_TextLoader", (yaml.SafeLoader,), {"yaml_implicit_resolvers": {}})


def load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_TextLoader)  # safe: a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise InvalidInput(
            "errors.import_malformed", format="YAML", detail=str(exc)[:300]
        ) from None


def looks_like_schedule(document: Any) -> bool:
    return isinstance(document, dict) and ("sessions" in document or "days" in document)


def _list(document: dict[str, Any], key: str, where: str) -> list[Any]:
    value = document.get(key)
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        raise InvalidInput(
            "errors.import_malformed", format="YAML", detail=f"{where}{key}: not a list"
        )
    return value


def _zone(document: dict[str, Any], default: ZoneInfo) -> ZoneInfo:
    raw = document.get("timezone")
    name = clean_value(raw) if isinstance(raw, str) else None
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput("errors.timezone_unknown", value=str(raw)[:100])
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("errors.timezone_unknown", value=name) from None


def parse_yaml(text: str, zone: ZoneInfo, *, now: datetime | None = None) -> ImportResult:
    """Parse a YAML schedule (structure in the module doc). Raises only for an unreadable file."""
    document = load_yaml(text)
    if not looks_like_schedule(document):
        raise InvalidInput(
            "errors.import_malformed", format="YAML", detail="expected `sessions:` or `days:`"
        )
    zone = _zone(document, zone)
    top = _list(document, "sessions", "")
    days = _list(document, "days", "")
    grouped: list[tuple[int, Any, list[Any]]] = []
    for number, entry in enumerate(days, start=1):
        if not isinstance(entry, dict):
            raise InvalidInput(
                "errors.import_malformed", format="YAML", detail=f"days[{number}]: not a mapping"
            )
        grouped.append((number, entry.get("date"), _list(entry, "sessions", f"days[{number}].")))
    total = len(top) + sum(len(sessions) for _, _, sessions in grouped)
    if total > MAX_IMPORT_SESSIONS:
        raise InvalidInput("errors.import_too_many", count=total, max=MAX_IMPORT_SESSIONS)

    result = ImportResult(format=ImportFormat.YAML, zone=zone)
    builder = RowBuilder(zone, result.problems, now)
    for key in document:
        if key not in _TOP_KEYS:
            builder.problem("file", "import.key_ignored", "warning", name=str(key))

    def add(where: str, entry: Any, day: date | None) -> None:
        if not isinstance(entry, dict):
            builder.problem(where, "import.not_a_mapping")
            return
        for key in entry:
            if key not in SESSION_COLUMNS:
                builder.problem(where, "import.key_ignored", "warning", name=str(key))
        row = builder.build(where, entry, day=day)
        if row is not None:
            result.rows.append(row)

    for number, entry in enumerate(top, start=1):
        add(f"session {number}", entry, None)
    for day_number, raw_date, sessions in grouped:
        day_where = f"day {day_number}"
        try:
            day = date.fromisoformat(clean_value(raw_date) or "")
        except (ValueError, TypeError):
            builder.problem(day_where, "import.day_date_invalid", value=str(raw_date)[:100])
            continue
        for number, entry in enumerate(sessions, start=1):
            add(f"{day_where} / session {number}", entry, day)
    return result
