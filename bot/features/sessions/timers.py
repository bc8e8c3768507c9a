"""The programme's durable timers: a session's reminder, open and close; the events window;
a retry of the convergence after Discord failed. Written inside the caller's transaction (or
their own), so a timer and the change it belongs to commit together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock
from bot.features.sessions.domain.model import Session, SessionDraft, SessionStatus
from bot.store.job_repo import JobRepository
from bot.store.uow import Transaction, UnitOfWork

JOB_REMIND = "session.remind"
JOB_OPEN = "session.open"
JOB_CLOSE = "session.close"
JOB_WINDOW = "events.window"
JOB_CONVERGE = "places.converge"  # Discord failed or rate-limited a rename: try again later
DISCORD_RETRY = timedelta(seconds=30)
SESSION_JOBS = (JOB_REMIND, JOB_OPEN, JOB_CLOSE)
WINDOW_RECHECK = timedelta(hours=1)


@dataclass(frozen=True)
class SessionsConfig:
    zone: ZoneInfo
    reminder: timedelta
    grace: timedelta
    window: timedelta | None


class SessionTimers:
    def __init__(
        self,
        uow: UnitOfWork,
        jobs: JobRepository,
        clock: Clock,
        config: SessionsConfig,
        *,
        poke: Callable[[], None],
    ) -> None:
        self._uow = uow
        self._jobs = jobs
        self._clock = clock
        self._config = config
        self._poke = poke

    async def schedule(
        self,
        tx: Transaction,
        guild_id: int,
        session_id: int,
        draft: SessionDraft,
        now: datetime,
    ) -> None:
        """A scheduled session's reminder, open and close (in the caller's transaction)."""
        remind_at = draft.start - self._config.reminder
        if self._config.reminder and remind_at > now:
            await self._jobs.schedule(tx, guild_id, JOB_REMIND, session_id, remind_at, now)
        else:
            await self._jobs.cancel(tx, session_id, (JOB_REMIND,))
        await self._jobs.schedule(tx, guild_id, JOB_OPEN, session_id, draft.start, now)
        await self.schedule_close(tx, guild_id, session_id, draft.end, now)

    async def schedule_close(
        self,
        tx: Transaction,
        guild_id: int,
        session_id: int,
        end: datetime,
        now: datetime,
    ) -> None:
        """An open session closes after its end plus the grace period."""
        await self._jobs.schedule(
            tx, guild_id, JOB_CLOSE, session_id, end + self._config.grace, now
        )

    async def cancel(self, tx: Transaction, session_id: int) -> None:
        await self._jobs.cancel(tx, session_id, SESSION_JOBS)

    async def schedule_window(
        self, guild_id: int, sessions: list[Session], *, rolling: bool
    ) -> None:
        """The window job runs when the next session enters the events horizon (if one is
        set), and at most an hour apart while sessions wait for a slot under the cap (`rolling`;
        a slot freed by an event made by hand is then used too)."""
        now = self._clock.now()
        entry = window_entry_times(sessions, now, self._config.window)
        if entry is None and not rolling:
            return
        due = now + WINDOW_RECHECK if entry is None else min(entry, now + WINDOW_RECHECK)
        async with self._uow.transaction() as tx:
            await self._jobs.schedule_earliest(tx, guild_id, JOB_WINDOW, guild_id, due, now)

    async def retry_soon(self, guild_id: int) -> None:
        """Discord failed (a server error): converge the guild again shortly."""
        await self.retry_at(guild_id, self._clock.now() + DISCORD_RETRY)

    async def retry_at(self, guild_id: int, when: datetime) -> None:
        async with self._uow.transaction() as tx:
            await self._jobs.schedule_earliest(
                tx, guild_id, JOB_CONVERGE, guild_id, when, self._clock.now()
            )
        self._poke()


def window_entry_times(
    sessions: list[Session], now: datetime, window: timedelta | None
) -> datetime | None:
    """When the next session enters the events horizon (for the window job); None without
    one."""
    if window is None:
        return None
    upcoming = [
        s.start - window
        for s in sessions
        if s.status is SessionStatus.SCHEDULED and s.start - window > now
    ]
    return min(upcoming, default=None)
