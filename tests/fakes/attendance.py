"""Shared by the attendance tests: a fake session port (posts in channels), an AttendanceService
on a real SQLite file with a fake clock, and builders of rows and observations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.clock import FakeClock, to_epoch
from bot.domain.structure import ItemKind, Purpose
from bot.features.attendance.domain.observations import Connected, GuildSeen, Moved, Presence, Ready
from bot.features.attendance.domain.stays import OTHER, Place
from bot.features.attendance.domain.tracker import Row
from bot.features.attendance.recorder import AttendanceRecorder
from bot.features.attendance.repo import AttendanceRepository
from bot.features.attendance.service import AttendanceConfig, AttendanceService
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.store.db import Database
from bot.store.job_repo import JobRepository
from bot.store.structure_repo import StructureRepository

GUILD, OTHER_GUILD = 1000, 2000
T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
E0 = to_epoch(T0)


def row(user: int, joined: int, left: int | None, *, guild: int = GUILD, place: Place = OTHER,
        channel: int = 10, session: str | None = None) -> Row:  # fmt: skip
    return Row(
        guild_id=guild,
        user_id=user,
        display_name=f"user {user}",
        channel_id=channel,
        channel_name=f"ch{channel}",
        place=place,
        joined_at=E0 + joined,
        left_at=None if left is None else E0 + left,
        recovered=False,
        session=session,
    )


async def rows(db: Database) -> list[tuple[Any, ...]]:
    found = await db.fetch_all(
        "SELECT user_id, joined_at - ?, left_at - ?, recovered FROM attendance ORDER BY id",
        (E0, E0),
    )
    return [tuple(r) for r in found]


def moved(user: int, before: int | None, after: int | None, seconds: int) -> Moved:
    def presence(channel: int | None) -> Presence | None:
        return None if channel is None else Presence(channel, f"ch{channel}", f"user {user}")

    return Moved(GUILD, user, T0 + timedelta(seconds=seconds), presence(before), presence(after))


def connected(recorder: AttendanceRecorder) -> None:
    recorder.record(Connected(T0))
    recorder.record(GuildSeen(GUILD, T0, {}))
    recorder.record(Ready(T0))


class FakePort:
    def __init__(self) -> None:
        self.posts: dict[int, list[tuple[int, str, str]]] = {}
        self._next = 9000

    async def post(self, channel_id: int, text: str, *, marker: str) -> int:
        self._next += 1
        self.posts.setdefault(channel_id, []).append((self._next, text, marker))
        return self._next

    async def find_post(self, channel_id: int, marker: str) -> int | None:
        return next((m for m, _, k in self.posts.get(channel_id, []) if k == marker), None)


def service(
    db: Database, port: FakePort, *, enabled: bool = True, limit: int = 1 << 20
) -> AttendanceService:
    clock = FakeClock(T0)
    repo = AttendanceRepository(db)
    return AttendanceService(
        db,
        repo,
        AttendanceRecorder(repo, clock, enabled=enabled, heartbeat=timedelta(hours=1)),
        StructureRepository(db),
        JobRepository(db),
        port,  # type: ignore[arg-type]
        clock,
        AttendanceConfig(
            enabled=enabled,
            retention=timedelta(days=365),
            zone=ZoneInfo("Asia/Tokyo"),
            notice_text=lambda: "notice",
        ),
        upload_limit=lambda guild: limit,
    )


async def announcements(db: Database, channel: int) -> None:
    objects = StructureRepository(db)
    await objects.intend(GUILD, Purpose.ANNOUNCEMENTS, ItemKind.TEXT, None, T0)
    await objects.record(GUILD, Purpose.ANNOUNCEMENTS, channel, T0)


@asynccontextmanager
async def database(path: Path) -> AsyncIterator[Database]:
    """A migrated database in a real SQLite file, closed afterwards."""
    db = Database(path)
    await db.open()
    await db.migrate()
    try:
        yield db
    finally:
        await db.close()


def talk(title: str = "Keynote") -> Session:
    """Session 12, the hour before T0."""
    start = T0 - timedelta(hours=1)  # 09:00 in Tokyo, an hour long
    return Session(
        id=12,
        guild_id=GUILD,
        title=title,
        kind=SessionKind.TALK,
        start=start,
        end=start + timedelta(hours=1),
        status=SessionStatus.SCHEDULED,
        created_at=start,
        updated_at=start,
    )
