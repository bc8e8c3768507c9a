"""End-to-end harness: the real bot (`build_bot`) against the sandbox Discord on 127.0.0.1.

Every test fails on an exception the bot swallowed (any ERROR log record from discord.py or the
bot: "Ignoring exception", tree/client error handlers) and on a request the sandbox does not know.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_bot
from bot.core.bot import WorkshopBot
from bot.core.sync import sync_commands
from bot.domain.clock import FakeClock
from bot.sandbox.sandbox import Sandbox
from bot.settings import BreakoutsSettings, RoomsSettings, Settings


async def eventually(predicate: Callable[[], bool], within: float = 15.0) -> None:
    """Wait until `predicate()` holds: for state changed by another task or process."""

    async def poll() -> None:
        while not predicate():  # noqa: ASYNC110 (the state lives elsewhere: no event to wait on)
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), within)


def command_id(sb: Sandbox, guild_id: int, name: str) -> int:
    """The id Discord gave a command synced to the guild (what a mention of it carries)."""
    return int(next(c["id"] for c in sb.commands(guild_id) if c["name"] == name))


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(("discord", "bot")):
            self.records.append(record)


@pytest.fixture
def swallowed_errors() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    if handler.records:
        formatter = logging.Formatter("%(name)s: %(message)s")
        details = "\n".join(formatter.format(r) for r in handler.records)
        pytest.fail(f"the bot logged errors:\n{details}")


@pytest.fixture
async def sandbox(swallowed_errors: ErrorLog) -> AsyncIterator[Sandbox]:
    sb = Sandbox()
    sb.heartbeat_interval = 1000
    await sb.start()
    yield sb
    await sb.stop()
    assert not sb.unknown_requests, f"requests the sandbox does not know: {sb.unknown_requests}"
    assert not sb.internal_errors, f"sandbox errors: {sb.internal_errors}"


@dataclass
class World:
    """A guild with an organizer (by role), an admin (Manage Server) and plain attendees."""

    sb: Sandbox
    tmp: Path
    guild_id: int
    organizer_role_id: int
    organizer_id: int
    admin_id: int
    attendee_id: int
    clock: FakeClock = field(
        default_factory=lambda: FakeClock(datetime(2026, 7, 1, 0, 0, tzinfo=UTC))
    )
    bots: list[WorkshopBot] = field(default_factory=list)
    tasks: dict[int, asyncio.Task[None]] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.tmp / "data" / "workshop.db"

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database": self.database,
            "guild_id": self.guild_id,
            "discord_api_base": self.sb.api_base,
            "discord_gateway_url": self.sb.gateway_url,
        }
        # The live board's edit spacing, short so tests need not wait (3 s by default).
        rooms = {"board_edit_seconds": 0.2, **overrides.pop("rooms", {})}
        values["rooms"] = RoomsSettings(**rooms)
        # Voice channel status lines come a second after a change: off unless a test is about
        # them (tests that count requests exactly would otherwise race them).
        breakouts = {"voice_status": False, **overrides.pop("breakouts", {})}
        values["breakouts"] = BreakoutsSettings(**breakouts)
        values.update(overrides)
        return Settings(**values)

    async def start_bot(self, *, sync: bool = True, **overrides: Any) -> WorkshopBot:
        bot = build_bot(self.settings(**overrides), clock=self.clock, guild_ready_timeout=0.1)
        self.bots.append(bot)
        await bot.login(self.sb.token)
        if sync:
            await sync_commands(bot, self.guild_id)
        self.tasks[id(bot)] = asyncio.create_task(bot.connect(reconnect=True))
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        await asyncio.wait_for(bot.wait_reconciled(self.guild_id), 10)
        return bot

    async def stop_bot(self, bot: WorkshopBot) -> None:
        await bot.close()
        self.bots.remove(bot)
        task = self.tasks.pop(id(bot), None)
        if task is not None:
            await asyncio.wait_for(task, 10)

    async def settle(self, seconds: float = 0.3) -> None:
        """Let dispatched gateway events reach the bot and its listeners finish."""
        await asyncio.sleep(seconds)

    async def run_jobs(self, to: datetime) -> None:
        """Move the clock to `to` and wait until what fell due ran, poster boards included."""
        self.clock.set(to)
        bot = self.bots[-1]
        await bot.services.scheduler.idle()
        await self.settle(0.1)
        await bot.services.posters.settled(self.guild_id)
        await bot.services.scheduler.idle()


@pytest.fixture
def community() -> bool:
    """Whether the world's guild is a Community server (Stage and Forum channels). A module
    overrides this fixture to run its tests in both kinds of guild."""
    return True


@pytest.fixture
async def world(sandbox: Sandbox, tmp_path: Path, community: bool) -> AsyncIterator[World]:
    guild = sandbox.add_guild("ML Summer Camp", community=community)
    role = sandbox.add_role(guild.id, "Organizer")
    organizer = sandbox.add_member(guild.id, name="organizer", roles=[int(role["id"])])
    admin_role = sandbox.add_role(guild.id, "Admins", permissions=1 << 5)  # MANAGE_GUILD
    admin = sandbox.add_member(guild.id, name="admin", roles=[int(admin_role["id"])])
    attendee = sandbox.add_member(guild.id, name="attendee", locale="ja")
    w = World(
        sb=sandbox,
        tmp=tmp_path,
        guild_id=guild.id,
        organizer_role_id=int(role["id"]),
        organizer_id=int(organizer["id"]),
        admin_id=int(admin["id"]),
        attendee_id=int(attendee["id"]),
    )
    sandbox.wall_clock = w.clock.now  # Discord's "now" is the simulated time too
    sandbox.clock = lambda: w.clock.now().timestamp()  # and so are its rate-limit windows
    yield w
    for bot in list(w.bots):
        await w.stop_bot(bot)
