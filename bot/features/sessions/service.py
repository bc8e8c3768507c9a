"""The programme's use cases: create, edit, cancel, open and close sessions by hand.

Each change validates first (nothing happens on bad input), writes the session and its jobs in one
transaction, then converges Discord (`SessionPlaces`) and wakes the scheduler. A per-guild lock
keeps changes, job runs and convergence of one guild in sequence.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from bot.core.budget import ChannelBudget
from bot.core.bus import Bus, SessionChanged, SessionClosed
from bot.core.problems import Problems
from bot.domain.clock import Clock
from bot.domain.errors import DiscordUnavailable, InvalidInput, NotFound
from bot.features.sessions.announcer import Announcer
from bot.features.sessions.changes import SESSIONS_PROBLEM, SESSIONS_WHAT, ProgrammeChanges
from bot.features.sessions.domain.model import Session, SessionDraft, SessionStatus
from bot.features.sessions.domain.rules import check_edit, check_new
from bot.features.sessions.domain.timeparse import local_date
from bot.features.sessions.places import SessionPlaces
from bot.features.sessions.repo import SessionRepository
from bot.features.sessions.texts import SessionTexts
from bot.features.sessions.timers import (
    DISCORD_RETRY,
    SESSION_JOBS,
    SessionsConfig,
    SessionTimers,
)
from bot.store.audit_repo import AuditRepository
from bot.store.job_repo import JobRepository
from bot.store.uow import Transaction, UnitOfWork

log = logging.getLogger(__name__)


class SessionService:
    def __init__(
        self,
        uow: UnitOfWork,
        sessions: SessionRepository,
        jobs: JobRepository,
        places: SessionPlaces,
        audit: AuditRepository,
        clock: Clock,
        config: SessionsConfig,
        *,
        poke: Callable[[], None],
        announcer: Announcer,
        texts: SessionTexts,
        problems: Problems,
        budget: ChannelBudget,
        bus: Bus,
    ) -> None:
        self._bus = bus
        self._uow = uow
        self._sessions = sessions
        self._jobs = jobs
        self.places = places
        self._audit = audit
        self._clock = clock
        self.config = config
        self._poke = poke
        self._announcer = announcer
        self._texts = texts
        self._problems = problems
        self._budget = budget
        self._timers = SessionTimers(uow, jobs, clock, config, poke=poke)
        self._changes = ProgrammeChanges(
            uow,
            sessions,
            jobs,
            places,
            problems,
            clock,
            job_kinds=SESSION_JOBS,
            retry_later=self._timers.retry_soon,
        )
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._discord_down: set[int] = set()  # a change just met a server error here

    @asynccontextmanager
    async def guild_lock(self, guild_id: int) -> AsyncIterator[None]:
        async with self._locks[guild_id]:
            yield

    # -- reads -----------------------------------------------------------------------------------

    async def get(self, guild_id: int, session_id: int) -> Session:
        session = await self._sessions.get(session_id)
        if session is None or session.guild_id != guild_id:
            raise NotFound("errors.session_not_found", value=str(session_id))
        return session

    async def get_any(self, session_id: int) -> Session | None:
        """A session by id whatever its guild (jobs know only the id)."""
        return await self._sessions.get(session_id)

    async def resolve(self, guild_id: int, text: str) -> Session:
        """A session by its numeric id or its exact title (what autocomplete sends, or a typed
        title)."""
        value = text.strip()
        if value.isdigit():
            return await self.get(guild_id, int(value))
        matches = await self._sessions.with_exact_title(guild_id, value)
        active = [s for s in matches if not s.cancelled] or matches
        if len(active) == 1:
            return active[0]
        if not active:
            raise NotFound("errors.session_not_found", value=value[:100])
        raise InvalidInput("errors.session_ambiguous", value=value[:100], count=len(active))

    async def search(self, guild_id: int, text: str, limit: int = 25) -> list[Session]:
        return await self._sessions.find_by_title(guild_id, text.strip(), limit)

    async def programme(
        self, guild_id: int, day: date | None = None, *, include_cancelled: bool = True
    ) -> list[Session]:
        sessions = await self._sessions.in_guild(guild_id, include_cancelled=include_cancelled)
        if day is None:
            return sessions
        return [s for s in sessions if local_date(s.start, self.config.zone) == day]

    async def days(self, guild_id: int) -> list[date]:
        sessions = await self._sessions.in_guild(guild_id, include_cancelled=False)
        return sorted({local_date(s.start, self.config.zone) for s in sessions})

    # -- changes ---------------------------------------------------------------------------------

    async def check_create(self, guild_id: int, draft: SessionDraft) -> None:
        """Validate a new session now, so a refusal can be answered at once (the create
        validates again under the guild lock)."""
        existing = await self._sessions.in_guild(guild_id, include_cancelled=False)
        check_new(draft, existing, self._clock.now())

    async def check_edit(self, guild_id: int, session: Session, changes: dict[str, Any]) -> None:
        current = await self.get(guild_id, session.id)
        draft = current.with_changes(**changes)
        existing = await self._sessions.in_guild(guild_id, include_cancelled=False)
        check_edit(draft, current, existing, self._clock.now())

    async def create(
        self, guild_id: int, actor_id: int, draft: SessionDraft, *, source: str = "command"
    ) -> Session:
        """`source`: command, or poster (a poster session set up by /poster setup)."""
        async with self.guild_lock(guild_id):
            now = self._clock.now()
            existing = await self._sessions.in_guild(guild_id, include_cancelled=False)
            check_new(draft, existing, now)
            await self._require_channels(guild_id, [*existing, draft])

            async def write(tx: Transaction) -> set[int]:
                session_id = await self._sessions.add(tx, guild_id, draft, now, source)
                await self._timers.schedule(tx, guild_id, session_id, draft, now)
                return {session_id}

            (session_id,) = await self._change(guild_id, write)
            await self._audit.add(
                guild_id, actor_id, "session.create", {"id": session_id, "title": draft.title}, now
            )
            await self._converge(guild_id)
        self._poke()
        return await self.get(guild_id, session_id)

    async def edit(
        self, guild_id: int, actor_id: int, session: Session, changes: dict[str, Any]
    ) -> Session:
        async with self.guild_lock(guild_id):
            now = self._clock.now()
            current = await self.get(guild_id, session.id)
            draft = current.with_changes(**changes)
            existing = await self._sessions.in_guild(guild_id, include_cancelled=False)
            check_edit(draft, current, existing, now)
            others = [s for s in existing if s.id != current.id]
            await self._require_channels(guild_id, [*others, draft])

            async def write(tx: Transaction) -> set[int]:
                await self._sessions.update(tx, current.id, draft, now)
                if current.status is SessionStatus.SCHEDULED:
                    await self._timers.schedule(tx, guild_id, current.id, draft, now)
                elif current.status is SessionStatus.OPEN:
                    await self._timers.schedule_close(tx, guild_id, current.id, draft.end, now)
                return {current.id}

            await self._change(guild_id, write)
            detail = {"id": current.id, "changes": sorted(changes)}
            await self._audit.add(guild_id, actor_id, "session.edit", detail, now)
            await self._converge(guild_id)
        self._poke()
        return await self.get(guild_id, session.id)

    async def cancel(self, guild_id: int, actor_id: int, session: Session) -> Session:
        async with self.guild_lock(guild_id):
            now = self._clock.now()
            current = await self.get(guild_id, session.id)
            if current.cancelled:
                raise InvalidInput("errors.session_already_cancelled", title=current.title)
            await self._set_status_now(guild_id, current, SessionStatus.CANCELLED, now)
            await self._audit.add(guild_id, actor_id, "session.cancel", {"id": current.id}, now)
            await self._converge(guild_id)
            cancelled = await self.get(guild_id, session.id)
            async with self._problems.background(
                guild_id, "announcements", "problems.what.announcements"
            ):
                await self._announcer.announce(
                    guild_id,
                    self._texts.cancelled(cancelled),
                    f"session {cancelled.id} · cancelled",
                )
        return cancelled

    async def open_now(self, guild_id: int, actor_id: int, session: Session) -> Session:
        async with self.guild_lock(guild_id):
            now = self._clock.now()
            current = await self.get(guild_id, session.id)
            if current.cancelled:
                raise InvalidInput("errors.session_is_cancelled", title=current.title)
            await self._set_status_now(guild_id, current, SessionStatus.OPEN, now)
            await self._audit.add(guild_id, actor_id, "session.open", {"id": current.id}, now)
            await self._converge(guild_id)
        self._poke()
        return await self.get(guild_id, session.id)

    async def close_now(self, guild_id: int, actor_id: int, session: Session) -> Session:
        async with self.guild_lock(guild_id):
            now = self._clock.now()
            current = await self.get(guild_id, session.id)
            if current.cancelled:
                raise InvalidInput("errors.session_is_cancelled", title=current.title)
            await self._set_status_now(guild_id, current, SessionStatus.CLOSED, now)
            await self._audit.add(guild_id, actor_id, "session.close", {"id": current.id}, now)
            await self._converge(guild_id)
        await self.announce_closed(current)
        return await self.get(guild_id, session.id)

    async def _set_status_now(
        self, guild_id: int, current: Session, status: SessionStatus, now: datetime
    ) -> None:
        """A person opens, closes or cancels a session by hand (undone if Discord refuses)."""

        async def write(tx: Transaction) -> set[int]:
            await self._sessions.set_status(tx, current.id, status, now)
            if status is SessionStatus.OPEN:
                end = max(current.end, now)
                await self._timers.schedule_close(tx, guild_id, current.id, end, now)
            else:
                await self._timers.cancel(tx, current.id)
            return {current.id}

        await self._change(guild_id, write)

    async def apply_batch(
        self,
        guild_id: int,
        actor_id: int,
        *,
        new: list[SessionDraft],
        changed: list[tuple[Session, SessionDraft]],
        removed: list[Session],
        source: str,
        on_commit: Callable[[Transaction], Awaitable[None]] | None = None,
        extra_channels: int = 0,
    ) -> None:
        """Many changes in one transaction (an import), then one convergence. The caller has
        validated them (the import preview). Discord refusing any of it undoes all of it."""
        async with self.guild_lock(guild_id):
            now = self._clock.now()
            existing = await self._sessions.in_guild(guild_id, include_cancelled=False)
            gone = {s.id for s in removed} | {before.id for before, _ in changed}
            await self._require_channels(
                guild_id,
                [*(s for s in existing if s.id not in gone), *new, *(d for _, d in changed)],
                extra=extra_channels,
            )

            async def write(tx: Transaction) -> set[int]:
                touched: set[int] = set()
                for draft in new:
                    session_id = await self._sessions.add(tx, guild_id, draft, now, source)
                    await self._timers.schedule(tx, guild_id, session_id, draft, now)
                    touched.add(session_id)
                for before, draft in changed:
                    await self._sessions.update(tx, before.id, draft, now)
                    status = before.status
                    if status is SessionStatus.CANCELLED:
                        status = SessionStatus.SCHEDULED
                        await self._sessions.set_status(tx, before.id, status, now)
                    if status is SessionStatus.SCHEDULED:
                        await self._timers.schedule(tx, guild_id, before.id, draft, now)
                    elif status is SessionStatus.OPEN:
                        await self._timers.schedule_close(tx, guild_id, before.id, draft.end, now)
                    touched.add(before.id)
                for session in removed:
                    await self._sessions.set_status(tx, session.id, SessionStatus.CANCELLED, now)
                    await self._timers.cancel(tx, session.id)
                    touched.add(session.id)
                if on_commit is not None:
                    await on_commit(tx)
                return touched

            await self._change(guild_id, write)
            detail = {"new": len(new), "changed": len(changed), "removed": len(removed)}
            await self._audit.add(guild_id, actor_id, f"session.{source}", detail, now)
            await self._converge(guild_id)
        self._poke()

    # -- a person's change: whole, or not at all ---------------------------------------------------

    async def _require_channels(
        self, guild_id: int, programme: list[SessionDraft], *, extra: int = 0
    ) -> None:
        """Refuse up front a programme (and `extra` channels promised with it, e.g. poster
        boards) that would pass Discord's 500 channels."""
        need = await self.places.new_channels(guild_id, programme) + extra
        await self._budget.require(guild_id, need)

    async def _change(
        self, guild_id: int, write: Callable[[Transaction], Awaitable[set[int]]]
    ) -> list[int]:
        """A person's change, whole or not at all (see `ProgrammeChanges`)."""
        touched, unavailable = await self._changes.apply(guild_id, write)
        if unavailable:
            # The change stands; the convergence that follows leaves Discord alone for now and
            # schedules a retry (no second attempt right after a server error).
            self._discord_down.add(guild_id)
        return touched

    # -- used by jobs and the reconciler ---------------------------------------------------------

    async def announce_closed(self, session: Session) -> None:
        """Tell the features that follow a session's end (feedback) that it closed."""
        await self._bus.publish(SessionClosed(session.guild_id, session.id))

    async def set_status(self, session: Session, status: SessionStatus) -> None:
        async with self._uow.transaction() as tx:
            await self._sessions.set_status(tx, session.id, status, self._clock.now())
        await self._bus.publish(SessionChanged(session.guild_id))

    async def converge(self, guild_id: int) -> None:
        """Make Discord match the programme now (start, jobs, channel deleted by hand). In the
        background: what Discord refuses is a recorded problem, retried later."""
        async with self.guild_lock(guild_id):
            await self._converge(guild_id)

    async def converge_locked(self, guild_id: int) -> None:
        """`converge` for a caller that holds the guild lock already (a job)."""
        await self._converge(guild_id)

    async def _converge(self, guild_id: int) -> None:
        """Background convergence: a refusal becomes a recorded problem (retried later), a
        server error a retry job."""
        retry: datetime | None = None
        try:
            if guild_id in self._discord_down:
                self._discord_down.discard(guild_id)
                raise DiscordUnavailable(status=503)
            async with self._problems.background(guild_id, SESSIONS_PROBLEM, SESSIONS_WHAT):
                await self.places.converge(guild_id)
        except DiscordUnavailable:
            # The database holds the change; Discord catches up when it answers again.
            log.warning("Discord failed while converging guild %s; retrying soon", guild_id)
            retry = self._clock.now() + DISCORD_RETRY
        sessions = await self._sessions.in_guild(guild_id, include_cancelled=False)
        await self._timers.schedule_window(guild_id, sessions, rolling=self.places.rolling)
        await self._bus.publish(SessionChanged(guild_id))
        renames = self.places.take_rename_retry()
        if renames is not None and (retry is None or renames < retry):
            retry = renames
        if retry is not None:
            await self._timers.retry_at(guild_id, retry)
