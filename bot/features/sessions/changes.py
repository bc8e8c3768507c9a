"""A person's programme change: whole, or not at all.

A change is written first (intent, one transaction), then Discord is made to match the sessions
it touched. When Discord refuses for good (a permission the bot lacks, a full category, a body
it rejects), the change must not stay half made: the programme rows and their timers go back to
how they were before the change, and Discord is converged back to that (what was already made
for the change is removed). If Discord refuses the clean-up too, what is left over is recorded
as a problem and removed as soon as Discord allows it. A server error (5xx) is no refusal: the
change stands and Discord catches up later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.core.problems import Problems
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, DiscordUnavailable
from bot.features.sessions.places import SessionPlaces
from bot.features.sessions.repo import SessionRepository
from bot.store.job_repo import Job, JobRepository
from bot.store.uow import Transaction, UnitOfWork

SESSIONS_PROBLEM = "sessions"
SESSIONS_WHAT = "problems.what.sessions"


@dataclass(frozen=True)
class Snapshot:
    rows: list[dict[str, Any]]
    jobs: list[Job]


Write = Callable[[Transaction], Awaitable[set[int]]]


class ProgrammeChanges:
    def __init__(
        self,
        uow: UnitOfWork,
        sessions: SessionRepository,
        jobs: JobRepository,
        places: SessionPlaces,
        problems: Problems,
        clock: Clock,
        *,
        job_kinds: tuple[str, ...],
        retry_later: Callable[[int], Any],
    ) -> None:
        self._uow = uow
        self._sessions = sessions
        self._jobs = jobs
        self._places = places
        self._problems = problems
        self._clock = clock
        self._kinds = job_kinds
        self._retry_later = retry_later

    async def apply(self, guild_id: int, write: Write) -> tuple[list[int], bool]:
        """Write a person's change, then make Discord match the sessions it touched (their
        ids, returned sorted, with whether Discord was unavailable). Discord refusing puts
        everything back as it was and the refusal goes on to the person."""
        snapshot = await self.take(guild_id)
        async with self._uow.transaction() as tx:
            touched = await write(tx)
        try:
            await self._places.converge(guild_id, only=touched)
        except DiscordRefused as refusal:
            await self.put_back(guild_id, snapshot, refusal)
            raise
        except DiscordUnavailable:
            return sorted(touched), True
        return sorted(touched), False

    async def take(self, guild_id: int) -> Snapshot:
        """The guild's programme and its pending timers, before a change (inside its lock)."""
        return Snapshot(
            rows=await self._sessions.rows(guild_id),
            jobs=await self._jobs.pending_of(guild_id, self._kinds),
        )

    async def put_back(self, guild_id: int, snapshot: Snapshot, refusal: DiscordRefused) -> None:
        """The programme as `snapshot` had it, and Discord converged back to it. Sets
        `refusal.leftovers` when Discord would not let everything be removed yet."""
        now = self._clock.now()
        async with self._uow.transaction() as tx:
            await self._sessions.restore(tx, guild_id, snapshot.rows)
            await self._jobs.restore_pending(tx, guild_id, self._kinds, snapshot.jobs, now)
        try:
            await self._places.converge(guild_id)
        except DiscordRefused as again:
            refusal.leftovers = True
            await self._problems.record(guild_id, SESSIONS_PROBLEM, again, SESSIONS_WHAT)
        except DiscordUnavailable:
            refusal.leftovers = True
            await self._retry_later(guild_id)
