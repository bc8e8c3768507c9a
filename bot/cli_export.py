"""`workshop-bot export schedule|attendance`: the programme (CSV, iCalendar), every recorded
voice stay or each person's totals (CSV), written offline from the database (`--database FILE`,
else the `database` setting).

Every CSV is UTF-8 with a BOM, to a file or to standard output alike (Excel reads Japanese names
only with one), and its times are `2027-07-01 09:31:00` in the workshop's zone, which Excel reads
as dates. Messages are in the workshop's `locale`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cli_exit import EXIT_OK, fail
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.features.sessions.domain.model import Session
    from bot.store.db import Database

BOM = "\ufeff"


class _ExportError(Exception):
    """One line for the operator; the export exits 2."""


class _Text:
    """The export's messages, in the workshop's locale."""

    def __init__(self, settings: Settings) -> None:
        from bot.i18n import Catalog

        self.catalog = Catalog.load(default_locale=settings.locale)
        self.locale = settings.locale
        self.database = str(settings.database)

    def __call__(self, key: str, /, **params: object) -> str:
        return self.catalog.t(f"cli.export.{key}", self.locale, database=self.database, **params)


def _export_guild(
    settings: Settings, text: _Text, requested: int | None, guilds: list[int], what: str
) -> int:
    """The guild to export: --guild, else the guild_id setting, else the only one there is.
    `what` is `sessions` or `attendance` (what the guilds were found holding)."""
    where = "--guild" if requested is not None else "WORKSHOP_GUILD_ID"
    wanted = requested if requested is not None else settings.guild_id
    known = ", ".join(str(g) for g in sorted(guilds)) or text("none")
    if wanted is not None:
        if wanted not in guilds:
            raise _ExportError(
                text(f"guild_unknown_{what}", guild=wanted, where=where, known=known)
            )
        return wanted
    if len(guilds) == 1:
        return guilds[0]
    if not guilds:
        raise _ExportError(text(f"empty_{what}"))
    raise _ExportError(text(f"several_{what}", known=known))


async def _open_current(settings: Settings, text: _Text) -> Database:
    """The database, opened only when its schema is the one this version reads (an export
    never migrates)."""
    from bot.store.db import Database
    from bot.store.migrate import current_version, discover

    db = Database(settings.database)
    try:
        await db.open()
        version = await current_version(db.conn)
        latest = len(discover(db.migrations_dir))
    except sqlite3.DatabaseError as exc:  # a file that is not a database
        await db.close()
        raise _ExportError(text("cannot_open", reason=exc)) from None
    except BaseException:
        await db.close()
        raise
    if version < latest:
        await db.close()
        raise _ExportError(text("old_schema", version=version, latest=latest))
    return db


async def _load_programme(
    settings: Settings, text: _Text, guild: int | None
) -> tuple[int, list[Session], dict[int, int], str | None]:
    """(guild id, its sessions incl. cancelled ones, session id -> Discord channel id, the
    workshop's title its last import named)."""
    from bot.features.sessions import keys
    from bot.features.sessions.repo import SessionRepository
    from bot.features.sessions.workshop_repo import WorkshopRepository
    from bot.store.structure_repo import StructureRepository

    db = await _open_current(settings, text)
    try:
        repo = SessionRepository(db)
        guild_id = _export_guild(settings, text, guild, await repo.all_guilds(), "sessions")
        sessions = await repo.in_guild(guild_id, include_cancelled=True)
        channels: dict[int, int] = {}
        for item in await StructureRepository(db).with_prefix(guild_id, keys.SESSION_PREFIX):
            session_id = keys.channel_session(item.purpose)
            if session_id is not None and item.discord_id is not None:
                channels[session_id] = item.discord_id
        title = await WorkshopRepository(db).title(guild_id)
    finally:
        await db.close()
    return guild_id, sessions, channels, title


def export_schedule(settings: Settings, fmt: str, out: Path | None, guild: int | None) -> int:
    from datetime import UTC, datetime

    from bot.features.sessions.calendar import calendar_title, schedule_csv, schedule_ics

    text = _Text(settings)
    if not settings.database.is_file():
        return fail(text("no_database"))
    try:
        guild_id, sessions, channels, title = asyncio.run(_load_programme(settings, text, guild))
    except _ExportError as exc:
        return fail(str(exc))

    def channel_url(session: Session) -> str | None:
        channel = channels.get(session.id)
        return f"https://discord.com/channels/{guild_id}/{channel}" if channel else None

    if fmt == "ics":
        data = schedule_ics(
            sessions,
            guild_id=guild_id,
            # The title setting, else the one the schedule file named, else a plain name (an
            # export has no Discord to ask the server's name).
            calendar_name=calendar_title(settings.title, title, text("calendar_name")),
            channel_url=channel_url,
            now=datetime.now(UTC),
            zone=settings.zone,
        )
    else:
        # A BOM wherever the CSV goes (a file, or `> programme.csv`): Excel reads UTF-8
        # (Japanese titles) only with one; the importer and Python's "utf-8-sig" skip it.
        data = (BOM + schedule_csv(sessions, settings.zone)).encode("utf-8")
    if out is None:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except BrokenPipeError:
            return _reader_gone()
        return EXIT_OK
    try:
        out.write_bytes(data)
    except OSError as exc:
        return fail(text("cannot_write", out=out, reason=exc.strerror or exc))
    cancelled = sum(1 for s in sessions if s.cancelled)
    listed = len(sessions) - (cancelled if fmt == "csv" else 0)
    note = ""
    if cancelled:
        note = text("cancelled_left_out" if fmt == "csv" else "cancelled_marked", count=cancelled)
    print(text("schedule_written", out=out, count=listed, guild=guild_id) + note)
    return EXIT_OK


def refuse_per_person(settings: Settings) -> int:
    return fail(_Text(settings)("per_person_attendance_only"))


def export_attendance(
    settings: Settings, fmt: str, out: Path | None, guild: int | None, *, per_person: bool = False
) -> int:
    text = _Text(settings)
    if fmt != "csv":
        return fail(text("attendance_csv_only"))
    if not settings.database.is_file():
        return fail(text("no_database"))
    try:
        guild_id, rows = asyncio.run(_write_attendance(settings, text, guild, out, per_person))
    except _ExportError as exc:
        return fail(str(exc))
    except BrokenPipeError:
        if out is not None:
            raise
        return _reader_gone()
    except OSError as exc:
        return fail(text("cannot_write", out=out, reason=exc.strerror or exc))
    if out is not None:
        key = "people_written" if per_person else "attendance_written"
        print(text(key, out=out, rows=rows, guild=guild_id))
    return EXIT_OK


async def _write_attendance(
    settings: Settings, text: _Text, guild: int | None, out: Path | None, per_person: bool
) -> tuple[int, int]:
    """Stream the guild's stays (or each person's totals) from the database into `out`
    (standard output when None), as UTF-8 with a BOM."""
    from bot.features.attendance.export import write_export
    from bot.features.attendance.people import people_totals, write_people_summary
    from bot.features.attendance.repo import AttendanceRepository
    from bot.features.sessions.repo import SessionRepository

    db = await _open_current(settings, text)
    try:
        repo = AttendanceRepository(db)
        guild_id = _export_guild(settings, text, guild, await repo.guilds(), "attendance")
        # A stay still open counts until the last moment the bot vouched for (its heartbeat).
        until = await repo.heartbeat() or 0
        with _csv_target(out) as handle:
            if per_person:
                people = await people_totals(repo, guild_id, settings.zone, until)
                sessions = await SessionRepository(db).in_guild(guild_id, include_cancelled=True)
                rows = write_people_summary(people, sessions, handle)
            else:
                rows = await write_export(repo, guild_id, settings.zone, handle, until)
    finally:
        await db.close()
    return guild_id, rows


def _reader_gone() -> int:
    """Standard output was closed by its reader (`export ... | head`): stop quietly, as command
    line tools do, and keep Python from complaining when it flushes standard output at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


@contextlib.contextmanager
def _csv_target(out: Path | None) -> Iterator[TextIO]:
    """A text stream writing UTF-8 with a BOM to `out`, or to standard output (whatever the
    console's own encoding is: the bytes are the file's)."""
    if out is not None:
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            yield handle
        return
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="")
    try:
        yield stream
        stream.flush()
    finally:
        with contextlib.suppress(OSError, ValueError):
            stream.detach()  # standard output stays open (and is not closed with the wrapper)
