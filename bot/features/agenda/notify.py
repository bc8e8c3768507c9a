"""Reminders and change notices to exactly a session's subscribers, once, by their mode.

`agenda.remind` (one durable job per session, `agenda.reminder_minutes` before its start) and
`agenda.notice` (one a minute after the first of a flurry of changes) go to each subscriber by
their mode: `dm` a direct message (its refusal, 50007, falls back to `mention`), `mention` named
in messages in the session's chat (or #announcements when it has none) that ping exactly those
users, `off` nothing. Each person is marked as told right after their message went out; a job
interrupted by a crash runs again, skips who is marked and looks for a mention message it may
have posted before the crash, so nobody is told twice and nobody is skipped.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import discord

from bot.core.bus import SessionChanged
from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock, to_epoch
from bot.domain.errors import DiscordRefused
from bot.domain.structure import Purpose
from bot.features.agenda.domain import Change, Mode, Snapshot, changes, mention_chunks
from bot.features.agenda.render import AgendaRender
from bot.features.agenda.repo import AgendaRepository, Subscriber
from bot.features.agenda.service import (
    JOB_NOTICE,
    JOB_REMIND,
    NOTICE_DELAY,
    AgendaService,
    snapshot_of,
)
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.service import SessionService
from bot.gateway.agenda import AgendaGateway
from bot.store.job_repo import Job, JobRepository
from bot.store.structure_repo import StructureRepository
from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)


class Direct(Protocol):
    """The core's direct messages (`core.direct`): False when Discord refuses the DM."""

    async def send(
        self,
        user_id: int,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        allowed_mentions: discord.AllowedMentions | None = None,
    ) -> bool: ...


ButtonFor = Callable[[Session], discord.ui.View | None]


class Notifier:
    def __init__(
        self,
        agenda: AgendaService,
        repo: AgendaRepository,
        sessions: SessionService,
        gateway: AgendaGateway,
        objects: StructureRepository,
        uow: UnitOfWork,
        jobs: JobRepository,
        clock: Clock,
        render: AgendaRender,
        *,
        direct: Callable[[], Direct | None],
        add_button: ButtonFor,
        poke: Callable[[], None],
    ) -> None:
        self._agenda = agenda
        self._repo = repo
        self._sessions = sessions
        self._gateway = gateway
        self._objects = objects
        self._uow = uow
        self._jobs = jobs
        self._clock = clock
        self._render = render
        self._direct = direct
        self._add_button = add_button
        self._poke = poke
        self.sent: dict[str, int] = {"mention": 0, "dm": 0, "fallback": 0}  # people told

    def jobs(self) -> dict[str, Handler]:
        return {JOB_REMIND: self.remind, JOB_NOTICE: self.notice}

    # -- the programme changed ---------------------------------------------------------------------

    async def programme_changed(self, event: SessionChanged) -> None:
        """Compare every session someone has on their agenda with what they last heard; a
        difference gets a notice a minute after the first change (later edits join it), and the
        reminder follows the session."""
        guild_id = event.guild_id
        shots = await self._repo.snapshots(guild_id)
        if not shots:
            return
        subscribed = await self._repo.sessions_with_subscribers(guild_id)
        pending = {
            job.subject_id: job.due_at
            for job in await self._jobs.pending_of(guild_id, (JOB_REMIND,))
        }
        now = self._clock.now()
        for session in await self._sessions.programme(guild_id):
            before = shots.get(session.id)
            if before is None or session.id not in subscribed:
                continue
            found = await self._repo.snapshot(session.id)
            reminded = None if found is None else found[1]
            if session.id in pending or session.status is SessionStatus.SCHEDULED:
                await self._agenda.plan_reminder(session, reminded, pending.get(session.id))
            if not changes(before, snapshot_of(session)):
                continue
            async with self._uow.transaction() as tx:
                await self._jobs.schedule_earliest(
                    tx, guild_id, JOB_NOTICE, session.id, now + NOTICE_DELAY, now
                )
            self._poke()

    # -- jobs --------------------------------------------------------------------------------------

    async def remind(self, job: Job) -> Outcome:
        session = await self._sessions.get_any(job.subject_id)
        now = self._clock.now()
        if (
            session is None
            or session.cancelled
            or session.status is not SessionStatus.SCHEDULED
            or now >= session.start
        ):
            return Outcome.DROPPED
        found = await self._repo.snapshot(session.id)
        if found is not None and found[1] == session.start:
            return Outcome.DROPPED  # this start's wave went out already
        start = session.start
        waiting = [
            s
            for s in await self._repo.subscribers(session.id)
            if s.reminded_start != start and s.mode is not Mode.OFF
        ]
        key = f"r{to_epoch(start)}"
        channel = await self._channel(session)

        async def mark(users: Sequence[int]) -> None:
            await self._repo.mark_reminded(session.id, users, start)

        await self._deliver(
            session,
            waiting,
            channel,
            key=key,
            interrupted=job.interrupted,
            mark=mark,
            dm=lambda: self._render.reminder_dm(session, channel),
            header=self._render.reminder_header(session, channel),
            embed=lambda: self._render.reminder_embed(session, channel),
            button=True,
        )
        await self._repo.set_wave_done(session.id, start)
        return Outcome.DONE

    async def notice(self, job: Job) -> Outcome:
        session = await self._sessions.get_any(job.subject_id)
        if session is None:
            return Outcome.DROPPED
        found = await self._repo.snapshot(session.id)
        if found is None:
            return Outcome.DROPPED
        before, _ = found
        after = snapshot_of(session)
        what = changes(before, after)
        if not what:
            return Outcome.DROPPED  # edited back as it was
        key = _notice_key(after)
        waiting = [
            s
            for s in await self._repo.subscribers(session.id)
            if s.noticed != key and s.mode is not Mode.OFF
        ]
        channel = await self._channel(session)

        async def mark(users: Sequence[int]) -> None:
            await self._repo.mark_noticed(session.id, users, key)

        await self._deliver(
            session,
            waiting,
            channel,
            key=key,
            interrupted=job.interrupted,
            mark=mark,
            dm=lambda: self._render.notice_text(session, before, what, channel),
            header=self._render.notice_header(session, what),
            embed=lambda: self._render.notice_embed(session, before, what, channel),
            button=False,
        )
        await self._repo.put_snapshot(session.guild_id, session.id, after)
        if Change.MOVED in what or Change.RESTORED in what:
            await self._agenda.plan_reminder(session, None)
        return Outcome.DONE

    # -- delivery ----------------------------------------------------------------------------------

    async def _channel(self, session: Session) -> int | None:
        """Where mentions go: the session's own chat, else #announcements."""
        chat = None
        if session.kind is not SessionKind.POSTER:  # a cancelled one's locked chat is read
            chat = await self._sessions.places.channel_id(session.id, session.guild_id)
        if chat is not None and self._gateway.can_post(chat):
            return chat
        item = await self._objects.get(session.guild_id, Purpose.ANNOUNCEMENTS)
        if item is not None and item.discord_id is not None:
            return item.discord_id
        return None

    async def _deliver(
        self,
        session: Session,
        waiting: list[Subscriber],
        channel: int | None,
        *,
        key: str,
        interrupted: bool,
        mark: Callable[[Sequence[int]], Awaitable[None]],
        dm: Callable[[], str],
        header: str,
        embed: Callable[[], discord.Embed],
        button: bool,
    ) -> None:
        direct = self._direct()
        mention: list[int] = []
        for person in waiting:
            if person.mode is Mode.DM and direct is not None:
                if await direct.send(person.user_id, content=dm()):
                    await mark([person.user_id])
                    self.sent["dm"] += 1
                    continue
                self.sent["fallback"] += 1  # DMs closed: named in the chat instead
            mention.append(person.user_id)
        if not mention:
            return
        if channel is None:
            log.info(
                "agenda: session %s has no channel to name %s subscribers in",
                session.id,
                len(mention),
            )
            return
        view: Any = self._add_button(session) if button else None
        for users, content in mention_chunks(mention, header):
            marker = f"agenda {session.id} · {key} · {users[0]}"
            if interrupted and await self._gateway.find_marked(channel, marker) is not None:
                await mark(users)  # posted before the crash
                continue
            shown = embed()
            shown.set_footer(text=marker)
            try:
                await self._gateway.remind(channel, content, users, embed=shown, view=view)
            except DiscordRefused:
                raise  # the scheduler records the problem and tries again later
            await mark(users)
            self.sent["mention"] += len(users)


def _notice_key(shot: Snapshot) -> str:
    """The same new state gives the same key (a re-run tells nobody twice)."""
    digest = zlib.crc32(f"{shot.title}\n{shot.place}".encode())
    return f"n{to_epoch(shot.start)}-{to_epoch(shot.end)}-{int(shot.cancelled)}-{digest}"
