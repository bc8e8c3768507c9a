"""The end of a rehearsal: the channel layout against Discord's limits, REST requests by route,
anything the sandbox rejected, attendance per session as the bot reports it next to the truth the
simulator kept, and a deterministic outcome table. Exit 1 when a report differs from the truth or
Discord (the sandbox) refused something."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain.sessions.layout import CHANNELS_PER_CATEGORY, CHANNELS_PER_GUILD
from bot.sandbox.state import THREAD_TYPES

if TYPE_CHECKING:
    from bot.rehearsal.runner import Rehearsal

EVENTS_LIMIT = 100
TITLE_WIDTH = 44


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
    truth = rehearsal.truth
    kept = truth.per_session()
    lines = []
    for session_id, title, elsewhere in rehearsal.session_titles():
        people, seconds = kept.get(session_id, (0, 0))
        got = reported.get(session_id, (0, 0))
        mark = "✓" if got == (people, seconds) else f"✗ report {got[0]} / {got[1] // 60} min"
        if elsewhere:
            mark += "  (held on its external link: text chat, no voice)"
        lines.append(
            f"  {fit(title, TITLE_WIDTH)} {people:>4} people {seconds // 60:>6} min  {mark}"
        )
    observed = rehearsal.observed
    lines.append(
        f"  topic rooms opened {truth.rooms_opened} (refused {truth.rooms_refused}), "
        f"closed {observed.rooms_closed}; poster claims {truth.claims} "
        f"(refused {truth.claims_refused}); reminders {observed.reminders}; "
        f"refused joins {truth.refused_joins}"
    )
    return lines


async def print_summary(rehearsal: Rehearsal, wall: float, speed: float) -> int:
    say = rehearsal.say
    sb = rehearsal.sb
    guild_id = rehearsal.guild_id
    everything = sb.channels(guild_id)
    channels = [c for c in everything if c["type"] not in THREAD_TYPES]
    threads = len(everything) - len(channels)
    say("")
    say("Channel layout")
    categories = sorted((c for c in channels if c["type"] == 4), key=lambda c: c["position"])
    for category in categories:
        inside = [c for c in channels if c.get("parent_id") == category["id"]]
        kinds = Counter(
            {0: "text", 2: "voice", 13: "stage", 15: "forum"}.get(c["type"], "other")
            for c in inside
        )
        detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        name = fit(category["name"], 48)
        say(f"  {name} {len(inside):>3}/{CHANNELS_PER_CATEGORY}  {detail}")
    observed = rehearsal.observed
    say(
        f"  channels now {len(channels)}/{CHANNELS_PER_GUILD} (peak {observed.peak_channels}),"
        f" forum posts {threads}, scheduled events peak {observed.peak_events}/{EVENTS_LIMIT}"
    )
    routes = Counter(r.route for r in sb.requests)
    say("")
    say(f"REST requests: {sum(routes.values())}")
    for route, count in sorted(routes.items(), key=lambda kv: (-kv[1], kv[0])):
        say(f"  {count:>6}  {route}")
    say("")
    rejected = sb.rejected
    if rejected:
        say(f"Rejected by Discord (the sandbox): {len(rejected)}")
        for request in rejected[:20]:
            say(f"  {request.status} {request.route}: {request.error}")
    else:
        say("Rejected by Discord (the sandbox): none")
    reported = await rehearsal.reported_attendance()
    say("")
    say("Attendance per session (truth kept by the simulator; ✓ = the bot's report agrees)")
    lines = outcome_lines(rehearsal, reported)
    for line in lines:
        say(line)
    mismatches = sum(1 for line in lines if "✗" in line)
    say("")
    say(
        f"Rehearsed {rehearsal.stamp()} in {wall:.1f} s of wall time at {speed:.0f}x; "
        f"{sum(routes.values())} REST requests"
    )
    failed = mismatches or rejected or rehearsal.truth.refused_joins
    say("FAILED: see above" if failed else "OK: every report matches what happened")
    return 1 if failed else 0
