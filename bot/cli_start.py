"""`workshop-bot run` and `sync`: how they reach Discord, and one line saying why when they cannot.

Before the bot logs in, nothing is known about the network; an operator on a fresh host meets DNS
failures, a firewall, a proxy that is not running, a broken CA store or a typo in
`DISCORD_API_BASE`. Each becomes one line naming the cause and what to check (exit 2) instead of
aiohttp's traceback. `run` also opens the gateway once before the bot's own connection: discord.py
cannot recover when its very first gateway connection fails (it would log a traceback and crash),
while later drops are reconnected by discord.py as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
import ssl
from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import INTERNAL_API_VERSION

from bot.cli_exit import EXIT_FAILED, EXIT_OK, fail
from bot.i18n import Catalog
from bot.settings import Settings
from bot.store.migrate import MigrationError

log = logging.getLogger("bot.cli")

T = TypeVar("T")

REST = "DISCORD_API_BASE"
GATEWAY = "DISCORD_GATEWAY_URL"


class Unreachable(Exception):
    """Discord cannot be reached; `str()` is the one line for the operator."""


def quiet_voice_warnings() -> None:
    """The bot never joins voice (it only reads who is in a voice channel): discord.py's
    "PyNaCl / davey is not installed, voice will NOT be supported" warnings say nothing useful."""
    from discord.voice_client import VoiceClient

    VoiceClient.warn_nacl = False
    VoiceClient.warn_dave = False


def _where(url: str) -> tuple[str, str]:
    """(host, host:port) of a URL, for messages."""
    parsed = yarl.URL(url)
    host = parsed.host or url
    return host, f"{host}:{parsed.port}" if parsed.port else host


def explain(
    exc: BaseException, url: str, setting: str, catalog: Catalog, locale: str
) -> str | None:
    """One line for a network failure while talking to `url` (set by `setting`), or None when
    `exc` is not one."""
    host, address = _where(url)
    params = {"url": url, "setting": setting, "host": host, "address": address}

    def t(key: str, **extra: object) -> str:
        return catalog.t(f"cli.network.{key}", locale, **params, **extra)

    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return t("dns")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return t("tls", reason=_reason(exc.certificate_error))
    if isinstance(exc, aiohttp.ClientSSLError):
        return t("tls", reason=_reason(exc.os_error))
    if isinstance(exc, ssl.SSLError):
        return t("tls", reason=_reason(exc))
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ssl.SSLError):
            return t("tls", reason=_reason(exc.os_error))
        if isinstance(exc.os_error, ConnectionRefusedError):
            return t("refused")
        if isinstance(exc.os_error, TimeoutError):
            return t("timeout")
        return t("other", reason=_reason(exc.os_error))
    if isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError):
        return t("timeout")
    if isinstance(exc, aiohttp.WSServerHandshakeError):
        return t("gateway_refused", status=exc.status)
    if isinstance(exc, discord.DiscordServerError):
        return t("server", status=exc.status)
    if isinstance(exc, discord.HTTPException) and exc.status in (404, 405):
        return t("not_discord", status=exc.status)
    if isinstance(exc, aiohttp.ClientResponseError):
        return t("not_discord", status=exc.status)
    if isinstance(exc, aiohttp.ClientError):
        return t("other", reason=_reason(exc))
    return None  # not the network's doing (a plain OSError here is the database's, say)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message)
    if isinstance(exc, ssl.SSLError) and getattr(exc, "reason", None):
        return str(exc.reason)
    if isinstance(exc, OSError) and exc.strerror:
        return str(exc.strerror)
    return str(exc) or type(exc).__name__


async def guarded(step: Awaitable[T], url: str, setting: str, catalog: Catalog, locale: str) -> T:
    """Await `step`; a network failure becomes `Unreachable` with its one line."""
    try:
        return await step
    except Exception as exc:
        line = explain(exc, url, setting, catalog, locale)
        if line is None:
            raise
        raise Unreachable(line) from None


def gateway_url() -> str:
    """The gateway discord.py connects to first (DISCORD_GATEWAY_URL, see point_client_at)."""
    return str(DiscordWebSocket.DEFAULT_GATEWAY)


async def probe_gateway(client: discord.Client, catalog: Catalog, locale: str) -> None:
    """Open the gateway's WebSocket through discord.py's own HTTP session (same proxy and TLS
    settings) and close it again at once, before IDENTIFY: nothing is spent of Discord's
    identify budget. Raises `Unreachable`."""
    base = yarl.URL(gateway_url())
    url = str(base.with_query(v=INTERNAL_API_VERSION, encoding="json"))
    socket = await guarded(client.http.ws_connect(url), gateway_url(), GATEWAY, catalog, locale)
    await socket.close()


def database_failed(exc: BaseException, settings: Settings, catalog: Catalog) -> int:
    """The one line (exit 1 for a schema that cannot be migrated, 2 for a database that cannot
    be opened) when the database stops the bot at log-in (`setup_hook` opens and migrates it).
    Network failures never get here: `guarded` turned them into `Unreachable`."""
    locale = settings.locale
    if isinstance(exc, MigrationError):
        return fail(catalog.t(f"cli.migrate.{exc.key}", locale, **exc.params), EXIT_FAILED)
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    line = catalog.t("cli.migrate.cannot_open", locale, database=settings.database, reason=reason)
    return fail(line)


async def run(settings: Settings, token: str) -> int:
    """`workshop-bot run`: log in, make sure the gateway answers, then serve until SIGTERM."""
    from bot.app import build_bot

    quiet_voice_warnings()
    bot = build_bot(settings)
    catalog, locale = bot.catalog, settings.locale
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        try:
            await guarded(bot.login(token), settings.discord_api_base, REST, catalog, locale)
            await probe_gateway(bot, catalog, locale)
        except Unreachable as exc:
            return fail(str(exc))
        except discord.LoginFailure:
            return fail(catalog.t("cli.start.token_refused", locale))
        except (MigrationError, OSError, sqlite3.DatabaseError) as exc:
            return database_failed(exc, settings, catalog)
        runner = asyncio.create_task(bot.connect(reconnect=True))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("shutting down")
            await bot.close()
        stopper.cancel()
        try:
            await runner
        except discord.LoginFailure:
            return fail(catalog.t("cli.start.token_refused", locale))
        except discord.PrivilegedIntentsRequired:
            return fail(catalog.t("cli.start.intents_refused", locale), EXIT_FAILED)
    return EXIT_OK


async def sync(settings: Settings, token: str, guild_id: int | None) -> int:
    """`workshop-bot sync [--guild ID]`: log in, register the slash commands, exit."""
    from bot.app import build_bot
    from bot.core.sync import sync_commands

    quiet_voice_warnings()
    bot = build_bot(settings)
    catalog, locale = bot.catalog, settings.locale
    async with bot:
        try:
            await guarded(bot.login(token), settings.discord_api_base, REST, catalog, locale)
            commands = await guarded(
                sync_commands(bot, guild_id), settings.discord_api_base, REST, catalog, locale
            )
        except Unreachable as exc:
            return fail(str(exc))
        except discord.LoginFailure:
            return fail(catalog.t("cli.start.token_refused", locale))
        except (MigrationError, OSError, sqlite3.DatabaseError) as exc:
            return database_failed(exc, settings, catalog)
    names = catalog.t("cli.migrate.list_sep", locale).join(sorted(f"/{c.name}" for c in commands))
    key = "cli.start.synced_guild" if guild_id else "cli.start.synced_global"
    print(catalog.t(key, locale, count=len(commands), guild=guild_id, names=names))
    return EXIT_OK
