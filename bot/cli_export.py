"""`workshop-bot export schedule|attendance`: the programme (CSV, iCalendar) or every recorded
voice stay (CSV), written offline from the database."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_exit import EXIT_OK, fail
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.domain.sessions.model import Session
    from bot.store.db import Database


class _ExportError(Exception):
    """One line for the operator; the export exits 2."""


def _export_guild(
    settings: Settings,
    requested: int | None,
    guilds: list[int],
    noun: str = "sessions",
    whose: str = "the programmes",
) -> int:
    """The guild to export: --guild, else the guild_id setting, else the only one there is."""
    where = "--guild" if requested is not None else "WORKSHOP_GUILD_ID"
    wanted = requested if requested is not None else settings.guild_id
    known = ", ".join(str(g) for g in sorted(guilds)) or "none"
    if wanted is not None:
        if wanted not in guilds:
            raise _ExportError(
                f"guild {wanted} ({where}) has no {noun} in {settings.database} "
                f"(guilds with {noun}: {known})"
            )
        return wanted
    if len(guilds) == 1:
        return guilds[0]
    if not guilds:
        raise _ExportError(f"{settings.database} holds no {noun} yet")
    raise _ExportError(
        f"{settings.database} holds {whose} of several guilds ({known}): "
        "choose one with --guild ID or WORKSHOP_GUILD_ID"
    )


async def _open_current(settings: Settings) -> Database:
    """The database, opened only when its schema is the one this version reads (an export
    never migrates)."""
    from bot.store.db import Database
    from bot.store.migrate import current_version, discover

    db = Database(settings.database)
    await db.open()
    try:
        version = await current_version(db.conn)
        latest = len(discover(db.migrations_dir))
    except BaseException:
        await db.close()
        raise
    if version < latest:
        await db.close()
        raise _ExportError(
            f"{settings.database} is at schema version {version}, this version of the bot "
            f"reads {latest}: run `workshop-bot migrate` first"
        )
    return db


async def _load_programme(
    settings: Settings, guild: int | None
) -> tuple[int, list[Session], dict[int, int]]:
    """(guild id, its sessions incl. cancelled ones, session id -> Discord channel id)."""
    from bot.store.session_repo import SessionRepository
    from bot.store.structure_repo import StructureRepository

    db = await _open_current(settings)
    try:
        repo = SessionRepository(db)
        guild_id = _export_guild(settings, guild, await repo.all_guilds())
        sessions = await repo.in_guild(guild_id, include_cancelled=True)
        channels: dict[int, int] = {}
        for item in await StructureRepository(db).with_prefix(guild_id, "session:"):
            parts = item.purpose.split(":")  # session:<id>:channel (see 0002_sessions.sql)
            if len(parts) == 3 and parts[2] == "channel" and item.discord_id is not None:
                channels[int(parts[1])] = item.discord_id
    finally:
        await db.close()
    return guild_id, sessions, channels


def export_schedule(settings: Settings, fmt: str, out: Path | None, guild: int | None) -> int:
    from datetime import UTC, datetime

    from bot.services.calendar import schedule_csv, schedule_ics

    if not settings.database.is_file():
        return fail(
            f"no database at {settings.database} (set WORKSHOP_DATABASE, or run the bot first)"
        )
    try:
        guild_id, sessions, channels = asyncio.run(_load_programme(settings, guild))
    except _ExportError as exc:
        return fail(str(exc))

    def channel_url(session: Session) -> str | None:
        channel = channels.get(session.id)
        return f"https://discord.com/channels/{guild_id}/{channel}" if channel else None

    if fmt == "ics":
        data = schedule_ics(
            sessions,
            guild_id=guild_id,
            calendar_name="Workshop programme",
            channel_url=channel_url,
            now=datetime.now(UTC),
            zone=settings.zone,
        )
    else:
        text = schedule_csv(sessions, settings.zone)
        data = (("\ufeff" if out is not None else "") + text).encode("utf-8")
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    try:
        out.write_bytes(data)
    except OSError as exc:
        return fail(f"cannot write {out}: {exc.strerror or exc}")
    cancelled = sum(1 for s in sessions if s.cancelled)
    listed = len(sessions) - (cancelled if fmt == "csv" else 0)
    shown = "left out" if fmt == "csv" else "marked as such"
    note = f" ({cancelled} cancelled {shown})" if cancelled else ""
    print(f"{out}: {listed} sessions of guild {guild_id}{note}")
    return EXIT_OK


def export_attendance(settings: Settings, fmt: str, out: Path | None, guild: int | None) -> int:
    if fmt != "csv":
        return fail("attendance is exported as CSV only: use --format csv")
    if not settings.database.is_file():
        return fail(
            f"no database at {settings.database} (set WORKSHOP_DATABASE, or run the bot first)"
        )
    try:
        guild_id, rows = asyncio.run(_write_attendance(settings, guild, out))
    except _ExportError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write {out}: {exc.strerror or exc}")
    if out is not None:
        print(f"{out}: {rows} stays of guild {guild_id}")
    return EXIT_OK


async def _write_attendance(
    settings: Settings, guild: int | None, out: Path | None
) -> tuple[int, int]:
    """Stream the guild's stays from the database into `out` (stdout when None)."""
    from bot.services.attendance_export import write_export
    from bot.store.attendance_repo import AttendanceRepository

    db = await _open_current(settings)
    try:
        repo = AttendanceRepository(db)
        guild_id = _export_guild(
            settings, guild, await repo.guilds(), "attendance records", "the attendance"
        )
        # A stay still open counts until the last moment the bot vouched for (its heartbeat).
        until = await repo.heartbeat() or 0
        if out is None:
            rows = await write_export(repo, guild_id, settings.zone, sys.stdout, until)
            sys.stdout.flush()
        else:
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                rows = await write_export(repo, guild_id, settings.zone, handle, until)
    finally:
        await db.close()
    return guild_id, rows
