"""`workshop-bot run | sync | migrate | check | export | rehearse | permissions` (also
`python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import __version__
from bot.cli_exit import EXIT_FAILED, EXIT_OK, fail
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    pass

log = logging.getLogger("bot.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workshop-bot",
        description="A Discord bot that runs online research workshops.",
        epilog="Settings come from config/workshop.toml (WORKSHOP_CONFIG) and the environment; "
        "see config/workshop.example.toml.",
    )
    parser.add_argument("--version", action="version", version=f"workshop-bot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "run",
        help="apply migrations and run the bot (needs DISCORD_TOKEN)",
        description="Apply pending database migrations, then connect to Discord and serve.",
    )
    sync = sub.add_parser(
        "sync",
        help="register the slash commands with Discord, then exit",
        description="Upload the slash commands (with their Japanese localizations). Run it "
        "after installing or upgrading the bot, not in a loop: Discord allows 200 command "
        "creations per guild per day.",
    )
    sync.add_argument(
        "--guild",
        type=int,
        metavar="ID",
        help="register in this guild only (appears at once); without it, globally",
    )
    sub.add_parser(
        "migrate",
        help="apply pending database migrations (after a backup copy), then exit",
        description="Bring the SQLite database to the current schema. An existing database "
        "file is copied next to itself before any migration.",
    )
    check = sub.add_parser(
        "check",
        help="validate a schedule file offline and print the plan (exit 1 on errors)",
        description="Read a schedule file (CSV, YAML or a Pretalx/frab schedule.json) as "
        "/session import would, without Discord or the database, and print the plan: sessions "
        "per day, channels per category (as they would be named), Scheduled Events in flight, "
        "conflicts, Discord limits it would break, and every problem with its row or slot. "
        "Times are read in the workshop's timezone setting unless the file names its own.",
        epilog="Exit status: 0 the file can be imported (warnings allowed), 1 it has errors, "
        "2 the file or the settings cannot be read.",
    )
    check.add_argument(
        "schedule_file",
        type=Path,
        metavar="SCHEDULE_FILE",
        help="a .csv, .yaml/.yml or Pretalx/frab .json file (e.g. config/schedule.example.yaml)",
    )
    rehearse = sub.add_parser(
        "rehearse",
        help="run a whole workshop against a local fake Discord, with simulated time and people",
        description="Run the real bot (same services, scheduler, commands and database code) "
        "against the sandbox Discord on 127.0.0.1 with a simulated clock and simulated "
        "attendees: an organizer sets the server up and imports the schedule, people join "
        "sessions, open and wander through topic rooms, claim and visit posters. Prints what "
        "happens, then what people saw (a reminder, the live room board, a poster's post), the "
        "channel layout against Discord's limits, REST requests by route and how close they "
        "came to Discord's limits, anything Discord would have refused, and attendance per "
        "session checked against what the simulation did, in the workshop's locale. Needs no "
        "Discord token and never talks to the real Discord.",
        epilog="Exit status: 0 every report matched, 1 a report differed or Discord (the "
        "sandbox) refused something, 2 the rehearsal could not start.",
    )
    rehearse.add_argument(
        "schedule",
        nargs="?",
        type=Path,
        metavar="SCHEDULE",
        help="a schedule file (default: the example camp, config/schedule.example.yaml, "
        "which ships with the bot: it works from any folder)",
    )
    rehearse.add_argument(
        "--speed",
        type=float,
        help="simulated seconds per real second (default: the whole programme in about a minute)",
    )
    rehearse.add_argument("--attendees", type=int, default=150, help="simulated attendees (150)")
    rehearse.add_argument(
        "--posters", type=int, default=20, help="presenters per poster session (20)"
    )
    rehearse.add_argument("--seed", type=int, default=1, help="the same seed, the same outcome")
    rehearse.add_argument(
        "--database", type=Path, help="keep the rehearsal's database here (for `export`)"
    )
    rehearse.add_argument(
        "--until", metavar="DAY[/HH:MM]", help="stop at this day (its end) or day and time"
    )
    export = sub.add_parser(
        "export",
        help="write the programme (CSV, iCalendar) or attendance (CSV), offline (from the DB)",
        description="Export from the SQLite database (--database, else WORKSHOP_DATABASE), "
        "without Discord. schedule --format ics: every session as a calendar event (cancelled "
        "ones marked cancelled, so calendar apps drop them), the calendar named after the "
        "`title` setting, else the `title:` of the last imported schedule file. "
        "schedule --format csv: the columns /session import reads "
        "(id,title,start,end,kind,track,description,location,speakers) plus status; cancelled "
        "sessions are left out, so the file re-imports cleanly. attendance --format csv: every "
        "recorded voice stay (user_id,display_name,channel_id,channel_name,place_kind,place_id,"
        "joined_at,left_at,seconds); a stay still open counts until the bot's last heartbeat. "
        "attendance --per-person: one row per person with minutes in all, in sessions, per day "
        "and per session (for attendance certificates). Every CSV is UTF-8 with a BOM (for "
        "Excel), its times like 2027-07-01 09:31:00 in the workshop's zone (named in the "
        "header of attendance files).",
    )
    export.add_argument(
        "what",
        choices=["schedule", "attendance", "archive"],
        help="what to export: the programme, every recorded voice stay, or the wrap-up "
        "archive (a zip of every feature's files and a README.txt; needs --out)",
    )
    export.add_argument(
        "--format",
        dest="fmt",
        choices=["csv", "ics"],
        help="file format (schedule and attendance; required there)",
    )
    export.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write to FILE; default: standard output (the same bytes, so `> file.csv` works)",
    )
    export.add_argument(
        "--guild",
        type=int,
        metavar="ID",
        help="the guild whose programme to export; default: WORKSHOP_GUILD_ID, else the only "
        "guild in the database",
    )
    export.add_argument(
        "--database",
        type=Path,
        metavar="FILE",
        help="the SQLite database to read (e.g. one kept by `rehearse --database`); default: "
        "the database setting (WORKSHOP_DATABASE, data/workshop.db)",
    )
    export.add_argument(
        "--per-person",
        action="store_true",
        help="attendance only: one row per person with total minutes, minutes per day and per "
        "session, instead of every stay",
    )
    permissions = sub.add_parser(
        "permissions",
        help="print the permissions the bot needs, why, and the invite URL, then exit",
        description="Print the permissions integer of the invite, each permission with why the "
        "bot needs it, and the invite URL (scopes bot and applications.commands). Without "
        "--client-id the Application ID is read from DISCORD_TOKEN when it is set.",
    )
    permissions.add_argument(
        "--client-id",
        type=int,
        metavar="ID",
        help="your application's ID (Developer Portal → General Information → Application ID)",
    )
    permissions.add_argument(
        "--markdown", action="store_true", help="print only the table, as Markdown"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "export" and args.what != "archive" and args.fmt is None:
        parser.error("the following arguments are required: --format")
    try:
        settings = load_settings()
    except SettingsError as exc:
        return fail(str(exc))  # no locale to speak in before the settings are read
    try:
        token = settings.token() if args.command in ("run", "sync") else None
    except SettingsError as exc:
        return fail(_localized(settings, exc))
    if args.command == "permissions":
        return _permissions(settings, args.client_id, args.markdown)

    from bot.logs import setup_logging

    setup_logging(settings.log_level)
    try:
        if args.command == "run":
            assert token is not None
            from bot.cli_start import run

            return asyncio.run(run(settings, token))
        if args.command == "sync":
            assert token is not None
            from bot.cli_start import sync

            return asyncio.run(sync(settings, token, args.guild))
        if args.command == "check":
            return _check(settings, args.schedule_file)
        if args.command == "rehearse":
            return _rehearse(settings, args)
        if args.command == "export":
            return _export(settings, args)
        return asyncio.run(_migrate(settings))
    except KeyboardInterrupt:
        return EXIT_OK


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli_export import export_attendance, export_schedule, refuse_per_person

    if args.database is not None:
        settings = settings.model_copy(update={"database": args.database})
    if args.what == "archive":
        from bot.cli_archive import export_archive

        return export_archive(settings, args.out, args.guild)
    if args.what == "attendance":
        return export_attendance(
            settings, args.fmt, args.out, args.guild, per_person=args.per_person
        )
    if args.per_person:
        return refuse_per_person(settings)
    return export_schedule(settings, args.fmt, args.out, args.guild)


def _permissions(settings: Settings, client_id: int | None, markdown: bool) -> int:
    from bot.cli_permissions import print_permissions
    from bot.core.permissions import client_id_from_token

    if client_id is None:
        with contextlib.suppress(SettingsError):
            client_id = client_id_from_token(settings.token())
    return print_permissions(settings.locale, client_id, markdown=markdown)


def _rehearse(settings: Settings, args: argparse.Namespace) -> int:
    import os

    from bot.cli_start import quiet_voice_warnings
    from bot.rehearsal.options import (
        Options,
        RehearsalError,
        check_until,
        refuse_real_discord,
        schedule_file,
    )
    from bot.rehearsal.runner import Rehearsal
    from bot.rehearsal.text import Text

    text = Text(settings.locale)
    reason = refuse_real_discord(dict(os.environ), text=text)
    if reason is not None:
        return fail(reason)
    if args.attendees < 1 or args.posters < 0 or (args.speed is not None and args.speed <= 0):
        return fail(text("bad_numbers"))
    try:
        schedule = schedule_file(args.schedule)
        if args.until is not None:
            check_until(args.until)
    except RehearsalError as exc:
        return fail(exc.render(text))
    # What the bot logs below a warning would drown the rehearsal's own account.
    logging.getLogger().setLevel(logging.WARNING)
    quiet_voice_warnings()
    options = Options(
        schedule=schedule,
        attendees=args.attendees,
        posters=args.posters,
        seed=args.seed,
        speed=args.speed,
        database=args.database,
        until=args.until,
    )
    try:
        return asyncio.run(Rehearsal(options, settings).run())
    except RehearsalError as exc:
        return fail(exc.render(text))


def _localized(settings: Settings, exc: SettingsError) -> str:
    """A settings error in the workshop's locale, when the catalogs name it."""
    if exc.key is None:
        return str(exc)
    from bot.i18n import Catalog

    return Catalog.load(default_locale=settings.locale).t(exc.key, settings.locale, **exc.params)


async def _migrate(settings: Settings) -> int:
    import sqlite3

    from bot.i18n import Catalog
    from bot.store.db import Database
    from bot.store.migrate import MigrationError

    catalog, locale = Catalog.load(default_locale=settings.locale), settings.locale

    def t(key: str, **params: object) -> str:
        return catalog.t(f"cli.migrate.{key}", locale, database=settings.database, **params)

    db = Database(settings.database)
    try:
        await db.open()
        result = await db.migrate()
    except MigrationError as exc:
        return fail(t(exc.key, **exc.params), EXIT_FAILED)
    except (OSError, sqlite3.DatabaseError) as exc:  # a folder it cannot create, not a database
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return fail(t("cannot_open", reason=reason))
    finally:
        await db.close()
    if not result.applied:
        print(t("already", version=result.to_version))
    else:
        backup = t("backup", backup=result.backup) if result.backup else ""
        applied = t("list_sep").join(result.applied)
        print(
            t(
                "migrated",
                from_version=result.from_version,
                to_version=result.to_version,
                applied=applied,
            )
            + backup
        )
    return EXIT_OK


def _check(settings: Settings, path: Path) -> int:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.core.untrusted import UntrustedRunner
    from bot.features.sessions.check import check_schedule, parse_here
    from bot.features.sessions.check_report import render_report
    from bot.features.sessions.domain.schedule_import import ImportResult
    from bot.features.sessions.imports import WORKER_MODULES
    from bot.i18n import Catalog

    catalog = Catalog.load(default_locale=settings.locale)

    def t(key: str, **params: object) -> str:
        return catalog.t(f"cli.check.{key}", settings.locale, file=path, **params)

    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail(t("cannot_read", reason=exc.strerror or exc))
    # The file is read by a budgeted worker, as the bot reads uploads: a hostile file gets a
    # refusal in the report, never a traceback or a machine out of memory.
    runner = UntrustedRunner(preload=WORKER_MODULES, log_tracebacks=False)

    def parse(filename: str, content: bytes, zone: ZoneInfo, now: datetime) -> ImportResult:
        return runner.run_sync(parse_here, filename, content, zone, now)

    try:
        report = check_schedule(
            str(path),
            data,
            settings.zone,
            settings.locale,
            window_hours=settings.sessions.events_window_hours,
            cap=settings.sessions.events_cap,
            now=datetime.now(UTC),
            catalog=catalog,
            parse=parse,
        )
    except Exception as exc:  # a bug of ours, not the file's: one line, no traceback
        return fail(t("crashed", error=f"{type(exc).__name__}: {exc}"), EXIT_FAILED)
    sys.stdout.write(render_report(report, catalog))
    return EXIT_OK if report.ok else EXIT_FAILED
