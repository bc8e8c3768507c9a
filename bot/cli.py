"""`workshop-bot run | sync | migrate` (also `python -m bot`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

import discord

from bot import __version__
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot.cli")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


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
    return parser


def _fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(f"workshop-bot: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        token = settings.token() if args.command in ("run", "sync") else None
    except SettingsError as exc:
        return _fail(str(exc))

    from bot.logs import setup_logging

    setup_logging(settings.log_level)
    try:
        if args.command == "run":
            assert token is not None
            return asyncio.run(_run(settings, token))
        if args.command == "sync":
            assert token is not None
            return asyncio.run(_sync(settings, token, args.guild))
        return asyncio.run(_migrate(settings))
    except KeyboardInterrupt:
        return EXIT_OK


async def _run(settings: Settings, token: str) -> int:
    from bot.app import build_bot
    from bot.store.migrate import MigrationError

    bot = build_bot(settings)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("shutting down")
            await bot.close()
        stopper.cancel()
        try:
            await runner
        except discord.LoginFailure:
            return _fail("DISCORD_TOKEN was refused by Discord: check the bot token")
        except discord.PrivilegedIntentsRequired:
            return _fail("Discord refused the gateway intents", EXIT_FAILED)
        except MigrationError as exc:
            return _fail(str(exc), EXIT_FAILED)
    return EXIT_OK


async def _sync(settings: Settings, token: str, guild_id: int | None) -> int:
    from bot.app import build_bot
    from bot.sync import sync_commands

    bot = build_bot(settings)
    async with bot:
        try:
            await bot.login(token)
        except discord.LoginFailure:
            return _fail("DISCORD_TOKEN was refused by Discord: check the bot token")
        commands = await sync_commands(bot, guild_id)
    where = f"guild {guild_id}" if guild_id else "globally"
    names = ", ".join(sorted(f"/{c.name}" for c in commands))
    print(f"registered {len(commands)} commands {where}: {names}")
    return EXIT_OK


async def _migrate(settings: Settings) -> int:
    from bot.store.db import Database
    from bot.store.migrate import MigrationError

    db = Database(settings.database)
    try:
        await db.open()
        result = await db.migrate()
    except MigrationError as exc:
        return _fail(str(exc), EXIT_FAILED)
    finally:
        await db.close()
    if not result.applied:
        print(f"{settings.database}: already at schema version {result.to_version}")
    else:
        backup = f" (backup: {result.backup})" if result.backup else ""
        print(
            f"{settings.database}: migrated from version {result.from_version} to "
            f"{result.to_version}: {', '.join(result.applied)}{backup}"
        )
    return EXIT_OK
