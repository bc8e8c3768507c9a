"""What the scheduler does for sessions: remind, open, close, and widen the events window.

Each handler decides from the database and the clock whether it is still meaningful (a reminder
for a session that already started is dropped; an open that is due after the end is left to the
close) and is idempotent, so a job interrupted by a crash can run again: a reminder looks for the
post it may already have made before posting.
"""

from __future__ import annotations

import logging

from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock
from bot.domain.ports import SessionPort
from bot.features.sessions.announcer import Announcer
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.repo import SessionRepository
from bot.features.sessions.service import SessionService
from bot.features.sessions.texts import SessionTexts
from bot.features.sessions.timers import JOB_CLOSE, JOB_CONVERGE, JOB_OPEN, JOB_REMIND, JOB_WINDOW
from bot.store.job_repo import Job

log = logging.getLogger(__name__)


class SessionJobs:
    def __init__(
        self,
        service: SessionService,
        sessions: SessionRepository,
        announcer: Announcer,
        port: SessionPort,
        clock: Clock,
        texts: SessionTexts,
    ) -> None:
        self._service = service
        self._sessions = sessions
        self._announcer = announcer
        self._port = port
        self._clock = clock
        self._texts = texts

    def jobs(self) -> dict[str, Handler]:
        return {
            JOB_REMIND: self.remind,
            JOB_OPEN: self.open,
            JOB_CLOSE: self.close,
            JOB_WINDOW: self.window,
            JOB_CONVERGE: self.window,
        }

    async def _session(self, job: Job) -> Session | None:
        session = await self._sessions.get(job.subject_id)
        if session is None or session.cancelled:
            return None
        return session

    async def remind(self, job: Job) -> Outcome:
        session = await self._session(job)
        now = self._clock.now()
        if session is None or session.status is not SessionStatus.SCHEDULED or now >= session.start:
            return Outcome.DROPPED
        channel_id = await self._service.places.channel_id(session.id, session.guild_id)
        announcements = await self._announcer.channel(session.guild_id)
        # A poster session's place is a forum (no chat of its own): #announcements only.
        chat = None if session.kind is SessionKind.POSTER else channel_id
        targets = [t for t in (announcements, chat) if t is not None]
        text = self._texts.reminder(session, channel_id)
        marker = self._texts.reminder_marker(session)
        for target in targets:
            if job.interrupted and await self._port.find_post(target, marker) is not None:
                continue  # posted before the crash
            await self._port.post(target, text, marker=marker)
        return Outcome.DONE

    async def open(self, job: Job) -> Outcome:
        session = await self._session(job)
        if session is None or session.status is SessionStatus.CLOSED:
            return Outcome.DROPPED
        if self._clock.now() >= session.end:
            return Outcome.DROPPED  # the close job locks it; no point opening
        async with self._service.guild_lock(session.guild_id):
            if session.status is SessionStatus.SCHEDULED:
                await self._service.set_status(session, SessionStatus.OPEN)
            await self._service.converge_locked(session.guild_id)
        return Outcome.DONE

    async def close(self, job: Job) -> Outcome:
        session = await self._session(job)
        if session is None:
            return Outcome.DROPPED
        async with self._service.guild_lock(session.guild_id):
            if session.status is not SessionStatus.CLOSED:
                await self._service.set_status(session, SessionStatus.CLOSED)
            await self._service.converge_locked(session.guild_id)
        await self._service.announce_closed(session)
        return Outcome.DONE

    async def window(self, job: Job) -> Outcome:
        """Converge the guild (the events window moved, or a rename can be retried)."""
        await self._service.converge(job.subject_id)
        return Outcome.DONE
