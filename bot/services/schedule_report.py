"""`workshop-bot check FILE`: the report of `schedule_check.check_schedule` as terminal text
(English): how the file was read, sessions per day, channels per category, Scheduled Events in
flight, conflicts, broken limits, the other errors and the warnings, and a closing line whose
counts the sections add up to."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.schedule_import import FileInfo
from bot.features.sessions.domain.events_window import DISCORD_EVENT_LIMIT
from bot.features.sessions.domain.layout import (
    CHANNELS_PER_CATEGORY,
    CHANNELS_PER_GUILD,
    ChannelKind,
)
from bot.features.sessions.domain.model import SessionDraft
from bot.features.sessions.domain.timeparse import local_date
from bot.i18n import Catalog
from bot.services.schedule_check import (
    CONFLICT_KEY,
    MESSAGE_LOCALE,
    CheckProblem,
    CheckReport,
    local_text,
)

# --- the text ---------------------------------------------------------------------------------

_KIND_ORDER = (ChannelKind.STAGE, ChannelKind.VOICE, ChannelKind.TEXT, ChannelKind.FORUM)


def _horizon(window_hours: int) -> str:
    return f"horizon {window_hours} h, " if window_hours else "whole programme, "


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _span(sessions: list[SessionDraft], zone: ZoneInfo) -> str:
    first = min(s.start for s in sessions)
    last = max(s.end for s in sessions)
    end_fmt = "%H:%M" if local_date(last, zone) == local_date(first, zone) else "%m-%d %H:%M"
    return f"{local_text(first, zone, '%H:%M')}–{local_text(last, zone, end_fmt)}"


def _kinds(counts: dict[ChannelKind, int]) -> str:
    parts = [f"{counts[k]} {k.value}" for k in _KIND_ORDER if counts.get(k)]
    return ", ".join(parts) if parts else "none"


def _problem_line(problem: CheckProblem) -> str:
    message = problem.message.strip().replace("\n", "\n      ")  # keep a detail indented
    return f"  {problem.where}: {message}"


def _file_lines(info: FileInfo, catalog: Catalog) -> list[str]:
    """How the file was read: its encoding, separator and the columns recognised."""

    def t(key: str) -> str:
        return catalog.t(key, MESSAGE_LOCALE)

    read = t(f"import.encoding.{info.encoding.value}")
    if info.delimiter is not None:
        name = {",": "comma", "\t": "tab", ";": "semicolon"}.get(info.delimiter, "comma")
        read += ", " + t(f"import.delimiter.{name}")
    lines = [f"  read as {read}"]
    if info.columns:
        parts = [
            f"{c.header} → {c.field if c.field else t('import.column_unused')}"
            for c in info.columns
            if c.header
        ]
        lines.append("  columns: " + ", ".join(parts))
    return lines


def _error_parts(report: CheckReport, others: int) -> str:
    """` (2 conflicts, 1 other)`: how the error count adds up, when it has several parts."""
    parts = [
        (len(report.conflicts), "conflict"),
        (len(report.broken_limits), "Discord limit"),
        (others, "other"),
    ]
    shown = [_plural(n, word) for n, word in parts if n]
    return f" ({', '.join(shown)})" if len(shown) > 1 else ""


def render_report(report: CheckReport, catalog: Catalog | None = None) -> str:
    """The plan as plain text (English), for the terminal."""
    catalog = catalog or Catalog.load()
    zone = report.zone
    lines: list[str] = []
    if report.format is None:
        lines.append(f"{report.filename}: cannot be read as a schedule")
    else:
        file_zone = report.file_zone.key if report.file_zone else zone.key
        lines.append(
            f"{report.filename}: {report.format.value.upper()}, "
            f"{_plural(len(report.sessions), 'session')} "
            f"(times read in {file_zone}; shown in the workshop zone {zone.key})"
        )
        if report.info is not None:
            lines += _file_lines(report.info, catalog)

    layout = report.layout
    if layout is not None and layout.days:
        lines += ["", f"Sessions per day ({zone.key})"]
        for day_plan in layout.days:
            day = day_plan.day
            drafts = [ch.session for cat in day_plan.categories for ch in cat.channels]
            lines.append(
                f"  Day {day.number}  {day.date.isoformat()} {day.date.strftime('%a')}  "
                f"{_plural(day_plan.session_count, 'session'):>12}  "
                f"{_span(drafts, zone)}"
            )

        lines += ["", f"Channels per category (names in locale {report.locale})"]
        for day_plan in layout.days:
            for category in day_plan.categories:
                counts: dict[ChannelKind, int] = {}
                for channel in category.channels:
                    counts[channel.kind] = counts.get(channel.kind, 0) + 1
                lines.append(
                    f"  {category.name}  [{len(category.channels)}/{CHANNELS_PER_CATEGORY}: "
                    f"{_kinds(counts)}]"
                )
                for channel in category.channels:
                    session = channel.session
                    track = f"  [{session.track}]" if session.track else ""
                    lines.append(
                        f"    {local_text(session.start, zone, '%H:%M')}–"
                        f"{local_text(session.end, zone, '%H:%M')}  "
                        f"{channel.kind.value:<5}  {channel.name}{track}"
                    )
        lines.append(
            f"  Total: {_plural(layout.category_count, 'category', 'categories')} + "
            f"{_plural(layout.channel_count, 'session channel')} "
            f"({_kinds(layout.count_by_kind())}) + {report.base_channels} base channels = "
            f"{report.guild_channels} of Discord's {CHANNELS_PER_GUILD} per server"
        )

        lines += [
            "",
            f"Scheduled Events in flight ({_horizon(report.window_hours)}cap {report.cap}, "
            f"Discord {DISCORD_EVENT_LIMIT})",
        ]
        when = (
            f" (from {local_text(report.events_peak_at, zone)})"
            if report.events_peak_at is not None
            else ""
        )
        verdict = "within the cap" if report.events_peak <= report.cap else "OVER THE CAP"
        lines.append(f"  peak {report.events_peak} at once{when}: {verdict}")

    if report.format is not None:
        conflicts = report.conflicts
        lines += ["", f"Conflicts: {len(conflicts) if conflicts else 'none'}"]
        lines += [_problem_line(p) for p in conflicts]

        broken = report.broken_limits
        lines += ["", f"Discord limits broken: {len(broken) if broken else 'none'}"]
        lines += [f"  {f.message}" for f in broken]
        notes = [f for f in report.limits if f.level == "note"]
        if notes:
            lines += ["", "Notes"]
            lines += [f"  {f.message}" for f in notes]

    errors = [p for p in report.errors if p.key != CONFLICT_KEY]
    if errors:
        title = "Other errors" if report.conflicts or report.broken_limits else "Errors"
        lines += ["", f"{title} ({len(errors)})"]
        lines += [_problem_line(p) for p in errors]
    warnings = report.warnings
    limit_warnings = [f for f in report.limits if f.level == "warning"]
    warning_count = len(warnings) + len(limit_warnings)
    if warning_count:
        lines += ["", f"Warnings ({warning_count})"]
        lines += [f"  warning: {f.message}" for f in limit_warnings]
        lines += [_problem_line(p) for p in warnings]

    lines.append("")
    summary = f"{_plural(report.error_count, 'error')}{_error_parts(report, len(errors))}, "
    summary += _plural(warning_count, "warning")
    if report.ok:
        lines.append(f"OK: the schedule can be imported ({summary})")
    else:
        lines.append(f"FAILED: {summary}; nothing would be imported")
    return "\n".join(lines) + "\n"
