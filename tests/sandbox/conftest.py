"""Fixtures: a started Sandbox and a REAL discord.py client pointed at it.

Any ERROR record from the ``discord`` (or ``bot.sandbox``) loggers fails the test: the client
must never print "Ignoring exception" or fail to parse what the sandbox sends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import discord
import pytest
import yarl

from bot.sandbox import Sandbox, SandboxGuild

ClientFactory = Callable[[discord.Client], Awaitable[discord.Client]]


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("discord", "bot.sandbox")):
            self.records.append(record)


@pytest.fixture
def error_log() -> Iterator[_ErrorRecords]:
    handler = _ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    if handler.records:
        fmt = logging.Formatter("%(name)s: %(message)s")
        details = "\n".join(
            fmt.format(r) + ("\n" + fmt.formatException(r.exc_info) if r.exc_info else "")
            for r in handler.records
        )
        pytest.fail(f"ERROR records were logged:\n{details}")


@pytest.fixture
async def sb(error_log: _ErrorRecords) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox()
    sandbox.heartbeat_interval = 500
    await sandbox.start()
    yield sandbox
    await sandbox.stop()
    assert not sandbox.internal_errors, sandbox.internal_errors
    if sandbox.validator is not None:  # every answer matches Discord's documented responses
        wrong = [
            (r.method, r.path, r.status, v)
            for r in sandbox.requests
            for v in sandbox.validator.validate_response(r.method, r.path, r.status, r.response)
        ]
        assert not wrong, wrong


@pytest.fixture
def patched(sb: Sandbox) -> Iterator[None]:
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = sb.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sb.gateway_url)
    yield
    discord.http.Route.BASE = old_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@pytest.fixture
def guild(sb: Sandbox) -> SandboxGuild:
    g = sb.add_guild("Camp")
    category = sb.add_channel(g.id, "Rooms", 4)
    sb.add_channel(g.id, "general", 0)
    sb.add_channel(g.id, "Hallway", 2, parent_id=int(category["id"]))
    return g


@pytest.fixture
async def connect(sb: Sandbox, patched: None) -> AsyncIterator[ClientFactory]:
    """Log a client in, run it against the sandbox and wait for on_ready; closed afterwards."""
    running: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def start(client: discord.Client) -> discord.Client:
        await client.login(sb.token)
        task = asyncio.create_task(client.connect(reconnect=True))
        running.append((client, task))
        await asyncio.wait_for(client.wait_until_ready(), 10)
        return client

    yield start
    for client, task in running:
        await client.close()
        await asyncio.wait_for(task, 10)


def make_client(**kwargs: object) -> discord.Client:
    intents = discord.Intents.default()
    intents.members = False
    intents.message_content = False
    return discord.Client(intents=intents, guild_ready_timeout=0.1, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def client(connect: ClientFactory, guild: SandboxGuild) -> discord.Client:
    return await connect(make_client())
