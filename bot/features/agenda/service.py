"""The personal agenda's use cases: what is on my agenda (Interested, mirrored live and
reconciled from Discord, or /agenda add), how I am reminded, my sessions from now on.

Interested arrives as raw gateway payloads (see bot/gateway/agenda.py) through a tap, in gateway
order, into a queue one worker writes from, so an add and a quick remove are never swapped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.features.agenda.domain import Mode, Slot, Snapshot, Source, clashes
from bot.features.agenda.repo import AgendaRepository
from bot.features.sessions.domain.model import Session, SessionStatus
from bot.features.sessions.service import SessionService
from bot.gateway.agenda import AgendaGateway, InterestPayload
from bot.store.job_repo import JobRepository
from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)

JOB_REMIND = "agenda.remind"
JOB_NOTICE = "agenda.notice"
NOTICE_DELAY = timedelta(minutes=1)  # a flurry of edits within a minute: one notice
DUE_SOON = timedelta(hours=2)  # events whose reminder is this close are read again on start


@dataclass(frozen=True)
class AgendaConfig:
    reminder: timedelta  # before the start; 0: no agenda reminders


@dataclass(frozen=True)
class AgendaItem:
    session: Session
    clash: bool
    now: bool  # running


def snapshot_of(session: Session) -> Snapshot:
    return Snapshot(
        title=session.title,
        start=session.start,
        end=session.end,
        place=session.location,
        cancelled=session.cancelled,
    )


class AgendaService:
    def __init__(
        self,
        repo: AgendaRepository,
        sessions: SessionService,
        gateway: AgendaGateway,
        uow: UnitOfWork,
        jobs: JobRepository,
        clock: Clock,
        config: AgendaConfig,
        *,
        poke: Callable[[], None],
        serves: Callable[[int], bool],
    ) -> None:
        self.repo = repo
        self._sessions = sessions
        self._gateway = gateway
        self._uow = uow
        self._jobs = jobs
        self._clock = clock
        self.config = config
        self._poke = poke
        self._serves = serves
        self._queue: asyncio.Queue[InterestPayload] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self.reconcile_requests = 0  # GETs of subscriber lists (benchmarks read it)

    # -- Interested, live --------------------------------------------------------------------------

    def observe(self, payload: InterestPayload) -> None:
        """From the tap (synchronous, gateway order): queue it for the worker."""
        if not self._serves(payload.guild_id):
            return
        self._idle.clear()
        self._queue.put_nowait(payload)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(
                self._work(), name="agenda-interest"
            )

    async def settled(self) -> None:
        """Until every Interested payload seen so far is written (tests, benchmarks)."""
        await self._idle.wait()

    async def _work(self) -> None:
        while True:
            try:
                payload = await asyncio.wait_for(self._queue.get(), timeout=5)
            except TimeoutError:
                if self._queue.empty():
                    self._idle.set()
                    return
                continue
            try:
                await self._apply(payload)
            except Exception:
                log.exception("could not record an Interested change (%r)", payload)
            finally:
                self._queue.task_done()
                if self._queue.empty():
                    self._idle.set()

    async def stop(self) -> None:
        """Write what is queued, then stop the worker."""
        if self._worker is not None and not self._worker.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), 10)
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker

    async def _session_of_event(self, guild_id: int, event_id: int) -> int | None:
        _, events = await self._sessions.places.discord_ids(guild_id)
        for session_id, known in events.items():
            if known == event_id:
                return session_id
        return None

    async def _apply(self, payload: InterestPayload) -> None:
        session_id = await self._session_of_event(payload.guild_id, payload.event_id)
        if session_id is None:
            return  # an event that is no session's (made by hand)
        now = self._clock.now()
        guild, user = payload.guild_id, payload.user_id
        if payload.interested:
            await self.repo.add(guild, user, session_id, Source.EVENT, now)
            await self.repo.bump_synced(payload.event_id, +1)
            session = await self._sessions.get_any(session_id)
            if session is not None:
                await self.track(session)
        else:
            await self.repo.remove_interest(guild, user, session_id)
            await self.repo.bump_synced(payload.event_id, -1)

    # -- by command --------------------------------------------------------------------------------

    async def add(self, guild_id: int, user_id: int, session: Session) -> bool:
        if session.cancelled:
            raise InvalidInput("agenda.error_cancelled", title=session.title)
        if session.status is SessionStatus.CLOSED or session.end <= self._clock.now():
            raise InvalidInput("agenda.error_over", title=session.title)
        added = await self.repo.add(
            guild_id, user_id, session.id, Source.COMMAND, self._clock.now()
        )
        await self.track(session)
        return added

    async def remove(self, guild_id: int, user_id: int, session: Session) -> bool:
        return await self.repo.remove_by_command(guild_id, user_id, session.id)

    async def mode(self, guild_id: int, user_id: int) -> Mode:
        return await self.repo.mode(guild_id, user_id)

    async def set_mode(self, guild_id: int, user_id: int, mode: Mode) -> None:
        await self.repo.set_mode(guild_id, user_id, mode)

    # -- reads -------------------------------------------------------------------------------------

    async def marked(self, guild_id: int, user_id: int) -> frozenset[int]:
        """The sessions on the person's agenda (the ★ of /schedule show and /session list)."""
        return frozenset(await self.repo.sessions_of(guild_id, user_id))

    async def agenda(self, guild_id: int, user_id: int) -> list[AgendaItem]:
        """My sessions from now on (running ones too), next first, clashes marked."""
        now = self._clock.now()
        mine = set(await self.repo.sessions_of(guild_id, user_id))
        programme = await self._sessions.programme(guild_id, include_cancelled=False)
        sessions = sorted(
            (
                s
                for s in programme
                if s.id in mine and s.end > now and s.status is not SessionStatus.CLOSED
            ),
            key=lambda s: (s.start, s.id),
        )
        overlapping = clashes([Slot(s.id, s.start, s.end) for s in sessions])
        return [
            AgendaItem(session=s, clash=s.id in overlapping, now=s.start <= now < s.end)
            for s in sessions
        ]

    async def agenda_sessions(self, guild_id: int, user_id: int) -> list[Session]:
        """Every session on my agenda (for the .ics: cancelled ones too, so a calendar drops
        them)."""
        mine = set(await self.repo.sessions_of(guild_id, user_id))
        return [s for s in await self._sessions.programme(guild_id) if s.id in mine]

    # -- what a session on someone's agenda needs --------------------------------------------------

    async def track(self, session: Session) -> None:
        """A session has subscribers: keep what they last heard of it, and its reminder."""
        found = await self.repo.snapshot(session.id)
        if found is None:
            await self.repo.put_snapshot(session.guild_id, session.id, snapshot_of(session))
            reminded = None
        else:
            reminded = found[1]
        await self.plan_reminder(session, reminded)

    async def plan_reminder(
        self, session: Session, reminded: datetime | None, pending: datetime | None = None
    ) -> None:
        """The session's reminder wave, once per start, only while it is still ahead. `pending`:
        when its pending job is due now (nothing to write when unchanged)."""
        lead = self.config.reminder
        now = self._clock.now()
        due = session.start - lead
        if not lead or session.status is not SessionStatus.SCHEDULED or reminded == session.start:
            async with self._uow.transaction() as tx:
                await self._jobs.cancel(tx, session.id, (JOB_REMIND,))
            return
        if due <= now or pending == due:
            return  # too late for a new one (a job due now still runs); or already planned
        async with self._uow.transaction() as tx:
            await self._jobs.schedule(tx, session.guild_id, JOB_REMIND, session.id, due, now)
        self._poke()

    # -- reconcile from Discord --------------------------------------------------------------------

    async def reconcile(self, guild_id: int) -> None:
        """On start and after a new gateway session: read again the subscriber lists of the
        events whose count changed (one request for all counts), that were never read, or whose
        reminder is due soon; events nobody is interested in cost nothing."""
        _, events = await self._sessions.places.discord_ids(guild_id)
        if not events:
            return
        counts = await self._gateway.event_user_counts(guild_id)
        synced = await self.repo.synced(guild_id)
        now = self._clock.now()
        for session_id, event_id in sorted(events.items()):
            if event_id not in counts:
                continue  # gone from Discord: the sessions feature converges it
            session = await self._sessions.get_any(session_id)
            if session is None:
                continue
            count = counts[event_id]
            held = await self.repo.interested(session_id)
            soon = session.start - self.config.reminder - DUE_SOON <= now < session.start
            if count == 0 and not held:
                if event_id not in synced:
                    await self.repo.set_synced(guild_id, event_id, session_id, 0, now)
                continue
            if synced.get(event_id) == count and len(held) == count and not soon:
                continue
            users = await self._gateway.event_users(guild_id, event_id)
            self.reconcile_requests += users.requests
            added, removed = await self.repo.set_interested(
                guild_id, session_id, users.members, now
            )
            await self.repo.set_synced(
                guild_id, event_id, session_id, len(users.members) + len(users.gone), now
            )
            if added or removed:
                log.info(
                    "agenda: event %s of session %s: %s added, %s removed while away",
                    event_id,
                    session_id,
                    len(added),
                    len(removed),
                )
            if users.members:
                await self.track(session)

    # -- a person's data ---------------------------------------------------------------------------

    async def count_person(self, guild_id: int, user_id: int) -> int:
        return await self.repo.count_person(guild_id, user_id)

    async def forget_person(self, guild_id: int, user_id: int) -> int:
        return await self.repo.forget_person(guild_id, user_id)
