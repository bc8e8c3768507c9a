"""Attendance as CSV: every stay of a guild (`/attendance export`, `workshop-bot export
attendance`) and one session's people. Times are ISO 8601 in the workshop's zone, with its offset.

The export is written to a stream chunk by chunk as rows come from SQLite, never held as one
list: a camp of 300 people wandering for three days is tens of thousands of rows. Display and
channel names are members' text: the cells go through `CsvOut`, so none reaches a spreadsheet as
a formula (see bot/domain/csv_safe.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.domain.attendance import PersonSummary
from bot.domain.clock import from_epoch
from bot.services.csv_out import CsvOut
from bot.store.attendance_repo import AttendanceRepository

EXPORT_COLUMNS = (
    "user_id",
    "display_name",
    "channel_id",
    "channel_name",
    "place_kind",
    "place_id",
    "joined_at",
    "left_at",
    "seconds",
)
SESSION_COLUMNS = ("user_id", "display_name", "first_joined", "last_left", "seconds_present")


def iso(seconds: int | None, zone: ZoneInfo) -> str:
    """Epoch seconds as ISO 8601 with the zone's offset (empty for None: still inside)."""
    return "" if seconds is None else from_epoch(seconds).astimezone(zone).isoformat()


async def write_export(
    repo: AttendanceRepository, guild_id: int, zone: ZoneInfo, out: TextIO, now: int
) -> int:
    """Every stay of the guild as CSV into `out`; returns the number of rows. A stay still going
    on has an empty `left_at` and its seconds so far."""
    writer = CsvOut(out, EXPORT_COLUMNS)
    rows = 0
    async for chunk in repo.export_rows(guild_id):
        writer.rows(
            (
                r.user_id,
                r.display_name,
                r.channel_id,
                r.channel_name,
                r.place_kind,
                "" if r.place_id is None else r.place_id,
                iso(r.joined_at, zone),
                iso(r.left_at, zone),
                (r.left_at if r.left_at is not None else max(now, r.joined_at)) - r.joined_at,
            )
            for r in chunk
        )
        rows += len(chunk)
    return rows


def write_people(people: Iterable[PersonSummary], zone: ZoneInfo, out: TextIO) -> None:
    """One session's people: first join, last leave (empty: still inside), seconds present."""
    writer = CsvOut(out, SESSION_COLUMNS)
    writer.rows(
        (
            p.user_id,
            p.display_name,
            iso(p.first_joined, zone),
            iso(p.last_left, zone),
            p.seconds,
        )
        for p in people
    )
