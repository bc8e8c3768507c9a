"""Recording attendance: observations in, rows out, without blocking the event loop.

`record()` only appends to a queue (the gateway tap calls it synchronously, in gateway order). One
writer task takes everything queued so far, folds it (bot/features/attendance/domain/tracker.py) and
writes the result in one transaction, so a burst of events costs a few transactions, not one
each. Every committed batch is a sign of life: it notes that the bot was watching until the
moment it took the batch (everything seen until then is in it); while nothing happens, a beat
every `heartbeat_seconds` (just after a whole second, as stored times are whole seconds) does
the same. When the process first connects to the gateway, the rows a previous run left open
are taken over with its last sign of life and reconciled with the voice states Discord sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from itertools import count

from bot.domain.clock import Clock
from bot.features.attendance.domain.observations import (
    Beat,
    Connected,
    Forget,
    Observation,
    channels_of,
)
from bot.features.attendance.domain.stays import OTHER
from bot.features.attendance.domain.tracker import Tracker
from bot.features.attendance.repo import AttendanceRepository

log = logging.getLogger(__name__)

MAX_BATCH = 5000  # observations per transaction
RETRY_FIRST, RETRY_MAX = 0.5, 10.0  # seconds between attempts when a write fails
PAST_THE_SECOND = 0.005  # the idle beat wakes this long after a whole second


class AttendanceRecorder:
    def __init__(
        self,
        repo: AttendanceRepository,
        clock: Clock,
        *,
        enabled: bool,
        heartbeat: timedelta,
    ) -> None:
        self._repo = repo
        self._clock = clock
        self.enabled = enabled
        self._heartbeat = heartbeat
        self._queue: asyncio.Queue[tuple[Observation, float]] = asyncio.Queue()
        self._tracker = Tracker()
        self._tasks: list[asyncio.Task[None]] = []
        self._queued = 0  # observations queued so far
        self._written = 0  # ... and written
        self._progress = asyncio.Condition()
        self._forgets: dict[int, asyncio.Future[int]] = {}
        self._tokens = count(1)
        self._stopped = False
        self._adopted = False  # the rows a previous run left open were taken over
        # Told of every written batch: (what it held with when each was queued, perf_counter at
        # commit). For benchmarks and tests; never needed to run.
        self.on_written: Callable[[Sequence[tuple[Observation, float]], float], None] | None = None
        # Told, after a commit, of the guilds that got new rows, each with when the earliest of
        # them began (epoch seconds; the retention job follows).
        self.on_rows: Callable[[dict[int, int]], Awaitable[None]] | None = None

    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._stopped

    def record(self, observation: Observation) -> None:
        """Queue what the gateway showed (never blocks, never fails)."""
        if not self.running:
            return
        self._queued += 1
        self._queue.put_nowait((observation, time.perf_counter()))

    async def start(self) -> None:
        """Start the writer (when enabled). What a previous run left open is taken over when
        the gateway first connects, not here: `workshop-bot sync` also builds the bot, possibly
        while the real one runs, and must not touch its open stays."""
        if self.enabled and not self._tasks:
            self._stopped = False
            self._tasks = [
                asyncio.create_task(self._write_loop(), name="attendance-writer"),
                asyncio.create_task(self._beat_loop(), name="attendance-heartbeat"),
            ]

    async def flush(self) -> None:
        """Until everything queued before this call is written."""
        if not self.running:
            return
        target = self._queued
        async with self._progress:
            await self._progress.wait_for(lambda: self._written >= target or not self.running)

    async def stop(self, grace: float = 10.0) -> None:
        """Write what is queued (up to `grace` seconds), then stop."""
        if not self._tasks:
            return
        self.record(Beat(self._clock.now()))  # watched until now (if still connected)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await self.flush()
        self._stopped = True
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        left = self._queue.qsize()
        if left:
            log.warning("attendance: %s observations were not written before shutdown", left)
        for future in self._forgets.values():
            if not future.done():
                future.cancel()

    async def forget(self, guild_id: int, user_id: int) -> int:
        """Delete everything recorded about a person here; returns how many stays went. Goes
        through the writer, so nothing queued before it is written back afterwards."""
        if not self.running:
            return await self._repo.delete_person(guild_id, user_id)
        token = next(self._tokens)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._forgets[token] = future
        self.record(Forget(guild_id, user_id, token))
        try:
            return await future
        finally:
            self._forgets.pop(token, None)

    # -- the writer ------------------------------------------------------------------------------

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except asyncio.QueueEmpty:
                    break
            # Everything seen until now is in this batch (unless it was cut at MAX_BATCH).
            alive = self._clock.now() if self._queue.empty() else None
            await self._write_until_done(batch, alive)
            async with self._progress:
                self._written += len(batch)
                self._progress.notify_all()

    async def _write_until_done(
        self, batch: list[tuple[Observation, float]], alive: datetime | None
    ) -> None:
        delay = RETRY_FIRST
        failures = 0
        while True:
            try:
                await self._write(batch, alive)
                if failures:
                    log.warning("attendance: written after %s failed attempts", failures)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                if failures == 1:
                    log.exception(
                        "attendance: writing %s observations failed; retrying", len(batch)
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)

    async def _write(self, batch: list[tuple[Observation, float]], alive: datetime | None) -> None:
        observations = [item for item, _ in batch]
        tracker = self._tracker.copy()
        adopted: int | None = None
        if not self._adopted and any(isinstance(item, Connected) for item in observations):
            # The first gateway session of this process: take over what the last run left open.
            stays, last_beat = await self._repo.left_open()
            tracker.adopt(stays, last_beat)
            adopted = len(stays)
        if alive is not None:
            observations.append(Beat(alive))  # a committed batch is a sign of life
        held = [move for moves in tracker.held.values() for move in moves]
        places = await self._repo.places(channels_of([*observations, *held]))
        changes = tracker.apply(observations, lambda channel: places.get(channel, OTHER))
        deleted = await self._repo.write(changes) if not changes.empty else {}
        self._tracker = tracker
        if adopted is not None:
            self._adopted = True
            if adopted:
                log.info("attendance: took over %s stays the last run left open", adopted)
        for _guild, _user, token in changes.forgets:
            future = self._forgets.get(token)
            if future is not None and not future.done():
                future.set_result(deleted.get(token, 0) + changes.forgotten_in_batch[token])
        if self.on_written is not None:
            self.on_written(batch, time.perf_counter())
        if self.on_rows is not None and changes.inserts:
            first: dict[int, int] = {}
            for row in changes.inserts:
                first[row.guild_id] = min(row.joined_at, first.get(row.guild_id, row.joined_at))
            await self.on_rows(first)

    async def _beat_loop(self) -> None:
        seconds = self._heartbeat.total_seconds()
        while True:
            # Stored times are whole seconds: beating just after one loses no fraction of it.
            fraction = self._clock.now().timestamp() % 1
            await asyncio.sleep(seconds - fraction + PAST_THE_SECOND)
            self.record(Beat(self._clock.now()))
