"""The columns of a schedule (CSV/TSV headers, YAML session keys), in English and Japanese.

A header is matched after NFKC (full-width letters and brackets to ASCII), case folding and
dropping spaces, brackets, `_`, `-`, `・`, `.` and `:`: `Start time`, `start_time`, `開始時刻`,
`時間（分）` and `Duration (min)` all find their field. Only headers are normalised this way,
never the cells' text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: field -> the header names accepted for it (the first one of each language is the documented
#: one). `id` becomes the draft's external id; `date` is a separate day for `start`/`end`.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": (
        "title", "name", "session", "session title", "talk title",
        "タイトル", "題目", "演題", "セッション名", "セッション", "名称", "名前", "講演タイトル",
        "発表タイトル",
    ),
    "date": ("date", "day", "日付", "開催日", "年月日", "日"),
    "start": (
        "start", "start time", "starts", "begin", "begins", "from",
        "開始", "開始時刻", "開始時間", "開始日時", "日時",
    ),
    "end": ("end", "end time", "ends", "until", "to", "終了", "終了時刻", "終了時間", "終了日時"),
    "duration": (
        "duration", "duration (min)", "duration (minutes)", "length", "minutes", "min",
        "時間(分)", "所要時間", "所要時間(分)", "長さ", "長さ(分)", "分数", "分",
    ),
    "kind": ("kind", "type", "format", "種別", "種類", "形式", "区分"),
    "track": ("track", "room", "トラック", "会場", "部屋", "ルーム"),
    "description": (
        "description", "abstract", "summary", "details",
        "説明", "概要", "内容", "詳細", "要旨",
    ),
    "location": ("location", "url", "link", "zoom", "場所", "URL", "リンク", "配信URL"),
    "id": ("id", "uid", "ID", "識別子"),
    "speakers": (
        "speakers", "speaker", "presenters", "presenter", "persons",
        "登壇者", "発表者", "講演者", "スピーカー", "演者",
    ),
    "chair": ("chair", "moderator", "host", "座長", "司会", "司会者", "モデレーター"),
    "boards": ("boards", "board count", "poster boards", "ボード数", "ボード", "ポスター数"),
}  # fmt: skip

FIELDS: tuple[str, ...] = tuple(ALIASES)
REQUIRED = ("title", "start")  # and `end` or `duration`
MAX_COLUMNS = 40

# Written by `workshop-bot export schedule --format csv`; read back without a warning.
EXPORT_ONLY = frozenset({"status"})

_DROP = re.compile(r"[\s()\[\]{}_\-・.:：]+")


def header_key(header: str) -> str:
    """A header as it is compared: NFKC, case-folded, no spaces/brackets/separators."""
    return _DROP.sub("", unicodedata.normalize("NFKC", header).casefold())


_BY_KEY: dict[str, str] = {
    header_key(name): field for field, names in ALIASES.items() for name in names
}


def field_of(header: str) -> str | None:
    """The field a header names, or None for a column the importer does not use."""
    return _BY_KEY.get(header_key(header))


def accepted_names(field: str) -> str:
    """The names accepted for `field`, for messages: `title, name, …, タイトル, 題目, …`."""
    return ", ".join(ALIASES[field])


@dataclass(frozen=True)
class Column:
    """One header of the file and the field it was recognised as (None: not used)."""

    header: str
    field: str | None


def recognise(headers: list[str]) -> tuple[list[Column], list[tuple[str, str, str]]]:
    """The columns, and (field, first header, repeated header) for each field named twice."""
    columns: list[Column] = []
    seen: dict[str, str] = {}
    repeated: list[tuple[str, str, str]] = []
    for header in headers:
        field = field_of(header) if header else None
        if field is not None and field in seen:
            repeated.append((field, seen[field], header))
            field = None
        elif field is not None:
            seen[field] = header
        columns.append(Column(header, field))
    return columns, repeated


def missing_fields(fields: set[str]) -> list[str]:
    """The required fields not among `fields` (`end|duration` when neither is there)."""
    missing = [field for field in REQUIRED if field not in fields]
    if "end" not in fields and "duration" not in fields:
        missing.append("end|duration")
    return missing


def describe_missing(missing: list[str]) -> str:
    """`start (start, start time, …, 開始, …); end or duration (end, …; duration, …)`."""
    parts = []
    for item in missing:
        fields = item.split("|")
        names = "; ".join(accepted_names(f) for f in fields)
        parts.append(f"{' or '.join(fields)} ({names})")
    return "; ".join(parts)
