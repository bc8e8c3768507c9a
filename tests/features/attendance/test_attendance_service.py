"""Attendance against a real SQLite file: the repository (recovery after a crash, chunked
export, totals, purge, places), the recorder (batches, forgetting, retries, shutdown) and the
service (export files and the upload limit, the privacy notice). Discord is a fake port."""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import logging
from datetime import timedelta

import pytest

from bot.domain.clock import FakeClock
from bot.domain.structure import ItemKind
from bot.features.attendance.domain.observations import Connected, GuildSeen, Presence, Ready
from bot.features.attendance.domain.stays import OTHER, Place, PlaceKind
from bot.features.attendance.domain.tracker import Changes, Close
from bot.features.attendance.recorder import AttendanceRecorder
from bot.features.attendance.repo import AttendanceRepository
from bot.features.attendance.service import (
    NOTICE_MARKER,
    AttendanceDisabled,
    ExportTooLarge,
)
from bot.store.db import Database
from bot.store.structure_repo import StructureRepository
from tests.fakes.attendance import (
    E0,
    GUILD,
    OTHER_GUILD,
    T0,
    FakePort,
    announcements,
    connected,
    moved,
    row,
    rows,
    service,
)

# -- repository ------------------------------------------------------------------------------


async def test_open_rows_are_handed_over_with_their_voice_session_and_the_last_beat(
    db: Database,
) -> None:
    repo = AttendanceRepository(db)
    assert await repo.left_open() == ([], None)
    room = Place(PlaceKind.ROOM, 7)
    await repo.write(
        Changes(
            inserts=[row(1, 0, 100, session="a"), row(2, 0, None, place=room, session="b")],
            heartbeat=E0 + 200,
        )
    )
    stays, beat = await repo.left_open()
    assert beat == E0 + 200
    assert [(key, s.channel_id, s.place, s.joined_at - E0, s.session) for key, s in stays] == [
        ((GUILD, 2), 10, room, 0, "b")
    ]
    assert stays[0][1].stored and not stays[0][1].recovered
    sessions = await db.fetch_all("SELECT user_id, voice_session FROM attendance ORDER BY id")
    assert [tuple(r) for r in sessions] == [(1, None), (2, "b")], "kept only while open"
    await repo.write(Changes(closes=[Close(GUILD, 2, E0 + 300, False)]))
    assert await db.fetch_value("SELECT voice_session FROM attendance WHERE user_id = 2") is None


async def test_after_a_crash_nobody_is_lost_and_who_never_left_voice_keeps_one_stay(
    db: Database,
) -> None:
    """Rows a killed run left open, its last sign of life at 200 s. The new run finds: 1 still
    in the same channel and voice session, 2 back in that channel in a new session, 3 gone, 4
    in another channel of the same session, 5 gone although it joined at the last beat."""
    repo = AttendanceRepository(db)
    await repo.write(
        Changes(
            inserts=[
                row(1, 0, None, session="s1"),
                row(2, 0, None, session="s2"),
                row(3, 50, None, session="s3"),
                row(4, 60, None, session="s4"),
                row(5, 200, None, session="s5"),
            ],
            heartbeat=E0 + 200,
        )
    )
    back = T0 + timedelta(seconds=260)
    recorder = AttendanceRecorder(repo, FakeClock(back), enabled=True, heartbeat=timedelta(hours=1))
    await recorder.start()

    def there(user: int, channel: int, session: str) -> Presence:
        return Presence(channel, f"ch{channel}", f"user {user}", session)

    present = {1: there(1, 10, "s1"), 2: there(2, 10, "new"), 4: there(4, 11, "s4")}
    recorder.record(Connected(back, frozenset({GUILD})))
    recorder.record(GuildSeen(GUILD, back, present))
    recorder.record(Ready(back))
    await recorder.flush()
    await recorder.stop()
    assert await rows(db) == [
        (1, 0, None, 0),  # one continuous stay
        (2, 0, 200, 1),
        (3, 50, 200, 1),
        (4, 60, 200, 1),
        (5, 200, 201, 1),  # seen to begin: kept, at least its first second
        (2, 260, None, 1),  # the new voice session: from the connection
        (4, 200, None, 1),  # never out of voice: the next channel from the same moment
    ]
    assert await repo.heartbeat() == E0 + 260


async def test_export_comes_in_chunks_in_order_and_only_for_the_guild(db: Database) -> None:
    repo = AttendanceRepository(db)
    inserts = [row(u, u, u + 60) for u in range(2500)]
    inserts.insert(1000, row(7, 0, 10, guild=OTHER_GUILD))
    await repo.write(Changes(inserts=inserts))
    sizes, users = [], []
    async for chunk in repo.export_rows(GUILD, chunk=1000):
        sizes.append(len(chunk))
        users += [r.user_id for r in chunk]
    assert sizes == [1000, 1000, 500]
    assert users == list(range(2500))


async def test_totals_purge_and_places(db: Database) -> None:
    repo = AttendanceRepository(db)
    session, poster = Place(PlaceKind.SESSION, 5), Place(PlaceKind.POSTER, 5)
    await repo.write(
        Changes(
            inserts=[
                row(1, 0, 600, place=session),
                row(1, 600, 900, place=poster, channel=11),
                row(2, 100, None, place=session),
                row(3, 0, 60, place=Place(PlaceKind.ROOM, 5), channel=12),
                row(4, 0, 50, place=session, guild=OTHER_GUILD),
            ]
        )
    )
    assert await repo.session_totals(GUILD, E0 + 1000) == {5: (2, 600 + 300 + 900)}
    assert await repo.purge(GUILD, E0 + 700) == 2  # the two stays that ended before
    assert [r[0] for r in await rows(db)] == [1, 2, 4]

    objects = StructureRepository(db)
    for purpose, channel in (("session:5:channel", 10), ("poster:5:1:voice", 11)):
        await objects.intend(GUILD, purpose, ItemKind.VOICE, None, T0)
        await objects.record(GUILD, purpose, channel, T0)
    assert await repo.places([10, 11, 99]) == {10: session, 11: poster, 99: OTHER}


# -- recorder --------------------------------------------------------------------------------


async def test_recorder_batches_forgets_and_writes_what_is_queued_on_stop(db: Database) -> None:
    clock = FakeClock(T0)
    recorder = AttendanceRecorder(
        AttendanceRepository(db), clock, enabled=True, heartbeat=timedelta(hours=1)
    )
    written: list[int] = []
    recorder.on_written = lambda batch, _at: written.append(len(batch))
    await recorder.start()
    connected(recorder)
    for n in range(50):  # queued back to back: written together
        recorder.record(moved(n, None, 10, 0))
    await recorder.flush()
    assert sum(written) == 53 and len(written) <= 3
    assert await recorder.forget(GUILD, 7) == 1
    recorder.record(moved(1, 10, None, 60))
    clock.advance(120)
    await recorder.stop()  # no flush first: stopping writes what is queued
    assert len(await rows(db)) == 49
    assert (1, 0, 60, 0) in await rows(db)
    assert await AttendanceRepository(db).heartbeat() == E0 + 120, "watched until the stop"


async def test_recovery_waits_for_the_gateway_so_sync_leaves_a_running_bots_stays_alone(
    db: Database,
) -> None:
    repo = AttendanceRepository(db)
    await repo.write(Changes(inserts=[row(1, 0, None)], heartbeat=E0 + 100))
    clock = FakeClock(T0 + timedelta(seconds=300))
    syncing = AttendanceRecorder(repo, clock, enabled=True, heartbeat=timedelta(hours=1))
    await syncing.start()  # `workshop-bot sync` builds the bot but never connects
    await syncing.stop()
    assert await rows(db) == [(1, 0, None, 0)]
    assert await repo.heartbeat() == E0 + 100

    running = AttendanceRecorder(repo, clock, enabled=True, heartbeat=timedelta(hours=1))
    await running.start()
    connected(running)
    await running.flush()
    await running.stop()
    assert await rows(db) == [(1, 0, 100, 1)]


async def test_a_failed_write_is_retried_without_losing_anything(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    class Flaky(AttendanceRepository):
        failures = 1

        async def write(self, changes: Changes) -> dict[int, int]:
            if self.failures:
                self.failures -= 1
                raise OSError("disk I/O error")
            return await super().write(changes)

    recorder = AttendanceRecorder(
        Flaky(db), FakeClock(T0), enabled=True, heartbeat=timedelta(hours=1)
    )
    await recorder.start()
    connected(recorder)
    recorder.record(moved(1, None, 10, 0))
    recorder.record(moved(1, 10, None, 30))
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(recorder.flush(), 10)
    await recorder.stop()
    assert await rows(db) == [(1, 0, 30, 0)]
    assert "retrying" in caplog.text


# -- the service -----------------------------------------------------------------------------


async def test_notice_once_adopted_after_a_crash_and_again_in_a_new_channel(
    db: Database,
) -> None:
    port = FakePort()
    attendance = service(db, port)
    assert not await attendance.ensure_notice(GUILD), "no #announcements yet"
    await announcements(db, 500)
    assert await attendance.ensure_notice(GUILD)
    assert not await attendance.ensure_notice(GUILD)
    assert [(t, k) for _, t, k in port.posts[500]] == [("notice", NOTICE_MARKER)]

    # A crash between posting and recording: the post is found and adopted, not repeated.
    objects = StructureRepository(db)
    await objects.intend(GUILD, "attendance_notice:500", ItemKind.MESSAGE, None, T0)
    assert not await attendance.ensure_notice(GUILD)
    assert len(port.posts[500]) == 1

    await objects.mark_gone(port.posts[500][0][0], T0)  # deleted by hand: left alone
    assert not await attendance.ensure_notice(GUILD)
    await announcements(db, 600)  # #announcements recreated
    assert await attendance.ensure_notice(GUILD)
    assert len(port.posts[600]) == 1
    assert [i.purpose for i in await objects.with_prefix(GUILD, "attendance_notice:")] == [
        "attendance_notice:600"
    ]
    off = service(db, FakePort(), enabled=False)
    await announcements(db, 700)
    assert not await off.ensure_notice(GUILD)


async def test_export_is_gzipped_to_fit_the_upload_limit_or_refused(db: Database) -> None:
    repo = AttendanceRepository(db)
    await repo.write(Changes(inserts=[row(u, 0, 60) for u in range(400)]))
    small = await service(db, FakePort(), limit=1 << 20).export(GUILD)
    data = small.file.read()
    small.file.close()
    assert small.filename.endswith(".csv") and small.rows == 400
    assert len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) == 401

    packed = await service(db, FakePort(), limit=len(data) - 1).export(GUILD)
    assert packed.filename.endswith(".csv.gz")
    assert gzip.decompress(packed.file.read()) == data
    packed.file.close()

    with pytest.raises(ExportTooLarge):
        await service(db, FakePort(), limit=200).export(GUILD)
    with pytest.raises(AttendanceDisabled):
        await service(db, FakePort(), enabled=False).export(GUILD)
