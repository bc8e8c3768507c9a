"""The recorder's idle heartbeat against a real SQLite file: while nothing happens, a beat every
`heartbeat` notes that the bot was watching (what a crash's open stays are closed at); while
disconnected it stands still; the beat wakes just after a whole second."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.domain.clock import FakeClock
from bot.features.attendance.domain.observations import Disconnected, Observation
from bot.features.attendance.recorder import PAST_THE_SECOND, AttendanceRecorder
from bot.features.attendance.repo import AttendanceRepository
from bot.store.db import Database
from tests.fakes.attendance import E0, T0, connected

BEAT = timedelta(milliseconds=20)


class Batches:
    """What the recorder wrote, batch by batch; `await wait(n)` until n more were written."""

    def __init__(self, recorder: AttendanceRecorder) -> None:
        self.written: list[list[Observation]] = []
        self._changed = asyncio.Event()
        recorder.on_written = self._on_written

    def _on_written(self, batch: Sequence[tuple[Observation, float]], _at: float) -> None:
        self.written.append([item for item, _ in batch])
        self._changed.set()

    async def wait(self, more: int) -> None:
        target = len(self.written) + more
        async with asyncio.timeout(10):
            while len(self.written) < target:
                self._changed.clear()
                await self._changed.wait()


async def test_idle_beats_move_the_heartbeat_with_the_clock_only_while_connected(
    db: Database,
) -> None:
    clock = FakeClock(T0)
    repo = AttendanceRepository(db)
    recorder = AttendanceRecorder(repo, clock, enabled=True, heartbeat=BEAT)
    batches = Batches(recorder)
    await recorder.start()
    connected(recorder)
    await recorder.flush()
    assert await repo.heartbeat() == E0

    clock.advance(30)  # nothing happens for half a minute: only beats are written
    await batches.wait(2)
    assert await repo.heartbeat() == E0 + 30
    assert await db.fetch_value("SELECT COUNT(*) FROM attendance") == 0

    recorder.record(Disconnected(clock.now()))
    await recorder.flush()
    clock.advance(30)
    await batches.wait(2)  # beats go on, but the bot was not watching: no sign of life
    assert await repo.heartbeat() == E0 + 30

    connected(recorder)  # T0 again in the observations: the heartbeat never goes back
    await recorder.flush()
    await batches.wait(2)
    assert await repo.heartbeat() == E0 + 60
    await recorder.stop()


async def test_the_idle_beat_wakes_just_after_a_whole_second(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(T0 + timedelta(seconds=0.25))
    recorder = AttendanceRecorder(
        AttendanceRepository(db), clock, enabled=True, heartbeat=timedelta(seconds=1)
    )
    sleeps: list[float] = []
    asked = asyncio.Event()
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        asked.set()
        await real_sleep(3600)  # the first wake-up is all this test needs

    monkeypatch.setattr(asyncio, "sleep", sleep)
    await recorder.start()
    async with asyncio.timeout(10):
        await asked.wait()
    monkeypatch.undo()
    await recorder.stop()
    assert sleeps == [0.75 + PAST_THE_SECOND], "stored times are whole seconds"
