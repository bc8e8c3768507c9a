"""Attendance: recording (see recorder.py), reports, the privacy notice, forgetting
and the retention purge.

Reports first wait for what is queued to be written, so they include every move seen so far; a
stay still going on counts until now.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import io
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, TextIO
from zoneinfo import ZoneInfo

from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock, from_epoch, to_epoch
from bot.domain.errors import DomainError
from bot.domain.ports import SessionPort
from bot.domain.structure import ItemKind, Purpose
from bot.features.attendance.chart import render_chart
from bot.features.attendance.domain.observations import Observation
from bot.features.attendance.domain.stays import (
    PersonSummary,
    SessionStats,
    chart_window,
    concurrency,
    length,
    per_day,
    per_person,
    session_stats,
)
from bot.features.attendance.export import write_export, write_people
from bot.features.attendance.keys import NOTICE_PREFIX, notice_channel, notice_key
from bot.features.attendance.people import people_totals, write_people_summary
from bot.features.attendance.recorder import AttendanceRecorder
from bot.features.attendance.repo import AttendanceRepository, PlaceTotal
from bot.features.sessions.domain.model import Session
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository
from bot.store.structure_repo import StructureRepository

JOB_PURGE = "attendance.purge"  # subject: the guild; runs daily
PURGE_EVERY = timedelta(days=1)
NOTICE_MARKER = "workshop-bot · attendance notice"
CATCH_UP_SECONDS = 1.5  # reports wait at most this long for queued stays to be written
SPOOL_BYTES = 4 * 1024 * 1024  # exports up to this size stay in memory, larger ones go to disk


class AttendanceDisabled(DomainError):
    key = "errors.attendance_disabled"


class ExportTooLarge(DomainError):
    key = "errors.attendance_export_too_large"


@dataclass(frozen=True)
class AttendanceConfig:
    enabled: bool
    retention: timedelta
    zone: ZoneInfo
    notice_text: Callable[[], str]  # in the workshop's language


@dataclass(frozen=True)
class PersonalRecord:
    places: list[PlaceTotal]
    days: list[tuple[date, int]]
    total_seconds: int


@dataclass(frozen=True)
class SessionReport:
    session: Session
    stats: SessionStats
    people: list[PersonSummary]
    csv: bytes
    png: bytes


@dataclass
class ExportFile:
    file: IO[bytes]  # positioned at its start; the caller closes it
    filename: str
    rows: int


class AttendanceService:
    def __init__(
        self,
        db: Database,
        repo: AttendanceRepository,
        recorder: AttendanceRecorder,
        objects: StructureRepository,
        jobs: JobRepository,
        port: SessionPort,
        clock: Clock,
        config: AttendanceConfig,
        *,
        upload_limit: Callable[[int], int],
        poke: Callable[[], None] = lambda: None,
    ) -> None:
        self._db = db
        self._repo = repo
        self.recorder = recorder
        self._objects = objects
        self._jobs = jobs
        self._port = port
        self._clock = clock
        self._config = config
        self._upload_limit = upload_limit
        self._poke = poke
        self._purging: set[int] = set()  # guilds with a pending purge job
        recorder.on_rows = self._rows_written

    @property
    def enabled(self) -> bool:
        return self._config.enabled

    def count_toward_session(self, reader: Callable[[str], int | None]) -> None:
        """Channels another feature owns that count as their session's place (a breakout
        room): `reader(purpose)` names the session, or None for any other purpose."""
        self._repo.session_places.append(reader)

    def require_enabled(self) -> None:
        if not self._config.enabled:
            raise AttendanceDisabled()

    # -- recording -------------------------------------------------------------------------------

    def record(self, observation: Observation) -> None:
        self.recorder.record(observation)

    async def start(self) -> None:
        await self.recorder.start()

    async def stop(self) -> None:
        await self.recorder.stop()

    async def flush(self) -> None:
        await self.recorder.flush()

    async def _caught_up(self) -> None:
        """Wait for what is queued to be written, but not past an interaction's deadline: a
        report may then miss the last moments of a burst still being written."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(CATCH_UP_SECONDS):
                await self.recorder.flush()

    def _now(self) -> int:
        return to_epoch(self._clock.now())

    # -- privacy ---------------------------------------------------------------------------------

    async def ensure_notice(self, guild_id: int) -> bool:
        """Post the notice in #announcements once; again only in a recreated #announcements
        (the purpose names the channel). Returns True when it was posted now."""
        if not self._config.enabled:
            return False
        item = await self._objects.get(guild_id, Purpose.ANNOUNCEMENTS)
        if item is None or item.discord_id is None:
            return False
        channel_id = item.discord_id
        purpose = notice_key(channel_id)
        for old in await self._objects.with_prefix(guild_id, NOTICE_PREFIX):
            if notice_channel(old.purpose) != channel_id:  # an #announcements deleted since
                await self._objects.forget(guild_id, old.purpose)
        notice = await self._objects.get(guild_id, purpose)
        if notice is not None:
            if not notice.pending:
                return False  # posted (or deleted by hand: an organizer's decision)
            found = await self._port.find_post(channel_id, NOTICE_MARKER)  # crashed in between
            if found is not None:
                await self._objects.record(guild_id, purpose, found, self._clock.now())
                return False
        now = self._clock.now()
        await self._objects.intend(guild_id, purpose, ItemKind.MESSAGE, Purpose.ANNOUNCEMENTS, now)
        message_id = await self._port.post(
            channel_id, self._config.notice_text(), marker=NOTICE_MARKER
        )
        await self._objects.record(guild_id, purpose, message_id, self._clock.now())
        return True

    async def count(self, guild_id: int, user_id: int) -> int:
        await self._caught_up()
        return await self._repo.count(guild_id, user_id)

    async def forget(self, guild_id: int, user_id: int) -> int:
        """Delete every stay recorded about a person in this guild; returns how many."""
        return await self.recorder.forget(guild_id, user_id)

    # -- retention -------------------------------------------------------------------------------

    def jobs(self) -> dict[str, Handler]:
        return {JOB_PURGE: self._purge_job}

    async def guild_available(self, guild_id: int) -> None:
        """Purge now what expired while the bot was away; then daily while rows are kept."""
        if await self._repo.has_rows(guild_id):
            await self._schedule_purge(guild_id, self._clock.now())

    async def _rows_written(self, first: dict[int, int]) -> None:
        """A guild's first rows since its last purge left none: the daily purge starts, a day
        after the earliest of them began (not after the write, which may come later)."""
        for guild_id in first.keys() - self._purging:
            await self._schedule_purge(guild_id, from_epoch(first[guild_id]) + PURGE_EVERY)

    async def _schedule_purge(self, guild_id: int, due: datetime) -> None:
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await self._jobs.schedule_earliest(conn, guild_id, JOB_PURGE, guild_id, due, now)
        self._purging.add(guild_id)
        self._poke()

    async def purge(self, guild_id: int) -> int:
        cutoff = self._clock.now() - self._config.retention
        return await self._repo.purge(guild_id, to_epoch(cutoff))

    async def _purge_job(self, job: Job) -> Outcome:
        """Purge, then again in a day while anything is kept (a guild without rows has no job,
        so a programme that has run out of jobs is not kept alive by this one)."""
        await self.purge(job.guild_id)
        if await self._repo.has_rows(job.guild_id):
            now = self._clock.now()
            async with self._db.transaction() as conn:
                await self._jobs.schedule(
                    conn, job.guild_id, JOB_PURGE, job.guild_id, now + PURGE_EVERY, now
                )
            self._purging.add(job.guild_id)
        else:
            self._purging.discard(job.guild_id)
        return Outcome.DONE

    # -- reports ---------------------------------------------------------------------------------

    async def personal(self, guild_id: int, user_id: int) -> PersonalRecord:
        self.require_enabled()
        await self._caught_up()
        now = self._now()
        places = [p for p in await self._repo.person(guild_id, user_id, now) if p.seconds > 0]
        spans = await self._repo.spans(guild_id, user_id, now)
        return PersonalRecord(
            places=places,
            days=per_day(spans, self._config.zone),
            total_seconds=length(spans),
        )

    async def session_report(self, guild_id: int, session: Session) -> SessionReport:
        self.require_enabled()
        await self._caught_up()
        zone = self._config.zone
        stays = await self._repo.session_stays(guild_id, session.id, self._now())
        people = per_person(stays)
        text = io.StringIO()
        text.write("\ufeff")  # spreadsheet apps read UTF-8 (Japanese names) only with a BOM
        write_people(people, zone, text)
        slot = (to_epoch(session.start), to_epoch(session.end))
        png = await asyncio.to_thread(
            render_chart, concurrency(stays), chart_window(stays, *slot), slot, zone
        )
        return SessionReport(
            session=session,
            stats=session_stats(stays),
            people=people,
            csv=text.getvalue().encode("utf-8"),
            png=png,
        )

    async def present_in_session(self, guild_id: int, session_id: int) -> dict[int, int]:
        """user id -> seconds present in a session's places (overlaps counted once), what
        later features ask ("did this person attend?"); includes what is queued."""
        await self._caught_up()
        stays = await self._repo.session_stays(guild_id, session_id, self._now())
        return {p.user_id: p.seconds for p in per_person(stays)}

    async def session_totals(self, guild_id: int) -> dict[int, tuple[int, int]]:
        """session id -> (people who were there, seconds present), poster boards included."""
        await self.flush()
        return await self._repo.session_totals(guild_id, self._now())

    async def export(self, guild_id: int) -> ExportFile:
        """Every stay of the guild as CSV, streamed into a temporary file (gzipped when it would
        not fit Discord's upload limit)."""

        async def write(out: TextIO, now: int) -> int:
            return await write_export(self._repo, guild_id, self._config.zone, out, now)

        return await self._spooled(guild_id, write, "attendance")

    async def export_people(self, guild_id: int, sessions: Iterable[Session]) -> ExportFile:
        """Each person's minutes in all, per day and per session, as CSV (one row a person)."""

        async def write(out: TextIO, now: int) -> int:
            people = await people_totals(self._repo, guild_id, self._config.zone, now)
            return write_people_summary(people, sessions, out)

        return await self._spooled(guild_id, write, "attendance-people")

    async def _spooled(
        self, guild_id: int, write: Callable[[TextIO, int], Awaitable[int]], prefix: str
    ) -> ExportFile:
        self.require_enabled()
        await self._caught_up()
        now = self._clock.now()
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")  # noqa: SIM115
        text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
        try:
            rows = await write(text, to_epoch(now))
            text.flush()
            text.detach()
        except BaseException:
            spool.close()
            raise
        stamp = now.astimezone(self._config.zone).strftime("%Y%m%d-%H%M")
        export = ExportFile(spool, f"{prefix}-{stamp}.csv", rows)
        limit = self._upload_limit(guild_id)
        if spool.tell() > limit:
            export = await asyncio.to_thread(_gzipped, export)
            if export.file.tell() > limit:
                export.file.close()
                raise ExportTooLarge(limit_mib=limit // (1024 * 1024))
        export.file.seek(0)
        return export


def _gzipped(export: ExportFile) -> ExportFile:
    export.file.seek(0)
    packed = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")  # noqa: SIM115
    with gzip.GzipFile(fileobj=packed, mode="wb", filename=export.filename) as zipped:
        shutil.copyfileobj(export.file, zipped)
    export.file.close()
    return ExportFile(packed, export.filename + ".gz", export.rows)
