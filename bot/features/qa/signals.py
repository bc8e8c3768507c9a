"""qa: time signals, a short message in a session's chat `sessions.time_signals` minutes before
its end ("5 minutes left", "Time is up"), naming (pinging) its chair only.

One durable job per session (`qa.signal`, subject: the session) at its next signal; the job
posts, records the signal as sent and schedules the following one. Exactly once: the message
carries a marker (its embed footer); a run interrupted by a crash looks for the marker in the
chat before posting again, and a signal recorded as sent is never posted twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

import discord

from bot.core.bus import SessionChanged
from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock
from bot.features.qa.domain import next_signal
from bot.features.qa.render import QaRenderer
from bot.features.qa.repo import QuestionRepository
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.service import SessionService
from bot.gateway.base import translate_errors
from bot.store.job_repo import Job, JobRepository
from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)

JOB_SIGNAL = "qa.signal"
NOTICE = "signal"
LOOKBACK = 25


def marker(session_id: int, minutes: int) -> str:
    return f"⏱ #{session_id} · T-{minutes}"


class TimeSignals:
    def __init__(
        self,
        client: discord.Client,
        repo: QuestionRepository,
        sessions: SessionService,
        jobs: JobRepository,
        clock: Clock,
        render: QaRenderer,
        signals: Sequence[int],
        *,
        uow: UnitOfWork,
        poke: Callable[[], None],
    ) -> None:
        self._uow = uow
        self._client = client
        self._repo = repo
        self._sessions = sessions
        self._jobs = jobs
        self._clock = clock
        self._render = render
        self._signals = tuple(signals)
        self._poke = poke
        self.sent = 0  # signals posted by this process (the rehearsal reads it)

    def jobs(self) -> dict[str, Handler]:
        return {JOB_SIGNAL: self.run}

    async def on_changed(self, event: SessionChanged) -> None:
        await self.plan_guild(event.guild_id)

    async def plan_guild(self, guild_id: int) -> None:
        """Each upcoming or running session's next signal as a job (moved when its end moved)."""
        if not self._signals:
            return
        for session in await self._sessions.programme(guild_id, include_cancelled=False):
            await self._plan(session)
        self._poke()

    async def _plan(self, session: Session) -> None:
        now = self._clock.now()
        sent = await self._repo.notices(session.id, NOTICE)
        minutes = None
        # A poster session's place is a forum (one post per board): no chat to signal in.
        if session.status is not SessionStatus.CLOSED and session.kind is not SessionKind.POSTER:
            minutes = next_signal(session.end, self._signals, sent, now)
        async with self._uow.transaction() as tx:
            if minutes is None:
                await self._jobs.cancel(tx, session.id, (JOB_SIGNAL,))
            else:
                due = session.end - timedelta(minutes=minutes)
                pending = [
                    j
                    for j in await self._jobs.for_subject(session.id)
                    if j.kind == JOB_SIGNAL and j.state == "pending"
                ]
                if not pending or pending[0].due_at != due:
                    await self._jobs.schedule(
                        tx, session.guild_id, JOB_SIGNAL, session.id, due, now
                    )

    async def run(self, job: Job) -> Outcome:
        session = await self._sessions.get_any(job.subject_id)
        if session is None or session.cancelled or session.status is SessionStatus.CLOSED:
            return Outcome.DROPPED
        if session.kind is SessionKind.POSTER:
            return Outcome.DROPPED
        now = self._clock.now()
        sent = await self._repo.notices(session.id, NOTICE)
        due = [
            m for m in self._signals if m not in sent and session.end - timedelta(minutes=m) <= now
        ]
        if not due:
            await self._plan(session)
            return Outcome.DROPPED
        minutes = min(due)  # the latest that came; earlier ones missed are not said late
        stale = now > session.end - timedelta(minutes=minutes) + timedelta(minutes=1)
        message_id: int | None = None
        if not stale:
            channel_id = await self._sessions.places.channel_id(session.id, session.guild_id)
            if channel_id is not None:
                message_id = await self._post(channel_id, session, minutes, job.interrupted)
        for m in due:
            await self._repo.record_notice(session.id, NOTICE, m, message_id, now)
        await self._plan(session)
        return Outcome.DONE

    @translate_errors
    async def _post(self, channel_id: int, session: Session, minutes: int, again: bool) -> int:
        channel = self._client.get_partial_messageable(channel_id)
        mark = marker(session.id, minutes)
        if again:  # interrupted: was it posted before the crash?
            async for message in channel.history(limit=LOOKBACK):
                if any(e.footer and e.footer.text == mark for e in message.embeds):
                    return message.id
        embed = discord.Embed(colour=0xFEE75C)
        embed.set_footer(text=mark)
        chair = session.chair_id
        message = await channel.send(
            content=self._render.signal(minutes, chair),
            embed=embed,
            allowed_mentions=discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(chair)] if chair else False
            ),
        )
        self.sent += 1
        return message.id
