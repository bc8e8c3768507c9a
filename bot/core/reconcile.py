"""The reconciler's router: what Discord reports (a guild available, an owned object deleted)
goes to the features that own it, which converge Discord back to the database.

Each feature registers `Converge` hooks (run in feature order when a guild becomes available,
each on its own: one that Discord refuses is a recorded problem and the others still run) and
`Repair` hooks for the purpose prefixes of the objects it owns."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from bot.core.problems import JOB_RETRY, Problems
from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock
from bot.store.job_repo import Job
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

GuildHook = Callable[[int], Awaitable[object]]
# guild id -> True while the guild's Discord objects must be left alone (a wrapped-up workshop)
Hold = Callable[[int], Awaitable[bool]]
# (guild id, the owned object's purpose, its Discord id) -> converge it back
RepairHook = Callable[[int, str, int], Awaitable[object]]


@dataclass(frozen=True)
class Converge:
    """Converge a guild back to the database (on start, a new gateway session, permissions
    regained, a retry after a refusal). `problem` is the key (and `what` the catalog key of its
    description) under which a refusal is recorded; None: the hook records its own."""

    run: GuildHook
    problem: str | None = None
    what: str | None = None


@dataclass(frozen=True)
class Repair:
    """Owned objects whose purpose starts with one of `prefixes` were deleted (by hand): repair.
    `fallback`: also for purposes no feature claims (the base channels)."""

    run: RepairHook
    prefixes: tuple[str, ...] = ()
    problem: str | None = None
    what: str | None = None
    fallback: bool = False


class Reconciler:
    def __init__(self, objects: StructureRepository, problems: Problems, clock: Clock) -> None:
        self._problems = problems
        self._objects = objects
        self._clock = clock
        self._converge: list[Converge] = []
        self._repairs: list[Repair] = []
        self._holds: list[Hold] = []

    def add(self, converge: tuple[Converge, ...] = (), repairs: tuple[Repair, ...] = ()) -> None:
        self._converge.extend(converge)
        self._repairs.extend(repairs)

    def hold(self, predicate: Hold) -> None:
        """While `predicate(guild)` holds, nothing is converged or repaired in that guild (after
        the workshop's wrap-up its places stay locked, and a teardown's deletions stay deleted)."""
        self._holds.append(predicate)

    async def held(self, guild_id: int) -> bool:
        for predicate in self._holds:
            if await predicate(guild_id):
                return True
        return False

    def jobs(self) -> dict[str, Handler]:
        return {JOB_RETRY: self._retry}

    async def _retry(self, job: Job) -> Outcome:
        """A few minutes after Discord refused background work: converge the guild again
        (what still fails is recorded again, and retried again later)."""
        await self.guild_available(job.subject_id)
        return Outcome.DONE

    @contextlib.asynccontextmanager
    async def _guarded(
        self, guild_id: int, problem: str | None, what: str | None
    ) -> AsyncIterator[None]:
        if problem is None or what is None:
            yield
            return
        async with self._problems.background(guild_id, problem, what):
            yield

    async def guild_available(self, guild_id: int) -> None:
        """On start, after a new gateway session and when the bot's permissions changed:
        converge whatever changed while away."""
        if await self.held(guild_id):
            log.info("guild %s is wrapped up: its Discord objects are left as they are", guild_id)
            return
        for hook in self._converge:
            async with self._guarded(guild_id, hook.problem, hook.what):
                await hook.run(guild_id)

    async def object_deleted(self, guild_id: int, discord_id: int) -> bool:
        """A channel, message or event the bot owns was deleted (by hand): bring it back, or
        (a topic room) forget it."""
        item = await self._objects.mark_gone(discord_id, self._clock.now())
        if item is None:
            return False
        if await self.held(guild_id):
            return True  # wrapped up: what is deleted stays deleted
        log.warning("owned %s %s (%s) was deleted", item.kind.value, discord_id, item.purpose)
        owners = [r for r in self._repairs if r.prefixes and item.purpose.startswith(r.prefixes)]
        for repair in owners or [r for r in self._repairs if r.fallback]:
            async with self._guarded(guild_id, repair.problem, repair.what):
                await repair.run(guild_id, item.purpose, discord_id)
        return True
