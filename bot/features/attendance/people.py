"""The per-person summary as CSV (`workshop-bot export attendance --per-person`, `/attendance
export per_person:True`): one row per person with whole minutes in all, in sessions, per day and
per session — what attendance certificates (参加証明書) and mail merges need.

Columns: `user_id`, `display_name`, `total_minutes` (any voice channel of the server),
`session_minutes` (sessions and poster sessions), one `YYYY-MM-DD (min)` per day of the camp, then
one `<session title> (min)` per session someone attended, in programme order (a title used twice
gets its session number: `Talk #12 (min)`); 0 where a person spent no time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.core.csv_out import CsvOut
from bot.features.attendance.domain.people import PeopleTotals, PersonTotals, whole_minutes
from bot.features.attendance.repo import AttendanceRepository
from bot.features.sessions.domain.model import Session


async def people_totals(
    repo: AttendanceRepository, guild_id: int, zone: ZoneInfo, now: int
) -> list[PersonTotals]:
    """Every person's totals, the guild's stays read chunk by chunk (a stay still going on
    counts until `now`)."""
    totals = PeopleTotals()
    async for chunk in repo.export_rows(guild_id):
        for r in chunk:
            end = r.left_at if r.left_at is not None else max(now, r.joined_at)
            totals.add(r.user_id, r.display_name, r.joined_at, end, r.place_kind, r.place_id)
    return totals.people(zone)


def session_headers(sessions: Iterable[Session], attended: set[int]) -> list[tuple[int, str]]:
    """(session id, column header) of the sessions someone attended, in programme order."""
    shown = [s for s in sorted(sessions, key=lambda s: (s.start, s.id)) if s.id in attended]
    twice = Counter(s.title for s in shown)
    return [
        (s.id, f"{s.title} #{s.id} (min)" if twice[s.title] > 1 else f"{s.title} (min)")
        for s in shown
    ]


def write_people_summary(
    people: list[PersonTotals], sessions: Iterable[Session], out: TextIO
) -> int:
    """The summary as CSV into `out`; returns the number of people (rows)."""
    days: list[date] = sorted({day for p in people for day in p.days})
    columns = session_headers(sessions, {s for p in people for s in p.sessions})
    writer = CsvOut(
        out,
        [
            "user_id",
            "display_name",
            "total_minutes",
            "session_minutes",
            *(f"{day.isoformat()} (min)" for day in days),
            *(header for _, header in columns),
        ],
    )

    for p in people:
        writer.row(
            [
                p.user_id,
                p.display_name,
                whole_minutes(p.total),
                whole_minutes(p.in_sessions),
                *(whole_minutes(p.days.get(day, 0)) for day in days),
                *(whole_minutes(p.sessions.get(session_id, 0)) for session_id, _ in columns),
            ]
        )
    return len(people)
