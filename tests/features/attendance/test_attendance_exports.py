"""The exports as the service writes them from a real SQLite file (what `/attendance export` and
`workshop-bot export attendance` send): every stay, the per-person summary, one session's people;
the notice's purpose key. Discord is a fake port."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from bot.features.attendance.domain.stays import Place, PlaceKind
from bot.features.attendance.domain.tracker import Changes
from bot.features.attendance.export import write_export
from bot.features.attendance.keys import NOTICE_PREFIX, notice_channel, notice_key
from bot.features.attendance.people import people_totals
from bot.features.attendance.repo import AttendanceRepository
from bot.features.attendance.service import ExportFile
from bot.store.db import Database
from tests.fakes.attendance import E0, GUILD, OTHER_GUILD, FakePort, row, service, talk

TALK = Place(PlaceKind.SESSION, 12)
ROOM = Place(PlaceKind.ROOM, 3)
ZONE = "Asia/Tokyo"


async def camp(db: Database) -> None:
    """Ana: 30 min in the talk, then 20 in a topic room; Ben: in the talk for the last 10
    minutes, still there (the service's clock stands at T0); someone in another guild."""
    await AttendanceRepository(db).write(
        Changes(
            inserts=[
                row(1, -3600, -1800, place=TALK, channel=10),
                row(1, -1800, -600, place=ROOM, channel=11),
                row(2, -600, None, place=TALK, channel=10),
                row(9, -600, -60, guild=OTHER_GUILD),
            ]
        )
    )


def read(export: ExportFile) -> list[dict[str, str]]:
    try:
        data = export.file.read()
    finally:
        export.file.close()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM (spreadsheet apps)"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_the_export_has_every_stay_of_the_guild_in_local_time(db: Database) -> None:
    await camp(db)
    export = await service(db, FakePort()).export(GUILD)
    assert export.filename == "attendance-20260701-1000.csv"  # the zone's time, T0 is 10:00
    assert export.rows == 3
    rows = read(export)
    assert list(rows[0]) == [
        "user_id",
        "display_name",
        "channel_id",
        "channel_name",
        "place_kind",
        "place_id",
        f"joined_at ({ZONE})",
        f"left_at ({ZONE})",
        "seconds",
    ]
    assert [
        (r["user_id"], r["place_kind"], r["place_id"], r[f"joined_at ({ZONE})"]) for r in rows
    ] == [
        ("1", "session", "12", "2026-07-01 09:00:00"),
        ("1", "room", "3", "2026-07-01 09:30:00"),
        ("2", "session", "12", "2026-07-01 09:50:00"),
    ]
    assert [r[f"left_at ({ZONE})"] for r in rows] == [
        "2026-07-01 09:30:00",
        "2026-07-01 09:50:00",
        "",
    ]
    assert [r["seconds"] for r in rows] == ["1800", "1200", "600"], "an open stay: until now"
    assert rows[0]["display_name"] == "user 1" and rows[0]["channel_name"] == "ch10"


async def test_the_export_streams_in_chunks_and_counts_what_it_wrote(db: Database) -> None:
    repo = AttendanceRepository(db)
    await repo.write(Changes(inserts=[row(u, 0, 60) for u in range(2500)]))  # > 2 chunks
    out = io.StringIO()
    assert await write_export(repo, GUILD, ZoneInfo(ZONE), out, E0 + 60) == 2500
    lines = out.getvalue().splitlines()
    assert len(lines) == 2501 and lines[1].startswith("0,user 0,10,ch10,other,,")


async def test_the_people_summary_has_minutes_in_all_in_sessions_per_day_and_session(
    db: Database,
) -> None:
    await camp(db)
    export = await service(db, FakePort()).export_people(GUILD, [talk()])
    assert export.filename == "attendance-people-20260701-1000.csv"
    assert export.rows == 2
    rows = read(export)
    assert list(rows[0]) == [
        "user_id",
        "display_name",
        "total_minutes",
        "session_minutes",
        "2026-07-01 (min)",
        "Keynote (min)",
    ]
    assert [list(r.values()) for r in rows] == [
        ["1", "user 1", "50", "30", "50", "30"],
        ["2", "user 2", "10", "10", "10", "10"],
    ]


async def test_people_totals_count_an_open_stay_until_now_and_only_the_guild(db: Database) -> None:
    await camp(db)
    repo = AttendanceRepository(db)
    people = await people_totals(repo, GUILD, ZoneInfo(ZONE), E0 + 300)
    assert [(p.user_id, p.total, p.in_sessions, p.sessions) for p in people] == [
        (1, 3000, 1800, {12: 1800}),
        (2, 900, 900, {12: 900}),
    ]


async def test_one_sessions_people_and_stats(db: Database) -> None:
    await camp(db)
    report = await service(db, FakePort()).session_report(GUILD, talk())
    lines = report.csv.decode("utf-8-sig").splitlines()
    assert lines == [
        f"user_id,display_name,first_joined ({ZONE}),last_left ({ZONE}),seconds_present",
        "1,user 1,2026-07-01 09:00:00,2026-07-01 09:30:00,1800",
        "2,user 2,2026-07-01 09:50:00,,600",
    ]
    assert (report.stats.attendees, report.stats.total_seconds) == (2, 2400)
    assert report.png.startswith(b"\x89PNG")


def test_the_notice_key_is_built_and_read_in_one_place() -> None:
    assert notice_key(500) == "attendance_notice:500"  # stored in databases: never changes
    assert notice_key(500).startswith(NOTICE_PREFIX)
    assert notice_channel(notice_key(500)) == 500
    for other in ("attendance_notice:", "attendance_notice:x", "session:1:channel", "notice:5"):
        assert notice_channel(other) is None
