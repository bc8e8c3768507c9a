"""Feedback use cases: who may rate a session, storing a rating, the reports and CSVs.

Attendance is the truth of "was there": a person rates a session they were in for at least
`feedback.min_minutes` (the attendance feature's per-session figures, read through its exposed
service). Without the attendance feature (or with it off) nobody can be shown to have attended,
so nobody may rate.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock
from bot.features.feedback.chart import render_bars
from bot.features.feedback.domain.rules import (
    Summary,
    Window,
    check_may_rate,
    parse_rating,
    summarize,
)
from bot.features.feedback.export import ratings_csv, summary_csv
from bot.features.feedback.repo import FeedbackRepository, Rating
from bot.features.sessions.domain.model import Session


class Attendance(Protocol):
    """What feedback reads of the attendance feature."""

    @property
    def enabled(self) -> bool: ...

    async def present_in_session(self, guild_id: int, session_id: int) -> dict[int, int]: ...

    async def session_totals(self, guild_id: int) -> dict[int, tuple[int, int]]: ...


class Programme(Protocol):
    async def programme(self, guild_id: int) -> list[Session]: ...


@dataclass(frozen=True)
class FeedbackConfig:
    min_minutes: int
    open_for: timedelta
    named: bool
    zone: ZoneInfo


@dataclass(frozen=True)
class SessionFeedback:
    session: Session
    summary: Summary
    ratings: list[Rating]
    csv: bytes
    png: bytes


class FeedbackService:
    def __init__(
        self,
        repo: FeedbackRepository,
        attendance: Attendance | None,
        programme: Programme,
        clock: Clock,
        config: FeedbackConfig,
    ) -> None:
        self._repo = repo
        self._attendance = attendance
        self._programme = programme
        self._clock = clock
        self.config = config

    def window(self, session: Session) -> Window:
        return Window(start=session.start, end=session.end, open_for=self.config.open_for)

    async def seconds_present(self, guild_id: int, session: Session, user_id: int) -> int:
        if self._attendance is None or not self._attendance.enabled:
            return 0
        present = await self._attendance.present_in_session(guild_id, session.id)
        return present.get(user_id, 0)

    async def check(self, guild_id: int, session: Session, user_id: int) -> Rating | None:
        """Raises `FeedbackRefused` unless the person may rate the session now; returns their
        rating so far (None: a first one)."""
        check_may_rate(
            cancelled=session.cancelled,
            window=self.window(session),
            now=self._clock.now(),
            seconds_present=await self.seconds_present(guild_id, session, user_id),
            min_minutes=self.config.min_minutes,
        )
        return await self._repo.get(session.id, user_id)

    async def rate(
        self,
        guild_id: int,
        session: Session,
        user_id: int,
        display_name: str,
        rating: object,
        comment: object = None,
    ) -> bool:
        """Validate and store (or change) a person's rating; True when it is their first."""
        given = parse_rating(rating, comment)
        await self.check(guild_id, session, user_id)
        return await self._repo.put(
            guild_id,
            session.id,
            user_id,
            display_name,
            given.rating,
            given.comment,
            self._clock.now(),
        )

    async def session_report(self, guild_id: int, session: Session) -> SessionFeedback:
        ratings = await self._repo.of_session(guild_id, session.id)
        summary = summarize([r.rating for r in ratings])
        data, _ = ratings_csv(
            ratings, {session.id: session.title}, self.config.zone, named=self.config.named
        )
        png = await asyncio.to_thread(render_bars, summary.distribution)
        return SessionFeedback(session, summary, ratings, data, png)

    async def attendees(self, guild_id: int) -> dict[int, int]:
        if self._attendance is None or not self._attendance.enabled:
            return {}
        totals = await self._attendance.session_totals(guild_id)
        return {session_id: people for session_id, (people, _) in totals.items()}

    async def overview(self, guild_id: int) -> tuple[bytes, int, list[Session], list[Rating]]:
        """The one-row-per-session CSV (bytes, rows) and what it was made of."""
        sessions = await self._programme.programme(guild_id)
        ratings = await self._repo.of_guild(guild_id)
        data, rows = summary_csv(
            sessions, ratings, await self.attendees(guild_id), self.config.zone
        )
        return data, rows, sessions, ratings

    async def all_ratings_csv(self, guild_id: int) -> tuple[bytes, int]:
        sessions = await self._programme.programme(guild_id)
        titles = {s.id: s.title for s in sessions}
        ratings = await self._repo.of_guild(guild_id)
        return ratings_csv(ratings, titles, self.config.zone, named=self.config.named)

    async def attendees_of(self, guild_id: int, session: Session) -> list[int]:
        """Who attended the session long enough to rate it."""
        if self._attendance is None or not self._attendance.enabled:
            return []
        present = await self._attendance.present_in_session(guild_id, session.id)
        least = self.config.min_minutes * 60
        return sorted(user for user, seconds in present.items() if seconds >= least)

    async def claim_dm(self, session: Session, user_id: int) -> bool:
        return await self._repo.claim_dm(session.id, user_id, self._clock.now())

    # -- personal data ---------------------------------------------------------------------------

    async def count_person(self, guild_id: int, user_id: int) -> int:
        return await self._repo.count_person(guild_id, user_id)

    async def forget_person(self, guild_id: int, user_id: int) -> int:
        return await self._repo.forget_person(guild_id, user_id)
