"""YAML schedules.

```yaml
title: Summer camp 2026       # optional: the workshop's title (the calendar's name in .ics files)
timezone: Asia/Tokyo          # optional: the zone of the local times below (default: workshop's)
sessions:                     # sessions with full dates (optional)
  - title: Opening keynote
    start: 2026-07-01 09:30   # or 2026-07-01T09:30:00+09:00, 2026年7月1日 9:30
    end: "10:30"              # a time on the start's day, a full date-time, or instead:
    duration: 60              # minutes, 90m, 1h30m, 1:30, 90分, 1時間30分
    kind: keynote             # talk (default), keynote, discussion, panel, social, poster
    track: Hall A             # the place; omit for the main place
    description: Welcome!
    location: https://zoom.example/j/1   # external URL: the session gets a text channel
    id: kn-1                  # stable id: a re-import updates this session instead of adding one
    speakers: [Ada Lovelace, 山田花子]    # or one text: "Ada Lovelace, 山田花子"
days:                         # optional: sessions grouped by day; `start: "10:00"` is on `date`
  - date: 2026-07-02
    sessions:
      - {title: Talks A, start: "10:00", duration: 90, track: Room A}
```

Session keys may also be written with the CSV column names, Japanese ones included (`タイトル`,
`開始`, ...). Every scalar is read as text (no YAML 1.1 surprises: `10:00` is not the number 600,
`no` is not False, a date stays as written); explicit tags (`!!int`, `!!python/...`) are refused.
Sessions are located as `session 3` (top-level list) or `day 2 / session 3`.

Hostile files are refused while they are read, before anything is built from them: more than
`MAX_DEPTH` levels of nesting, more than `MAX_NODES` values counting what every alias repeats (a
"billion laughs" file of 400 bytes stops after a few thousand), an alias of a node that contains
itself. Anchors and aliases within those limits work, as do merge keys (`<<: *defaults`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.resolver import Resolver

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain.schedule_import.columns import field_of
from bot.features.sessions.domain.schedule_import.rows import (
    MAX_IMPORT_SESSIONS,
    ImportFormat,
    ImportResult,
    RowBuilder,
    clean_value,
    type_name,
)
from bot.features.sessions.domain.schedule_import.title import workshop_title
from bot.features.sessions.domain.timeparse import parse_date

_TOP_KEYS = {"timezone", "sessions", "days", "title", "workshop", "name"}
MAX_DEPTH = 16
MAX_NODES = 60_000  # 1000 sessions of a dozen keys need about 25 000


def _refuse(what: str, event: Any, **params: Any) -> InvalidInput:
    line = event.start_mark.line + 1 if getattr(event, "start_mark", None) else 0
    return InvalidInput(f"errors.import_yaml_{what}", line=line, **params)


class _LimitedComposer(Composer):  # type: ignore[misc]
    """PyYAML's composer, counting as it goes: depth, values, and what each alias repeats."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._nodes = 0
        self._sizes: dict[int, int] = {}  # id(anchored node) -> values in it, aliases expanded

    def _count(self, n: int, event: Any) -> None:
        self._nodes += n
        if self._nodes > MAX_NODES:
            raise _refuse("too_many_values", event, max=MAX_NODES)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            node = self.anchors.get(event.anchor)
            if node is not None:
                size = self._sizes.get(id(node))
                if size is None:  # the alias sits inside the node it names
                    raise _refuse("recursive_alias", event, anchor=str(event.anchor)[:40])
                self._count(size, event)
            return super().compose_node(parent, index)  # undefined alias: PyYAML's error
        event = self.peek_event()
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _refuse("too_deep", event, max=MAX_DEPTH)
        before = self._nodes
        self._count(1, event)
        node = super().compose_node(parent, index)
        if getattr(event, "anchor", None) is not None:
            self._sizes[id(node)] = self._nodes - before
        self._depth -= 1
        return node


class _TextConstructor(SafeConstructor):  # type: ignore[misc]
    """Strings, lists and mappings only: every other tag is refused."""

    yaml_constructors: ClassVar[dict[Any, Any]] = {}


_TextConstructor.add_constructor("tag:yaml.org,2002:str", SafeConstructor.construct_yaml_str)
_TextConstructor.add_constructor("tag:yaml.org,2002:seq", SafeConstructor.construct_yaml_seq)
_TextConstructor.add_constructor("tag:yaml.org,2002:map", SafeConstructor.construct_yaml_map)
_TextConstructor.add_constructor(None, SafeConstructor.construct_undefined)


class _TextResolver(Resolver):  # type: ignore[misc]
    """No implicit typing (every plain scalar is a string), except the merge key `<<`."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}


_TextResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])

try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None
if _CParser is not None:  # libyaml reads, our composer counts: fast and bounded

    class _Loader(_LimitedComposer, _CParser, _TextConstructor, _TextResolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _LimitedComposer.__init__(self)
            _TextConstructor.__init__(self)
            _TextResolver.__init__(self)

else:  # pragma: no cover - PyYAML without libyaml: its pure-Python reader, same limits

    def _py_init(self: Any, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _LimitedComposer.__init__(self)
        _TextConstructor.__init__(self)
        _TextResolver.__init__(self)

    _Loader = type(  # type: ignore[misc,assignment]
        "_Loader",
        (
            yaml.reader.Reader,
            yaml.scanner.Scanner,
            yaml.parser.Parser,
            _LimitedComposer,
            _TextConstructor,
            _TextResolver,
        ),
        {"__init__": _py_init},
    )


def load_yaml(text: str) -> Any:
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise InvalidInput(
            "errors.import_malformed", format="YAML", detail=str(exc)[:300]
        ) from None
    finally:
        loader.dispose()


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
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput("errors.timezone_unknown", value=type_name(raw))
    name = clean_value(raw)
    if not name:
        return default
    try:
        return ZoneInfo(name[:100])
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("errors.timezone_unknown", value=name[:100]) from None


def _entry_fields(builder: RowBuilder, where: str, entry: dict[Any, Any]) -> dict[str, Any]:
    """The entry's keys as fields (`タイトル` -> title); unknown keys are warned about."""
    raw: dict[str, Any] = {}
    for key, value in entry.items():
        field = field_of(key) if isinstance(key, str) else None
        if field is None or field in raw:
            builder.problem(where, "import.key_ignored", "warning", name=str(key)[:60])
            continue
        raw[field] = value
    return raw


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
            builder.problem("file", "import.key_ignored", "warning", name=str(key)[:60])
    result.title = workshop_title(document.get("title"), result.problems)

    def add(where: str, entry: Any, day: date | None) -> None:
        if not isinstance(entry, dict):
            builder.problem(where, "import.not_a_mapping")
            return
        row = builder.build(where, _entry_fields(builder, where, entry), day=day)
        if row is not None:
            result.rows.append(row)

    for number, entry in enumerate(top, start=1):
        add(f"session {number}", entry, None)
    for day_number, raw_date, sessions in grouped:
        day_where = f"day {day_number}"
        try:
            day = parse_date(clean_value(raw_date) or "")
        except (InvalidInput, TypeError):
            shown = raw_date[:100] if isinstance(raw_date, str) else type_name(raw_date)
            builder.problem(day_where, "import.day_date_invalid", value=shown)
            continue
        for number, entry in enumerate(sessions, start=1):
            add(f"{day_where} / session {number}", entry, day)
    return result
