"""Problems: what background work could not do because Discord refused it for good.

A person's command that Discord refuses undoes itself and answers with the cause. Background work
(the start-up reconcile, jobs, listeners, the live board) has nobody to answer: it records a
*problem* instead (what, the cause, since when), logs one WARNING line when the problem is new,
shows it in `/workshop status`, and is tried again: a few minutes later, and at once when the
cause may have changed (the bot's permissions changed). The work that succeeds clears it.

The set of open problems is kept in memory too, so work that succeeds (the common case, on hot
paths such as the live board) costs no database write.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused
from bot.store.db import Database
from bot.store.job_repo import JobRepository
from bot.store.problem_repo import Problem, ProblemRepository

log = logging.getLogger(__name__)

JOB_RETRY = "problems.retry"  # subject: the guild; converges the whole guild again
RETRY_AFTER = timedelta(minutes=5)


class Problems:
    def __init__(
        self,
        db: Database,
        repo: ProblemRepository,
        jobs: JobRepository,
        clock: Clock,
        *,
        retry_after: timedelta = RETRY_AFTER,
    ) -> None:
        # The retry is a durable job a few minutes ahead: the scheduler, which looks at its jobs
        # at least every minute (and whenever the clock moves), picks it up without a poke.
        self._db = db
        self._repo = repo
        self._jobs = jobs
        self._clock = clock
        self._retry_after = retry_after
        self._known: set[tuple[int, str]] | None = None

    async def _open_keys(self) -> set[tuple[int, str]]:
        if self._known is None:
            self._known = {
                (problem.guild_id, problem.key)
                for guild_id in await self._repo.guilds()
                for problem in await self._repo.open(guild_id)
            }
        return self._known

    async def record(
        self, guild_id: int, key: str, refusal: DiscordRefused, what: str, **params: Any
    ) -> None:
        """Background work `key` was refused: remember it, say so once, try again later."""
        known = await self._open_keys()
        now = self._clock.now()
        new = await self._repo.record(guild_id, key, what, params, refusal, now)
        known.add((guild_id, key))
        if new:
            log.warning(
                "guild %s: %s could not be done, Discord refused: %s (retrying later)",
                guild_id,
                key,
                refusal.one_line(),
            )
        async with self._db.transaction() as conn:
            await self._jobs.schedule_earliest(
                conn, guild_id, JOB_RETRY, guild_id, now + self._retry_after, now
            )

    async def clear(self, guild_id: int, key: str) -> None:
        """Work `key` succeeded: its problem, if any, is resolved."""
        known = await self._open_keys()
        if (guild_id, key) not in known:
            return
        known.discard((guild_id, key))
        if await self._repo.clear(guild_id, key):
            log.info("guild %s: %s works again", guild_id, key)

    async def open(self, guild_id: int) -> list[Problem]:
        return await self._repo.open(guild_id)

    async def any_open(self, guild_id: int) -> bool:
        return any(g == guild_id for g, _ in await self._open_keys())

    def job_key(self, kind: str, subject_id: int) -> str:
        return f"job:{kind}:{subject_id}"

    @asynccontextmanager
    async def background(
        self, guild_id: int, key: str, what: str, **params: Any
    ) -> AsyncIterator[None]:
        """Run background work: a refusal becomes a problem (and goes no further), success
        clears the problem of the same key."""
        try:
            yield
        except DiscordRefused as refusal:
            await self.record(guild_id, key, refusal, what, **params)
        else:
            await self.clear(guild_id, key)
