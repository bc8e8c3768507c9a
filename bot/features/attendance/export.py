"""Attendance as CSV: every stay of a guild (`/attendance export`, `workshop-bot export
attendance`) and one session's people. Times are written as spreadsheet apps read dates
(`2027-07-01 09:31:00`), in the workshop's zone, which the column's header names
(`joined_at (Asia/Tokyo)`).

The export is written to a stream chunk by chunk as rows come from SQLite, never held as one
list: a camp of 300 people wandering for three days is tens of thousands of rows. Display and
channel names are members' text: the cells go through `CsvOut`, so none reaches a spreadsheet as
a formula (see bot/domain/csv_safe.py).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.core.csv_out import CsvOut
from bot.domain.clock import from_epoch
from bot.domain.sheet_time import sheet_time
from bot.features.attendance.domain.stays import PersonSummary
from bot.features.attendance.repo import AttendanceRepository


def export_columns(zone: ZoneInfo) -> tuple[str, ...]:
    return (
        "user_id",
        "display_name",
        "channel_id",
        "channel_name",
        "place_kind",
        "place_id",
        zoned("joined_at", zone),
        zoned("left_at", zone),
        "seconds",
    )


def session_columns(zone: ZoneInfo) -> tuple[str, ...]:
    return (
        "user_id",
        "display_name",
        zoned("first_joined", zone),
        zoned("last_left", zone),
        "seconds_present",
    )


def zoned(column: str, zone: ZoneInfo) -> str:
    """A time column's header, naming the zone its times are in: `joined_at (Asia/Tokyo)`."""
    return f"{column} ({zone.key})"


def local_time(seconds: int | None, zone: ZoneInfo) -> str:
    """Epoch seconds as `2027-07-01 09:31:00` in `zone`, a form spreadsheet apps read as a date
    (empty for None: still inside)."""
    return "" if seconds is None else sheet_time(from_epoch(seconds), zone)


async def write_export(
    repo: AttendanceRepository, guild_id: int, zone: ZoneInfo, out: TextIO, now: int
) -> int:
    """Every stay of the guild as CSV into `out`; returns the number of rows. A stay still going
    on has an empty `left_at` and its seconds so far."""
    writer = CsvOut(out, export_columns(zone))
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
                local_time(r.joined_at, zone),
                local_time(r.left_at, zone),
                (r.left_at if r.left_at is not None else max(now, r.joined_at)) - r.joined_at,
            )
            for r in chunk
        )
        rows += len(chunk)
    return rows


def write_people(people: Iterable[PersonSummary], zone: ZoneInfo, out: TextIO) -> None:
    """One session's people: first join, last leave (empty: still inside), seconds present."""
    writer = CsvOut(out, session_columns(zone))
    writer.rows(
        (
            p.user_id,
            p.display_name,
            local_time(p.first_joined, zone),
            local_time(p.last_left, zone),
            p.seconds,
        )
        for p in people
    )


async def stays_csv(repo: AttendanceRepository, guild_id: int, zone: ZoneInfo) -> tuple[bytes, int]:
    """Every stay of the guild as CSV bytes with a BOM (the wrap-up archive's file), a stay
    still open counting until the bot's last heartbeat; (bytes, rows)."""
    out = io.StringIO()
    out.write("\ufeff")
    rows = await write_export(repo, guild_id, zone, out, await repo.heartbeat() or 0)
    return out.getvalue().encode("utf-8"), rows
