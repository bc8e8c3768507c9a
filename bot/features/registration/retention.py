"""Registrant data is personal data and goes with attendance: what was last imported or bound
longer ago than `attendance.retention_days` is deleted, daily, by a durable job (it runs after
restarts, once per day per guild while anything is kept)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock, to_epoch
from bot.features.registration.repo import RegistrationRepository
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository

JOB_PURGE = "registration.purge"  # subject: the guild; runs daily
PURGE_EVERY = timedelta(days=1)


class Retention:
    def __init__(
        self,
        db: Database,
        repo: RegistrationRepository,
        jobs: JobRepository,
        clock: Clock,
        *,
        keep: timedelta,
        poke: Callable[[], None],
    ) -> None:
        self._db = db
        self._repo = repo
        self._jobs = jobs
        self._clock = clock
        self._keep = keep
        self._poke = poke

    def jobs(self) -> dict[str, Handler]:
        return {JOB_PURGE: self._job}

    async def schedule(self, guild_id: int) -> None:
        """While anything is kept, the daily purge is planned (at start, after an import)."""
        if not await self._repo.has_rows(guild_id):
            return
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await self._jobs.schedule_earliest(conn, guild_id, JOB_PURGE, guild_id, now, now)
        self._poke()

    async def purge(self, guild_id: int) -> int:
        return await self._repo.purge_older(guild_id, to_epoch(self._clock.now() - self._keep))

    async def _job(self, job: Job) -> Outcome:
        await self.purge(job.guild_id)
        if await self._repo.has_rows(job.guild_id):
            now = self._clock.now()
            async with self._db.transaction() as conn:
                await self._jobs.schedule(
                    conn, job.guild_id, JOB_PURGE, job.guild_id, now + PURGE_EVERY, now
                )
        return Outcome.DONE
