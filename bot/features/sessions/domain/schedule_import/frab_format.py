"""Pretalx / frab `schedule.json` exports.

Mapping (one event -> one session):
- `date` (ISO 8601 with offset) is the start; without it, the day's `date` + `start` read in the
  conference's own `time_zone_name` (which is also the zone reported back; an unknown zone name
  falls back to the workshop zone with a warning). `duration` is `HH:MM` (or `H:MM:SS`).
- room -> track (the place). Without a room, the event's `track` becomes the track instead.
- `type` -> kind (talk, lecture -> talk; keynote; workshop, bof, meeting, discussion -> discussion;
  panel; social, party -> social; poster), anything else -> talk (noted as a warning).
- description: `Speakers: A, B`, `Track: X` (when the room is the track), then `abstract` and
  `description` (HTML tags and common markdown stripped), then the event `url`; cut to 1000
  characters with an ellipsis and a warning.
- `guid` (else `id`) -> external id, so a re-import of a newer export updates sessions in place.
The talk page `url` is NOT used as the session's location: a location makes the session an
external (text-channel) one, which is a choice for the organizer, not the export.
- `persons` -> speakers (their public names), kept on the session and also named in the
  description as above.
Events are located as `day 2 / room Hall A / slot 10:30` (room names cut to 40 characters).

Before `json.loads` sees the text, its nesting is measured (at most `MAX_DEPTH` levels, a refusal
naming the line); numbers longer than 30 digits stay text instead of being converted, so a
5000-digit duration or id is refused at its slot like any other bad value.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain.model import (
    DESCRIPTION_MAX,
    DURATION_MAX,
    DURATION_MIN,
    SPEAKERS_MAX,
    SessionKind,
    kind_from_text,
)
from bot.features.sessions.domain.schedule_import.rows import (
    MAX_IMPORT_SESSIONS,
    ImportFormat,
    ImportResult,
    ImportRow,
    RowBuilder,
    truncate,
)
from bot.features.sessions.domain.timeparse import parse_duration, parse_time

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<\s*(br|/p|/li|/h\d)\s*/?>", re.IGNORECASE)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)\)")
_MD_MARK = re.compile(r"(\*\*|__|`+|~~)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE)
_BLANKS = re.compile(r"\n{3,}")


def plain_text(text: str) -> str:
    """Crude HTML/markdown to plain text: tags dropped, entities decoded, links `text (url)`."""
    text = _BREAK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    text = _MD_LINK.sub(lambda m: f"{m[1]} ({m[2]})" if m[1] else m[2], text)
    text = _MD_HEADING.sub("", _MD_MARK.sub("", text))
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def _number_or_float(text: str) -> float | str:
    return float(text) if len(text) <= 30 else text


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


MAX_DEPTH = 32
# A JSON string (unrolled, so a 1 MB string costs no backtracking memory) or a bracket.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def check_nesting(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit`, naming the line (strings are skipped)."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                raise InvalidInput("errors.import_json_too_deep", line=line, max=limit)
        elif token in "]}":
            depth -= 1


def _number(text: str) -> int | str:
    """A JSON integer, unless it is too long to mean anything (then its text, unconverted)."""
    return int(text) if len(text) <= 30 else text


def load_frab(text: str) -> dict[str, Any]:
    check_nesting(text)
    try:
        document = json.loads(text, parse_int=_number, parse_float=_number_or_float)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput(
            "errors.import_malformed", format="JSON", detail=str(exc)[:300]
        ) from None
    schedule = document.get("schedule") if isinstance(document, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict) or not isinstance(conference.get("days"), list):
        raise InvalidInput(
            "errors.import_malformed", format="JSON", detail="not a frab/Pretalx schedule.json"
        )
    return conference


def _events(conference: dict[str, Any]) -> list[tuple[int, dict[str, Any], str, Any]]:
    """(day index, day, room name, event) for every event, in file order."""
    found: list[tuple[int, dict[str, Any], str, Any]] = []
    for position, day in enumerate(conference["days"], start=1):
        if not isinstance(day, dict):
            continue
        raw_index = day.get("index")
        index = raw_index if isinstance(raw_index, int) else position
        rooms = day.get("rooms")
        if not isinstance(rooms, dict):
            continue
        for room, events in rooms.items():
            for event in events if isinstance(events, list) else []:
                found.append((index, day, str(room), event))
    return found


def _kind(event: dict[str, Any]) -> tuple[SessionKind, bool]:
    """The kind for the event's `type`, and whether it was recognised."""
    raw = _text(event.get("type"))[:200]
    kind = kind_from_text(raw) if raw else None
    if kind is None:
        lowered = raw.casefold()
        for word, candidate in (("keynote", SessionKind.KEYNOTE), ("panel", SessionKind.PANEL)):
            if word in lowered:
                return candidate, True
    return (kind, True) if kind is not None else (SessionKind.TALK, not raw)


def _persons(event: dict[str, Any]) -> list[str]:
    raw_persons = event.get("persons")
    persons: list[Any] = raw_persons if isinstance(raw_persons, list) else []
    names = [
        _text(p.get("public_name")) or _text(p.get("name")) or _text(p.get("full_public_name"))
        for p in persons[:50]
        if isinstance(p, dict)
    ]
    return [" ".join(n.split())[:100] for n in names if n]


def _description(event: dict[str, Any], track_in_text: str) -> str:
    parts: list[str] = []
    if names := _persons(event):
        parts.append("Speakers: " + ", ".join(names))
    if track_in_text:
        parts.append("Track: " + track_in_text)
    abstract = plain_text(_text(event.get("abstract")))
    body = plain_text(_text(event.get("description")))
    for chunk in (abstract, body if body != abstract else ""):
        if chunk:
            parts.append(chunk)
    if url := _text(event.get("url")):
        parts.append(url)
    return "\n\n".join(parts)


def parse_frab(text: str, zone: ZoneInfo, *, now: datetime | None = None) -> ImportResult:
    """Parse a frab/Pretalx schedule.json. Raises only for an unreadable file."""
    conference = load_frab(text)
    events = _events(conference)
    if len(events) > MAX_IMPORT_SESSIONS:
        raise InvalidInput("errors.import_too_many", count=len(events), max=MAX_IMPORT_SESSIONS)
    result = ImportResult(format=ImportFormat.FRAB, zone=zone)
    builder = RowBuilder(zone, result.problems, now)
    zone_name = _text(conference.get("time_zone_name"))
    if zone_name:
        try:
            result.zone = builder.zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            builder.problem("file", "import.timezone_ignored", "warning", value=zone_name[:100])
    for index, day, room, event in events:
        slot = _text(event.get("start"))[:20] if isinstance(event, dict) else ""
        where = f"day {index} / room {truncate(room, 40)} / slot {slot or '?'}"
        if not isinstance(event, dict):
            builder.problem(where, "import.not_a_mapping")
            continue
        row = _event_row(builder, where, day, room, event)
        if row is not None:
            result.rows.append(row)
    return result


def _start(
    builder: RowBuilder, where: str, day: dict[str, Any], event: dict[str, Any]
) -> datetime | None:
    try:
        if stamp := _text(event.get("date")):
            return parse_time(stamp, builder.zone)
        day_date = date.fromisoformat(_text(day.get("date")))
        return parse_time(_text(event.get("start")), builder.zone, day=day_date)
    except ValueError:
        builder.problem(where, "import.day_date_invalid", value=_text(day.get("date"))[:100])
    except InvalidInput as exc:
        builder.problem(where, exc.key, **exc.params)
    return None


def _event_row(
    builder: RowBuilder, where: str, day: dict[str, Any], room: str, event: dict[str, Any]
) -> ImportRow | None:
    start = _start(builder, where, day, event)
    try:
        minutes = parse_duration(_text(event.get("duration")))
    except InvalidInput as exc:
        builder.problem(where, exc.key, **exc.params)
        return None
    if start is None:
        return None
    if minutes > DURATION_MAX:  # refused before `start + minutes` could overflow
        builder.problem(
            where,
            "errors.duration_out_of_range",
            minutes=minutes,
            min=DURATION_MIN,
            max=DURATION_MAX,
        )
        return None
    kind, known = _kind(event)
    if not known:
        shown = truncate(_text(event.get("type")), 60)
        builder.problem(where, "import.kind_defaulted", "warning", value=shown)
    event_room = _text(event.get("room")) or room
    event_track = _text(event.get("track"))
    track = event_room or event_track
    description = _description(event, event_track if event_room else "")
    if len(description) > DESCRIPTION_MAX:
        builder.problem(
            where,
            "import.description_truncated",
            "warning",
            length=len(description),
            max=DESCRIPTION_MAX,
        )
        description = truncate(description)
    external = _text(event.get("guid")) or (
        str(event["id"]) if isinstance(event.get("id"), int | str) else None
    )
    speakers = ", ".join(_persons(event))
    return builder.make(
        where,
        title=_text(event.get("title")),
        kind=kind,
        start=start,
        end=start + timedelta(minutes=minutes),
        track=track or None,
        description=description or None,
        external_id=external or None,
        speakers=truncate(speakers, SPEAKERS_MAX) if speakers else None,
        start_text=_text(event.get("date")) or _text(event.get("start")) or None,
    )
