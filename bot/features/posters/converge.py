"""Poster boards' Discord side converging to the database: after a programme change, at the
`prepare` time before a poster session (a durable job), and again later when Discord failed.

Claims, releases and convergence of one guild take the same lock, so a claim never races a
converge that would create the same post twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.bus import BoardTouched, Bus
from bot.core.problems import Problems
from bot.core.scheduler import Handler
from bot.core.scheduler import Outcome as JobOutcome
from bot.domain.clock import Clock
from bot.domain.errors import DiscordUnavailable
from bot.domain.ports import PosterPort
from bot.features.posters.places import PosterPlaces
from bot.features.posters.repo import PosterRepository
from bot.features.sessions.domain.model import Session, SessionKind
from bot.features.sessions.service import SessionService
from bot.store.job_repo import Job, JobRepository
from bot.store.uow import Transaction, UnitOfWork

log = logging.getLogger(__name__)

JOB_PREPARE = "poster.prepare"  # subject: the poster session
JOB_CONVERGE = "poster.converge"  # subject: the guild (a retry after Discord failed)
RETRY = timedelta(seconds=30)


class PosterConvergence:
    def __init__(
        self,
        uow: UnitOfWork,
        repo: PosterRepository,
        sessions: SessionService,
        places: PosterPlaces,
        jobs: JobRepository,
        port: PosterPort,
        clock: Clock,
        *,
        poke: Callable[[], None],
        problems: Problems,
        bus: Bus,
    ) -> None:
        self._bus = bus
        self._problems = problems
        self._uow = uow
        self._repo = repo
        self._sessions = sessions
        self.places = places
        self._jobs = jobs
        self._port = port
        self._clock = clock
        self._poke = poke
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._pending: dict[int, asyncio.Task[None]] = {}
        self._stopped = False
        self._running: set[asyncio.Task[None]] = set()

    def jobs(self) -> dict[str, Handler]:
        return {JOB_PREPARE: self._prepare_job, JOB_CONVERGE: self._converge_job}

    def lock(self, guild_id: int) -> asyncio.Lock:
        """The guild's lock for anything that changes boards on Discord."""
        return self._locks[guild_id]

    async def schedule_prepare(self, tx: Transaction, session: Session, now: datetime) -> None:
        """(In the caller's transaction) the boards' channels appear `prepare` before the start."""
        prepare_at = max(now, session.start - self.places.config.prepare)
        await self._jobs.schedule(tx, session.guild_id, JOB_PREPARE, session.id, prepare_at, now)

    def touch(self, guild_id: int) -> None:
        """The programme changed (a poster session opened, closed, moved): converge soon."""
        if self._stopped or guild_id in self._pending:
            return
        task = asyncio.create_task(self._converge_soon(guild_id), name=f"posters-{guild_id}")
        self._pending[guild_id] = task
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def settled(self, guild_id: int) -> None:
        while self._running:
            await asyncio.gather(*(asyncio.shield(t) for t in list(self._running)))

    async def stop(self) -> None:
        self._stopped = True
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _converge_soon(self, guild_id: int) -> None:
        try:
            await asyncio.sleep(0)
            self._pending.pop(guild_id, None)
            async with self._problems.background(guild_id, "posters", "problems.what.posters"):
                await self.converge(guild_id)
        except DiscordUnavailable:
            await self.retry_later(guild_id)
        except Exception:
            log.exception("poster boards of guild %s could not be converged", guild_id)
        finally:
            self._pending.pop(guild_id, None)

    async def converge(self, guild_id: int) -> None:
        """Make Discord match every poster session's boards."""
        async with self._locks[guild_id]:
            channels, _ = await self._sessions.places.discord_ids(guild_id)
            sessions = await self._sessions.programme(guild_id)
            for session in sessions:
                if session.kind is not SessionKind.POSTER:
                    continue
                boards = await self._repo.boards(session.id)
                forum = channels.get(session.id)
                if forum is not None and self._port.channel(guild_id, forum) is None:
                    forum = None  # being recreated by the programme's reconciler
                await self.places.converge(guild_id, session, boards, forum)

    async def _prepare_job(self, job: Job) -> JobOutcome:
        session = await self._sessions.get_any(job.subject_id)
        if session is None or session.cancelled:
            return JobOutcome.DROPPED
        if not self.places.prepared(session):
            # The session moved later: come back at its new time.
            async with self._uow.transaction() as tx:
                await self._jobs.schedule(
                    tx,
                    session.guild_id,
                    JOB_PREPARE,
                    session.id,
                    session.start - self.places.config.prepare,
                    self._clock.now(),
                )
            return JobOutcome.DROPPED
        await self.converge(session.guild_id)
        await self._bus.publish(BoardTouched(session.guild_id))
        return JobOutcome.DONE

    async def _converge_job(self, job: Job) -> JobOutcome:
        await self.converge(job.subject_id)
        return JobOutcome.DONE

    async def retry_later(self, guild_id: int) -> None:
        now = self._clock.now()
        async with self._uow.transaction() as tx:
            await self._jobs.schedule_earliest(
                tx, guild_id, JOB_CONVERGE, guild_id, now + RETRY, now
            )
        self._poke()
