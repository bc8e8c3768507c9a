"""`workshop-bot check FILE`: what importing a schedule file would do, offline.

The file goes through the same parser and preview as `/session import` (against an empty
programme), then the layout plan and the scheduled-event window are computed:

- sessions per day in the workshop zone;
- the categories and channels the programme would get (names as they would appear, in the
  workshop's locale; a day with more than 50 channels spills into `(2)`, `(3)`... categories);
- how many Scheduled Events the rolling window would want at its busiest moment, against the
  configured cap and Discord's 100;
- conflicts, and every Discord limit the programme would break (500 channels per guild, counting
  the categories and the base structure of `/workshop setup`);
- every problem with its row or slot and its message; warnings apart from errors.

Every text is in the workshop's `locale` (keys `cli.check.*`, and the import's own messages), times
in the workshop zone.

Errors (problems of severity `error` and broken limits) make the report fail (exit 1); the
sections count them the way the closing line adds them up (conflicts + Discord limits + other
errors). The parse can be handed to a budgeted worker (`parse=`, as the CLI does), and nothing
the file holds makes the check raise: an unreadable file is an error of the `file`.
No Discord, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.limits import CHANNELS_PER_CATEGORY, CHANNELS_PER_GUILD
from bot.domain.structure import BASE_CHANNELS
from bot.domain.text_safety import PARAM_MAX, USER_TEXT_PARAMS, plain_line
from bot.features.sessions.domain.events_window import DISCORD_EVENT_LIMIT, peak_events_in_flight
from bot.features.sessions.domain.layout import ChannelKind, LayoutPlan, plan
from bot.features.sessions.domain.model import SessionDraft
from bot.features.sessions.domain.schedule_import import (
    FileInfo,
    ImportFormat,
    ImportResult,
    parse_schedule,
    preview_import,
)
from bot.features.sessions.domain.timeparse import local_date
from bot.i18n import Catalog

CONFLICT_KEY = "errors.session_conflict"

Level = Literal["error", "warning", "note"]
#: (filename, data, workshop zone, now) -> the parsed file; raises InvalidInput when unreadable.
Parse = Callable[[str, bytes, ZoneInfo, datetime], ImportResult]


def parse_here(filename: str, data: bytes, zone: ZoneInfo, now: datetime) -> ImportResult:
    """Parse in this process (tests, and the worker the CLI starts)."""
    return parse_schedule(filename, data, zone, now=now)


@dataclass(frozen=True)
class CheckProblem:
    """A problem of the file, located (`row 7`, `day 2 / session 3`, `file`) and rendered."""

    where: str  # as the parser wrote it (`row 7`): see `where_text` for the reader's language
    key: str
    message: str
    severity: Literal["error", "warning"]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LimitFinding:
    """A Discord limit the programme breaks (`error`), strains (`warning`) or that the bot
    works around / needs to be told about (`note`)."""

    level: Level
    message: str


@dataclass
class CheckReport:
    filename: str
    zone: ZoneInfo  # the workshop zone: days, categories and shown times
    locale: str  # of the channel and category names
    format: ImportFormat | None = None  # None when the file could not be read at all
    file_zone: ZoneInfo | None = None  # the zone the file's local times were read in
    info: FileInfo | None = None  # the encoding, separator and columns recognised
    title: str | None = None  # the workshop's title the file names (YAML `title:`)
    sessions: list[SessionDraft] = field(default_factory=list)
    per_day: dict[date, int] = field(default_factory=dict)
    layout: LayoutPlan | None = None
    window_hours: int = 0
    cap: int = 95
    events_peak: int = 0
    events_peak_at: datetime | None = None
    problems: list[CheckProblem] = field(default_factory=list)
    limits: list[LimitFinding] = field(default_factory=list)

    @property
    def errors(self) -> list[CheckProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[CheckProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def conflicts(self) -> list[CheckProblem]:
        return [p for p in self.problems if p.key == CONFLICT_KEY]

    @property
    def broken_limits(self) -> list[LimitFinding]:
        return [f for f in self.limits if f.level == "error"]

    @property
    def error_count(self) -> int:
        return len(self.errors) + len(self.broken_limits)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def base_channels(self) -> int:
        return len(BASE_CHANNELS)

    @property
    def guild_channels(self) -> int:
        """Channels the workshop would use: the base structure + categories + session channels."""
        added = self.layout.guild_channel_count if self.layout is not None else 0
        return self.base_channels + added


# --- rendering of catalog messages for a terminal ------------------------------------------

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_STYLES = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%Y-%m-%d",
    "D": "%Y-%m-%d",
}
_DEFAULT_STYLE = "%Y-%m-%d %H:%M %Z"


def local_text(moment: datetime, zone: ZoneInfo, fmt: str = _DEFAULT_STYLE) -> str:
    return moment.astimezone(zone).strftime(fmt)


def plain_timestamps(text: str, zone: ZoneInfo) -> str:
    """Discord `<t:epoch:style>` markup -> local time text in `zone` (a terminal shows no
    Discord timestamps)."""

    def replace(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), zone)
        return moment.strftime(_STYLES.get(match.group(2) or "f", _DEFAULT_STYLE))

    return _TIMESTAMP.sub(replace, text)


_WHERE = re.compile(r"(?P<kind>row|session|day|room|slot|file)(?: (?P<value>.+))?")


def where_text(
    where: str, catalog: Catalog, locale: str, clean: Callable[[str], str] = plain_line
) -> str:
    """A problem's location (`day 2 / session 3`, as the parsers write it) in the reader's
    language (`2日目 / 3番目のセッション`); `clean` shows the file's own words (a room's name)."""
    parts = []
    for part in where.split(" / "):
        match = _WHERE.fullmatch(part)
        if match is None:
            parts.append(clean(part))
            continue
        value = clean(match["value"] or "")
        parts.append(catalog.t(f"import.where.{match['kind']}", locale, value=value))
    return " / ".join(parts)


def terminal_params(params: dict[str, Any]) -> dict[str, Any]:
    """`params` for a message printed on a terminal: what a file says on one line, without
    control characters (an escape sequence in a title must not drive the operator's terminal)."""
    return {
        key: plain_line(value, PARAM_MAX)
        if key in USER_TEXT_PARAMS and isinstance(value, str)
        else value
        for key, value in params.items()
    }


def render_message(
    catalog: Catalog, key: str, params: dict[str, Any], zone: ZoneInfo, locale: str
) -> str:
    shown = terminal_params(params)
    for name in ("first", "other_where"):  # other rows, named in the reader's language
        if isinstance(params.get(name), str):
            shown[name] = where_text(params[name], catalog, locale)
    text = plain_timestamps(catalog.t(key, locale, **shown), zone)
    other = shown.get("other_where")
    if other:
        text += catalog.t("cli.check.clashes_with", locale, where=other)
    return text


# --- the check -------------------------------------------------------------------------------


def where_order(where: str) -> tuple[int, list[str | int]]:
    """Sort key for locations: `file` first, then `row 2` < `row 10`, `day 1 / session 2` ..."""
    parts: list[str | int] = [
        int(part) if index % 2 else part  # re.split with a group: numbers at odd indexes
        for index, part in enumerate(re.split(r"(\d+)", where))
    ]
    return (0 if where == "file" else 1, parts)


def _limits(report: CheckReport, catalog: Catalog) -> list[LimitFinding]:
    found: list[LimitFinding] = []
    layout = report.layout
    if layout is None:
        return found

    def t(key: str, **params: Any) -> str:
        return catalog.t(f"cli.check.{key}", report.locale, **params)

    total = report.guild_channels
    if total > CHANNELS_PER_GUILD:
        found.append(
            LimitFinding(
                "error",
                t(
                    "limit_guild_channels",
                    total=total,
                    base=report.base_channels,
                    categories=layout.category_count,
                    channels=layout.channel_count,
                    limit=CHANNELS_PER_GUILD,
                ),
            )
        )
    for day in layout.days:
        if len(day.categories) > 1:
            extra = len(day.categories) - 1
            found.append(
                LimitFinding(
                    "note",
                    t(
                        "limit_spill." + plural_form(extra, report.locale),
                        name=day.categories[0].name,
                        count=day.session_count,
                        limit=CHANNELS_PER_CATEGORY,
                        extra=extra,
                    ),
                )
            )
    peak, window, cap = report.events_peak, report.window_hours, report.cap
    if peak > cap:
        within = t("limit_events_within", hours=window) if window else ""
        beyond = t("limit_events_beyond", limit=DISCORD_EVENT_LIMIT)
        found.append(
            LimitFinding(
                "warning",
                t(
                    "limit_events",
                    peak=peak,
                    within=within,
                    cap=cap,
                    beyond=beyond if peak > DISCORD_EVENT_LIMIT else "",
                ),
            )
        )
    counts = layout.count_by_kind()
    if counts[ChannelKind.STAGE] or counts[ChannelKind.FORUM]:
        found.append(LimitFinding("note", t("limit_community")))
    return found


def plural_form(count: int, locale: str) -> str:
    """The plural category of `count` for the `.one` / `.other` keys of a catalog: English says
    "1 session", "2 sessions"; Japanese has one form (`.other`)."""
    return "one" if count == 1 and locale == "en" else "other"


def check_schedule(
    filename: str,
    data: bytes,
    zone: ZoneInfo,
    locale: str,
    *,
    window_hours: int,
    cap: int,
    now: datetime,
    catalog: Catalog | None = None,
    parse: Parse = parse_here,
) -> CheckReport:
    """Parse, preview (against an empty programme) and plan a schedule file. Never raises for a
    bad file: an unreadable one becomes a `file` error in the report. `locale` names the
    channels and categories and words every message."""
    catalog = catalog or Catalog.load()
    report = CheckReport(
        filename=filename, zone=zone, locale=locale, window_hours=window_hours, cap=cap
    )

    def add(where: str, key: str, params: dict[str, Any], severity: str) -> None:
        level: Literal["error", "warning"] = "warning" if severity == "warning" else "error"
        message = render_message(catalog, key, params, zone, locale)
        report.problems.append(CheckProblem(where, key, message, level, dict(params)))

    try:
        result = parse(filename, data, zone, now)
    except InvalidInput as exc:
        add("file", exc.key, exc.params, "error")
        return report
    report.format = result.format
    report.file_zone = result.zone
    report.info = result.info
    report.title = result.title
    preview = preview_import(result, [], zone, now=now)
    for problem in preview.problems:
        add(problem.where, problem.key, problem.params, problem.severity)
    # The rows the import would keep (a repeated row is left out of it, so of the plan too).
    report.sessions = [row.draft for row in preview.rows]
    report.sessions.sort(key=lambda s: s.start)
    for draft in report.sessions:
        day = local_date(draft.start, zone)
        report.per_day[day] = report.per_day.get(day, 0) + 1
    report.per_day = dict(sorted(report.per_day.items()))
    report.layout = plan(report.sessions, zone, locale)
    report.events_peak, report.events_peak_at = peak_events_in_flight(
        report.sessions, timedelta(hours=window_hours)
    )
    report.limits = _limits(report, catalog)
    report.problems.sort(key=lambda p: where_order(p.where))
    return report
