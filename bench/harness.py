"""A small harness shared by the benchmarks: the sandbox Discord and the real bot on 127.0.0.1."""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.app import build_bot
from bot.core.bot import WorkshopBot
from bot.core.sync import sync_commands
from bot.domain.clock import FakeClock
from bot.sandbox.ratelimits import DISCORD_GLOBAL, DISCORD_LIKE
from bot.sandbox.sandbox import Sandbox
from bot.settings import Settings


@dataclass
class Stage:
    sb: Sandbox
    bot: WorkshopBot
    guild_id: int
    organizer_id: int

    async def new_guild(self, name: str) -> tuple[int, int]:
        """Another guild with an organizer, once the bot has seen it (the bot serves all)."""
        guild = self.sb.add_guild(name)
        role = self.sb.add_role(guild.id, "Organizer")
        organizer = self.sb.add_member(guild.id, name="organizer", roles=[int(role["id"])])
        while not self._bot_sees(guild.id, int(role["id"])):  # noqa: ASYNC110 (polls a cache)
            await asyncio.sleep(0.01)
        return guild.id, int(organizer["id"])

    def _bot_sees(self, guild_id: int, role_id: int) -> bool:
        guild = self.bot.get_guild(guild_id)
        return guild is not None and guild.get_role(role_id) is not None


@asynccontextmanager
async def stage(
    workdir: Path | None = None,
    *,
    clock: FakeClock | None = None,
    discord_like_rate_limits: bool = False,
    settings: dict[str, object] | None = None,
) -> AsyncIterator[Stage]:
    """A guild with an organizer, the bot connected and its commands synced. With a clock, the
    bot and the sandbox share that simulated time."""
    sb = Sandbox()
    if clock is not None:
        sb.wall_clock = clock.now
        sb.clock = lambda: clock.now().timestamp()
    if discord_like_rate_limits:
        sb.rate_limits = dict(DISCORD_LIKE)
        sb.global_rate_limit = DISCORD_GLOBAL
    await sb.start()
    guild = sb.add_guild("Bench Camp")
    role = sb.add_role(guild.id, "Organizer")
    organizer = sb.add_member(guild.id, name="organizer", roles=[int(role["id"])])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database=(workdir or Path(tmp)) / "bench.db",
            discord_api_base=sb.api_base,
            discord_gateway_url=sb.gateway_url,
            log_level="WARNING",
            **(settings or {}),  # type: ignore[arg-type]
        )
        bot = build_bot(settings, clock=clock, guild_ready_timeout=0.1)
        await bot.login(sb.token)
        await sync_commands(bot, None)  # global: every guild of the bench has the commands
        task = asyncio.create_task(bot.connect())
        await bot.wait_until_ready()
        await bot.wait_reconciled(guild.id)
        try:
            yield Stage(sb, bot, guild.id, int(organizer["id"]))
        finally:
            await bot.close()
            await task
            await sb.stop()


def percentile(values: Sequence[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
