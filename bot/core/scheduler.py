"""Durable timers: jobs live in SQLite, so a restart forgets nothing.

A job is claimed ('running') before its handler acts and finished after. A job found 'running'
when the bot starts was interrupted by a crash: it runs again with `job.interrupted` set, and its
handler makes sure the effect happens once (actions are idempotent; a reminder checks whether it
was already posted). A handler returns DONE or DROPPED (no longer meaningful, e.g. a reminder for
a session that already started). A handler that raises is retried with backoff, then marked
failed. A handler that Discord refuses for good (a permission the bot lacks...) records a
problem (one WARNING line, shown in `/workshop status`) and is tried again every few minutes
for as long as the handler finds it meaningful; its success clears the problem.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.problems import RETRY_AFTER, Problems
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused
from bot.store.job_repo import Job, JobRepository

log = logging.getLogger(__name__)

MAX_SLEEP_SECONDS = 60.0  # re-check at least this often (suspend, clock changes)


class Outcome(StrEnum):
    DONE = "done"
    DROPPED = "dropped"


Handler = Callable[[Job], Awaitable[Outcome]]


class Scheduler:
    def __init__(
        self,
        jobs: JobRepository,
        clock: Clock,
        *,
        gate: Callable[[], Awaitable[object]] | None = None,
        retry_delay: timedelta = timedelta(seconds=30),
        max_attempts: int = 5,
        problems: Problems | None = None,
    ) -> None:
        self._problems = problems
        self._jobs = jobs
        self._clock = clock
        self._gate = gate  # awaited before the first run (the bot's cache must be ready)
        self._handlers: dict[str, Handler] = {}
        self._retry_delay = retry_delay
        self._max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running = asyncio.Lock()  # one run at a time: a claimed job is never run twice
        self._stopping = False
        clock.subscribe(self.poke)

    def register(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def poke(self) -> None:
        """Something changed (a job was scheduled, the clock jumped): look again now."""
        self._idle.clear()
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="scheduler")

    async def stop(self, grace: float = 10.0) -> None:
        """Let a job that is running finish (up to `grace` seconds), then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace), self._running:
                task.cancel()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def next_due(self) -> datetime | None:
        """When the next pending job is due (rehearsals jump the clock there)."""
        return await self._jobs.next_due()

    async def idle(self) -> None:
        """Until every job due at the clock's current time has run (tests and rehearsals)."""
        await self._idle.wait()

    async def _loop(self) -> None:
        if self._gate is not None:
            await self._gate()
        while True:
            self._wake.clear()
            try:
                await self.run_due()
            except Exception:
                log.exception("the scheduler failed to read its jobs; retrying")
                await asyncio.sleep(1)
                continue
            next_due = await self._jobs.next_due()
            timeout = None if next_due is None else self._clock.real_seconds_until(next_due)
            if timeout is not None:
                timeout = min(timeout, MAX_SLEEP_SECONDS)
            if not self._wake.is_set():
                self._idle.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def run_due(self) -> int:
        """Run every job that is due now (interrupted ones first). Returns how many ran."""
        ran = 0
        async with self._running:
            while True:
                due = await self._jobs.due(self._clock.now())
                if not due:
                    return ran
                for job in due:
                    if self._stopping:
                        return ran
                    await self._run(job)
                    ran += 1

    async def _run(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        if handler is None:
            log.error("no handler for job kind %r (job %s); marking it failed", job.kind, job.id)
            await self._jobs.finish(job.id, "failed", self._clock.now(), "no handler")
            return
        if not await self._jobs.claim(job, self._clock.now()):
            return
        try:
            outcome = await handler(job)
        except DiscordRefused as refusal:
            await self._refused(job, refusal)
            return
        except Exception as exc:
            attempts = job.attempts + 1
            if attempts >= self._max_attempts:
                log.exception("job %s (%s) failed %s times; giving up", job.id, job.kind, attempts)
                await self._jobs.finish(job.id, "failed", self._clock.now(), repr(exc)[:500])
            else:
                log.warning(
                    "job %s (%s) failed (attempt %s); retrying",
                    job.id,
                    job.kind,
                    attempts,
                    exc_info=True,
                )
                due = self._clock.now() + self._retry_delay * attempts
                await self._jobs.retry_later(job.id, due, repr(exc)[:500])
            return
        await self._jobs.finish(job.id, outcome.value, self._clock.now())
        if self._problems is not None:
            await self._problems.clear(
                job.guild_id, self._problems.job_key(job.kind, job.subject_id)
            )

    async def _refused(self, job: Job, refusal: DiscordRefused) -> None:
        """Not a bug and not worth a traceback: the cause is on the server. Try again later
        (the handler drops the job once it is no longer meaningful)."""
        due = self._clock.now() + RETRY_AFTER
        await self._jobs.retry_later(job.id, due, f"refused: {refusal.one_line()}"[:500])
        if self._problems is not None:
            key = self._problems.job_key(job.kind, job.subject_id)
            await self._problems.record(
                job.guild_id, key, refusal, f"problems.what.job.{job.kind}", subject=job.subject_id
            )
        else:
            log.warning("job %s (%s) refused by Discord: %s", job.id, job.kind, refusal.one_line())
