"""`workshop-bot check FILE`: the report of `schedule_check.check_schedule` as terminal text, in
the workshop's locale (keys `cli.check.*`): how the file was read, sessions per day, channels per
category, Scheduled Events in flight, conflicts, broken limits, the other errors and the warnings,
and a closing line whose counts the sections add up to. Times are shown in the workshop zone."""

from __future__ import annotations

import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.limits import CHANNELS_PER_CATEGORY, CHANNELS_PER_GUILD
from bot.domain.text_safety import plain_line
from bot.features.sessions.check import (
    CONFLICT_KEY,
    CheckProblem,
    CheckReport,
    local_text,
    plural_form,
    where_text,
)
from bot.features.sessions.domain.events_window import DISCORD_EVENT_LIMIT
from bot.features.sessions.domain.layout import ChannelKind
from bot.features.sessions.domain.model import SessionDraft
from bot.features.sessions.domain.schedule_import import FileInfo
from bot.features.sessions.domain.timeparse import local_date
from bot.i18n import Catalog

_KIND_ORDER = (ChannelKind.STAGE, ChannelKind.VOICE, ChannelKind.TEXT, ChannelKind.FORUM)
_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}
_COUNT_WIDTH = 12  # "15 sessions" and its like, right-aligned in the day lines


def width(text: str) -> int:
    """How many terminal columns `text` takes (a Japanese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad_left(text: str, columns: int) -> str:
    return " " * max(columns - width(text), 0) + text


def _pad_right(text: str, columns: int) -> str:
    return text + " " * max(columns - width(text), 0)


class _Words:
    """The report's words in one locale."""

    def __init__(self, catalog: Catalog, locale: str) -> None:
        self.catalog = catalog
        self.locale = locale

    def __call__(self, key: str, /, **params: Any) -> str:
        return self.catalog.t(f"cli.check.{key}", self.locale, **params)

    def count(self, noun: str, count: int) -> str:
        """`1 session`, `2 sessions`, `セッション 2 件`."""
        return self(f"count.{noun}.{plural_form(count, self.locale)}", count=count)

    def kinds(self, counts: dict[ChannelKind, int]) -> str:
        parts = [
            self("kind_count", count=counts[k], kind=self(f"kind.{k.value}"))
            for k in _KIND_ORDER
            if counts.get(k)
        ]
        return self("list_sep").join(parts) if parts else self("none")

    def problem(self, problem: CheckProblem) -> str:
        where = where_text(problem.where, self.catalog, self.locale)
        message = problem.message.strip().replace("\n", "\n      ")  # keep a detail indented
        return f"  {where}{self('sep')}{message}"


def _span(sessions: list[SessionDraft], zone: ZoneInfo) -> str:
    first = min(s.start for s in sessions)
    last = max(s.end for s in sessions)
    end_fmt = "%H:%M" if local_date(last, zone) == local_date(first, zone) else "%m-%d %H:%M"
    return f"{local_text(first, zone, '%H:%M')}–{local_text(last, zone, end_fmt)}"


def _file_lines(info: FileInfo, w: _Words) -> list[str]:
    """How the file was read: its encoding, separator and the columns recognised."""

    def t(key: str) -> str:
        return w.catalog.t(key, w.locale)

    read = t(f"import.encoding.{info.encoding.value}")
    if info.delimiter is not None:
        name = _DELIMITERS.get(info.delimiter, "comma")
        read += w("list_sep") + t(f"import.delimiter.{name}")
    lines = ["  " + w("read_as", how=read)]
    if info.columns:
        parts = [
            f"{plain_line(c.header, 60)} → "
            + (t(f"import.field.{c.field}") if c.field else t("import.column_unused"))
            for c in info.columns
            if c.header
        ]
        lines.append("  " + w("columns", columns=w("list_sep").join(parts)))
    return lines


def _layout_lines(report: CheckReport, w: _Words) -> list[str]:
    """Sessions per day, channels per category and Scheduled Events in flight."""
    zone, layout = report.zone, report.layout
    assert layout is not None
    weekdays = w("weekdays").split()
    lines = ["", w("per_day", zone=zone.key)]
    for day_plan in layout.days:
        day = day_plan.day
        drafts = [ch.session for cat in day_plan.categories for ch in cat.channels]
        weekday = weekdays[day.date.weekday()] if len(weekdays) == 7 else day.date.strftime("%a")
        label = w("day", number=day.number, date=day.date.isoformat(), weekday=weekday)
        count = _pad_left(w.count("session", day_plan.session_count), _COUNT_WIDTH)
        lines.append(f"  {label}  {count}  {_span(drafts, zone)}")

    lines += ["", w("per_category", locale=report.locale)]
    kind_names = {kind: w(f"kind.{kind.value}") for kind in _KIND_ORDER}
    kind_width = max(width(name) for name in kind_names.values())
    for day_plan in layout.days:
        for category in day_plan.categories:
            counts: dict[ChannelKind, int] = {}
            for channel in category.channels:
                counts[channel.kind] = counts.get(channel.kind, 0) + 1
            used = len(category.channels)
            lines.append(
                "  "
                + w(
                    "category",
                    name=category.name,
                    used=used,
                    limit=CHANNELS_PER_CATEGORY,
                    kinds=w.kinds(counts),
                )
            )
            for channel in category.channels:
                session = channel.session
                track = f"  [{plain_line(session.track, 100)}]" if session.track else ""
                lines.append(
                    f"    {local_text(session.start, zone, '%H:%M')}–"
                    f"{local_text(session.end, zone, '%H:%M')}  "
                    f"{_pad_right(kind_names[channel.kind], kind_width)}  {channel.name}{track}"
                )
    lines.append(
        "  "
        + w(
            "total",
            categories=w.count("category", layout.category_count),
            channels=w.count("session_channel", layout.channel_count),
            kinds=w.kinds(layout.count_by_kind()),
            base=w.count("base_channel", report.base_channels),
            total=report.guild_channels,
            limit=CHANNELS_PER_GUILD,
        )
    )

    window = (
        w("window_hours", hours=report.window_hours) if report.window_hours else w("window_all")
    )
    lines += ["", w("events", window=window, cap=report.cap, limit=DISCORD_EVENT_LIMIT)]
    when = (
        w("peak_from", time=local_text(report.events_peak_at, zone))
        if report.events_peak_at is not None
        else ""
    )
    verdict = w("within_cap") if report.events_peak <= report.cap else w("over_cap")
    lines.append("  " + w("peak", count=report.events_peak, when=when, verdict=verdict))
    return lines


def _error_parts(report: CheckReport, others: int, w: _Words) -> str:
    """` (2 conflicts, 1 other)`: how the error count adds up, when it has several parts."""
    parts = [
        (len(report.conflicts), "conflict"),
        (len(report.broken_limits), "limit"),
        (others, "other"),
    ]
    shown = [w.count(noun, n) for n, noun in parts if n]
    return w("summary_parts", parts=w("list_sep").join(shown)) if len(shown) > 1 else ""


def render_report(report: CheckReport, catalog: Catalog | None = None) -> str:
    """The plan as plain text for the terminal, in the report's locale."""
    catalog = catalog or Catalog.load()
    w = _Words(catalog, report.locale)
    zone = report.zone
    lines: list[str] = []
    if report.format is None:
        lines.append(w("unreadable", file=report.filename))
    else:
        file_zone = report.file_zone.key if report.file_zone else zone.key
        lines.append(
            w(
                "heading",
                file=report.filename,
                format=report.format.value.upper(),
                sessions=w.count("session", len(report.sessions)),
                file_zone=file_zone,
                zone=zone.key,
            )
        )
        if report.title is not None:
            lines.append("  " + w("title", title=plain_line(report.title, 200)))
        if report.info is not None:
            lines += _file_lines(report.info, w)

    if report.layout is not None and report.layout.days:
        lines += _layout_lines(report, w)

    if report.format is not None:
        conflicts = report.conflicts
        heading = w("conflicts", count=len(conflicts)) if conflicts else w("conflicts_none")
        lines += ["", heading]
        lines += [w.problem(p) for p in conflicts]

        broken = report.broken_limits
        heading = w("limits_broken", count=len(broken)) if broken else w("limits_broken_none")
        lines += ["", heading]
        lines += [f"  {f.message}" for f in broken]
        notes = [f for f in report.limits if f.level == "note"]
        if notes:
            lines += ["", w("notes")]
            lines += [f"  {f.message}" for f in notes]

    errors = [p for p in report.errors if p.key != CONFLICT_KEY]
    if errors:
        title = "other_errors" if report.conflicts or report.broken_limits else "errors"
        lines += ["", w(title, count=len(errors))]
        lines += [w.problem(p) for p in errors]
    warnings = report.warnings
    limit_warnings = [f for f in report.limits if f.level == "warning"]
    warning_count = len(warnings) + len(limit_warnings)
    if warning_count:
        lines += ["", w("warnings", count=warning_count)]
        lines += ["  " + w("warning_line", message=f.message) for f in limit_warnings]
        lines += [w.problem(p) for p in warnings]

    lines.append("")
    summary = w(
        "summary",
        errors=w.count("error", report.error_count),
        parts=_error_parts(report, len(errors), w),
        warnings=w.count("warning", warning_count),
    )
    lines.append(w("ok", summary=summary) if report.ok else w("failed", summary=summary))
    return "\n".join(lines) + "\n"
