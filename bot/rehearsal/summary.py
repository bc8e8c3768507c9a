"""The end of a rehearsal: what people saw (a reminder, the live room board, a poster's post, as
plain text), the channel layout against Discord's limits, REST requests by route and what they
mean for Discord's limits, anything the sandbox rejected, attendance per session as the bot
reports it next to the truth the simulator kept, and a deterministic outcome table. Exit 1 when a
report differs from the truth or Discord (the sandbox) refused something. Everything is printed
in the workshop's `locale`."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.domain.limits import CHANNELS_PER_CATEGORY, CHANNELS_PER_GUILD
from bot.rehearsal.agenda import agenda_lines
from bot.rehearsal.requests import GLOBAL_PER_SECOND, Load, load, route_key
from bot.sandbox.state import THREAD_TYPES

if TYPE_CHECKING:
    from bot.rehearsal.runner import Rehearsal

EVENTS_LIMIT = 100
TITLE_WIDTH = 44
KINDS = {0: "text", 2: "voice", 13: "stage", 15: "forum"}


def pad(text: str, width: int) -> str:
    """Left-justify in terminal columns (CJK characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


def fit(text: str, width: int) -> str:
    """Cut to at most `width` terminal columns."""
    out, columns = "", 0
    for ch in text:
        size = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if columns + size > width - 1 and len(out) < len(text):
            return pad(out + "…", width)
        out += ch
        columns += size
    return pad(out, width)


@dataclass
class Observed:
    peak_events: int = 0
    peak_channels: int = 0
    rooms_closed: int = 0
    reminders: int = 0


def outcome_lines(rehearsal: Rehearsal, reported: dict[int, tuple[int, int]]) -> list[str]:
    """The outcome table: the same seed gives the same lines."""
    t = rehearsal.text
    truth = rehearsal.truth
    kept = truth.per_session()
    lines = []
    for session_id, title, elsewhere in rehearsal.session_titles():
        people, seconds = kept.get(session_id, (0, 0))
        got = reported.get(session_id, (0, 0))
        mark = (
            "✓" if got == (people, seconds) else t("mismatch", people=got[0], minutes=got[1] // 60)
        )
        if elsewhere:
            mark += t("elsewhere")
        row = t("outcome_row", people=people, minutes=seconds // 60, mark=mark)
        lines.append(f"  {fit(title, TITLE_WIDTH)} {row}")
    observed = rehearsal.observed
    totals = t(
        "totals",
        opened=truth.rooms_opened,
        refused=truth.rooms_refused,
        closed=observed.rooms_closed,
        claims=truth.claims,
        claims_refused=truth.claims_refused,
        reminders=observed.reminders,
        refused_joins=truth.refused_joins,
    )
    lines.append(f"  {totals}")
    return lines


async def print_summary(rehearsal: Rehearsal, wall: float, speed: float) -> int:
    say, t = rehearsal.say, rehearsal.text
    sb = rehearsal.sb
    requests = load(sb.requests)  # before anything below reads Discord (nothing does: state)
    await print_what_people_saw(rehearsal)
    everything = sb.channels(rehearsal.guild_id)
    channels = [c for c in everything if c["type"] not in THREAD_TYPES]
    threads = len(everything) - len(channels)
    say("")
    say(t("layout"))
    categories = sorted((c for c in channels if c["type"] == 4), key=lambda c: c["position"])
    for category in categories:
        inside = [c for c in channels if c.get("parent_id") == category["id"]]
        kinds = Counter(KINDS.get(c["type"], "other") for c in inside)
        detail = t("list_sep").join(f"{n} {t('kind.' + k)}" for k, n in sorted(kinds.items()))
        name = fit(category["name"], 48)
        say(f"  {name} {len(inside):>3}/{CHANNELS_PER_CATEGORY}  {detail}")
    observed = rehearsal.observed
    say(
        "  "
        + t(
            "channels_line",
            now=len(channels),
            limit=CHANNELS_PER_GUILD,
            peak=observed.peak_channels,
            posts=threads,
            events=observed.peak_events,
            events_limit=EVENTS_LIMIT,
        )
    )
    say("")
    say(t("rest", count=requests.total))
    for route, count in sorted(requests.by_route.items(), key=lambda kv: (-kv[1], kv[0])):
        key = route_key(route)
        label = "  " + t("route_row", label=t("route." + key)) if key else ""
        say(f"  {count:>6}  {route}{label}")
    for line in what_the_requests_mean(rehearsal, requests):
        say(f"  {line}" if line else "")
    say("")
    # A DM refused because the person closed their DMs (50007) is their choice, not a fault:
    # the bot falls back by design (the agenda's lines count those).
    rejected = [r for r in sb.rejected if "50007" not in str(r.error)]
    if rejected:
        say(t("rejected", count=len(rejected)))
        for request in rejected[:20]:
            say(f"  {request.status} {request.route}: {request.error}")
    else:
        say(t("rejected_none"))
    reported = await rehearsal.reported_attendance()
    say("")
    say(t("attendance_heading"))
    lines = outcome_lines(rehearsal, reported)
    for line in lines:
        say(line)
    mismatches = sum(1 for line in lines if "✗" in line)
    agenda_ok = True
    if rehearsal.agenda_truth is not None:
        agenda, agenda_ok = agenda_lines(rehearsal, rehearsal.agenda_truth)
        say("")
        for line in agenda:
            say(line)
    breakout_lines, breakouts_ok = await rehearsal.breakouts.summary()
    for line in breakout_lines:
        say(line)
    qa_lines, qa_ok = await rehearsal.qa.summary()
    if qa_lines:
        say("")
        say(t("qa_heading"))
        for line in qa_lines:
            say(line)
    mismatches += 0 if qa_ok else 1
    say("")
    say(
        t(
            "rehearsed",
            until=rehearsal.stamp(),
            wall=f"{wall:.1f}",
            speed=f"{speed:.0f}",
            requests=requests.total,
        )
    )
    failed = (
        mismatches or rejected or rehearsal.truth.refused_joins or not agenda_ok or not breakouts_ok
    )
    say(t("failed") if failed else t("ok"))
    return 1 if failed else 0


def what_the_requests_mean(rehearsal: Rehearsal, requests: Load) -> list[str]:
    """Sentences an organizer understands: how close the camp came to Discord's limits."""
    t = rehearsal.text
    observed = rehearsal.observed
    lines = [""]
    busiest, route = requests.busiest, requests.busiest_route
    if busiest is not None:
        share = 100 * busiest.per_second / GLOBAL_PER_SECOND
        lines.append(
            t(
                "meaning_busiest",
                total=requests.total,
                when=minute_stamp(rehearsal, busiest.minute),
                count=busiest.count,
                rate=f"{busiest.per_second:.1f}",
                limit=GLOBAL_PER_SECOND,
                share=t("percent", value=f"{share:.0f}") if share >= 1 else t("below_1_percent"),
            )
        )
    if route is not None and route.route is not None:
        key = route_key(route.route)
        what = t("route." + key) if key else route.route
        lines.append(
            t(
                "meaning_route",
                what=what,
                count=route.count,
                when=minute_stamp(rehearsal, route.minute),
            )
        )
        paced = requests.paced()
        if paced is None:
            lines.append(t("meaning_unpaced"))
        else:
            limit, per, minutes = paced
            lines.append(t("meaning_paced", limit=limit, per=f"{per:g}", minutes=minutes))
    lines.append(
        t(
            "meaning_limits",
            channels=observed.peak_channels,
            channels_limit=CHANNELS_PER_GUILD,
            events=observed.peak_events,
            events_limit=EVENTS_LIMIT,
        )
    )
    return lines


def minute_stamp(rehearsal: Rehearsal, minute: int) -> str:
    return rehearsal.stamp(datetime.fromtimestamp(minute * 60, UTC))


async def print_what_people_saw(rehearsal: Rehearsal) -> None:
    """One reminder, the live room board (at its fullest and at the end) and one poster's post,
    as people saw them, in plain text."""
    say, t = rehearsal.say, rehearsal.text
    plain = rehearsal.plain()
    watch = rehearsal.watch
    say("")
    say(t("saw_heading"))
    shown = False
    if watch.first_reminder is not None:
        say(t("saw_reminder", when=watch.first_reminder.stamp))
        for line in watch.first_reminder.lines:
            say(line)
        shown = True
    if watch.fullest_board is not None:
        say(t("saw_board_fullest", when=watch.fullest_board.stamp))
        for line in watch.fullest_board.lines:
            say(line)
        shown = True
    board = watch.board_message()
    if board is not None:
        say(t("saw_board_end", when=rehearsal.stamp()))
        for line in plain.lines(board, rehearsal.clock.now()):
            say(line)
        shown = True
    post = await rehearsal.first_poster_post()
    if post is not None:
        say(t("saw_poster"))
        for line in plain.lines(post, rehearsal.clock.now()):
            say(line)
        shown = True
    if not shown:
        say("  " + t("saw_nothing"))
