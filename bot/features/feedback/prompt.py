"""The feedback prompt: when a session closes, a message with the *Rate this session* button in
its chat (and, with `feedback.dm`, by DM to the people who attended it).

Durable: the `SessionClosed` event only schedules the job `feedback.prompt` (subject: the
session); the job posts. The message is an owned object (`feedback:<session>:prompt`): intent
first, then the post, then its id, so a rerun after a crash finds what it posted (by its
marker) instead of posting twice. At start-up, closed sessions still open for ratings whose
prompt was never recorded get their job (a crash between the close and the scheduling).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import discord

from bot.core.bus import SessionClosed
from bot.core.direct import DirectMessages
from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock
from bot.domain.ports import SessionPort, StructurePort
from bot.domain.structure import ItemKind
from bot.features.feedback.render import FeedbackRender, prompt_marker
from bot.features.feedback.service import FeedbackService
from bot.features.feedback.views import RateButton
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.service import SessionService
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)


class PromptPort(SessionPort, StructurePort, Protocol):
    """Posting a message with buttons, and finding it again."""


JOB_PROMPT = "feedback.prompt"
PREFIX = "feedback:"


def prompt_purpose(session_id: int) -> str:
    return f"{PREFIX}{session_id}:prompt"


class FeedbackPrompts:
    def __init__(
        self,
        db: Database,
        jobs: JobRepository,
        objects: StructureRepository,
        sessions: SessionService,
        feedback: FeedbackService,
        port: PromptPort,
        clock: Clock,
        render: FeedbackRender,
        button: type[RateButton],
        *,
        locale: str,
        poke: Callable[[], None],
        direct: DirectMessages | None = None,
    ) -> None:
        self._db = db
        self._jobs = jobs
        self._objects = objects
        self._sessions = sessions
        self._feedback = feedback
        self._port = port
        self._clock = clock
        self._render = render
        self._button = button
        self._locale = locale
        self._poke = poke
        self._direct = direct  # None: no DMs (feedback.dm is off)

    def jobs(self) -> dict[str, Handler]:
        return {JOB_PROMPT: self._prompt_job}

    async def closed(self, event: SessionClosed) -> None:
        await self._schedule(event.guild_id, event.session_id)

    async def _schedule(self, guild_id: int, session_id: int) -> None:
        item = await self._objects.get(guild_id, prompt_purpose(session_id))
        if item is not None and not item.pending:
            return  # prompted already
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await self._jobs.schedule_earliest(conn, guild_id, JOB_PROMPT, session_id, now, now)
        self._poke()

    async def converge(self, guild_id: int) -> None:
        """Closed sessions still open for ratings whose prompt is missing get their job."""
        now = self._clock.now()
        for session in await self._sessions.programme(guild_id):
            if session.status is not SessionStatus.CLOSED or session.kind is SessionKind.POSTER:
                continue  # (a poster session has no chat to post in)
            if now >= self._feedback.window(session).closes:
                continue
            await self._schedule(guild_id, session.id)

    async def _send_dms(self, session: Session, closes: int) -> int:
        """The prompt by DM to each person who attended long enough, at most once each (the
        claim is written before the DM goes); people who do not take DMs are skipped."""
        assert self._direct is not None
        sent = 0
        for user_id in await self._feedback.attendees_of(session.guild_id, session):
            if not await self._feedback.claim_dm(session, user_id):
                continue
            embed = self._render.prompt(session.title, session.id, closes, self._locale)
            sent += await self._direct.send(user_id, embed=embed, view=self.view(session.id))
        return sent

    def view(self, session_id: int) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(self._button(session_id, label=self._render.t("button", self._locale)))
        return view

    async def _prompt_job(self, job: Job) -> Outcome:
        session = await self._sessions.get_any(job.subject_id)
        if session is None or session.cancelled:
            return Outcome.DROPPED
        window = self._feedback.window(session)
        if self._clock.now() >= window.closes:
            return Outcome.DROPPED
        guild_id = session.guild_id
        purpose = prompt_purpose(session.id)
        item = await self._objects.get(guild_id, purpose)
        if item is not None and not item.pending:
            return Outcome.DONE
        # A poster session's place is a forum (no chat of its own): DMs only.
        channel_id = None
        if session.kind is not SessionKind.POSTER:
            channel_id = await self._sessions.places.channel_id(session.id, guild_id)
        marker = prompt_marker(session.id)
        if channel_id is not None:
            found = None
            if item is not None:  # intended before a crash: did the post go out?
                found = await self._port.find_post(channel_id, marker)
            if found is None:
                now = self._clock.now()
                await self._objects.intend(guild_id, purpose, ItemKind.MESSAGE, None, now)
                embed = self._render.prompt(
                    session.title, session.id, int(window.closes.timestamp()), self._locale
                )
                found = await self._port.post_board(channel_id, embed, self.view(session.id))
            await self._objects.record(guild_id, purpose, found, self._clock.now())
        if self._direct is not None:
            sent = await self._send_dms(session, int(window.closes.timestamp()))
            log.info("feedback prompt for session %s sent by DM to %s people", session.id, sent)
        return Outcome.DONE
