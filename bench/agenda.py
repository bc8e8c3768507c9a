"""The personal agenda through the real bot and the sandbox: a reminder wave to 300 subscribers
of one session in `mention` mode and in `dm` mode (REST requests, and seconds from the moment it
falls due until the last reminder is out), and the start-up reconcile of 40 events with 150
subscribers each (requests on a first start, and on a start where nothing changed).

    python bench/agenda.py [--discord-like-rate-limits]

Targets (issue "My programme"): mention mode <= ceil(N/80)+1 requests; the start-up reconcile
<= one paged GET per event with subscribers.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import peak_rss_mib  # noqa: E402
from bot.app import build_bot  # noqa: E402
from bot.core.bot import WorkshopBot  # noqa: E402
from bot.domain.clock import FakeClock  # noqa: E402
from bot.features.agenda.domain import Mode  # noqa: E402
from bot.features.agenda.service import JOB_REMIND, AgendaService  # noqa: E402
from bot.features.sessions.domain.model import make_draft  # noqa: E402
from bot.features.sessions.service import SessionService  # noqa: E402
from bot.sandbox.ratelimits import DISCORD_GLOBAL, DISCORD_LIKE  # noqa: E402
from bot.sandbox.sandbox import Sandbox  # noqa: E402
from bot.settings import AgendaSettings, Settings  # noqa: E402

NOW = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)  # 9:00 in Tokyo
TALK = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
WAVE = 300
EVENTS, PER_EVENT = 40, 150
USERS_ROUTE = "GET /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/users"


class Camp:
    def __init__(self, discord_like: bool, workdir: Path) -> None:
        self.sb = Sandbox()
        self.clock = FakeClock(NOW)
        self.sb.wall_clock = self.clock.now
        self.discord_like = discord_like
        self.db = workdir / "bench.db"
        self.guild_id = 0
        self.organizer_id = 0

    def throttle(self, on: bool) -> None:
        """Discord-like limits for what is measured (the setup runs unthrottled)."""
        self.sb.rate_limits = dict(DISCORD_LIKE) if on and self.discord_like else {}
        self.sb.global_rate_limit = DISCORD_GLOBAL if on and self.discord_like else None

    @asynccontextmanager
    async def bot(self) -> AsyncIterator[WorkshopBot]:
        settings = Settings(
            database=self.db,
            discord_api_base=self.sb.api_base,
            discord_gateway_url=self.sb.gateway_url,
            log_level="WARNING",
            # 15 min ahead: apart from the sessions' own reminder (10 min), not measured here
            agenda=AgendaSettings(reminder_minutes=15),
        )
        bot = build_bot(settings, clock=self.clock, guild_ready_timeout=0.1)
        await bot.login(self.sb.token)
        task = asyncio.create_task(bot.connect())
        await bot.wait_until_ready()
        await bot.wait_reconciled(self.guild_id)
        try:
            yield bot
        finally:
            await bot.close()
            await task


def sessions_of(bot: WorkshopBot) -> SessionService:
    return bot.services.get("sessions", SessionService)


def agenda_of(bot: WorkshopBot) -> AgendaService:
    return bot.services.get("agenda", AgendaService)


async def wave(camp: Camp, mode: Mode) -> tuple[int, float, Counter[str], int]:
    """300 subscribers of one session (all by `mode`); the wave's requests and seconds."""
    sb = camp.sb
    camp.clock.set(NOW)
    async with camp.bot() as bot:
        title = f"Keynote ({mode.value})"
        draft = make_draft(title=title, start=TALK, end=TALK + timedelta(hours=1), track=mode.value)
        session = await sessions_of(bot).create(camp.guild_id, camp.organizer_id, draft)
        _, events = await sessions_of(bot).places.discord_ids(camp.guild_id)
        event = events[session.id]
        people = [
            int(sb.add_member(camp.guild_id, name=f"{mode.value}{i}")["id"]) for i in range(WAVE)
        ]
        agenda = agenda_of(bot)
        for person in people:
            sb.set_event_interest(camp.guild_id, event, person)
            await agenda.repo.set_mode(camp.guild_id, person, mode)
        while len(await agenda.repo.subscribers(session.id)) < WAVE:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        await agenda.settled()
        (job,) = await bot.core.jobs.pending_of(camp.guild_id, (JOB_REMIND,))
        camp.throttle(True)
        sb.clear_requests()
        started = time.perf_counter()
        camp.clock.set(job.due_at)
        await bot.services.scheduler.idle()
        while (await bot.core.jobs.history(JOB_REMIND))[-1].state != "done":  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        seconds = time.perf_counter() - started
        camp.throttle(False)
        routes = Counter(r.route for r in sb.requests if r.status < 300)
        limited = sum(1 for r in sb.requests if r.status == 429)
    return sum(routes.values()), seconds, routes, limited


async def reconcile(camp: Camp) -> tuple[int, int, int, int, float, int]:
    """40 events x 150 subscribers pressed while the bot was down; the start's requests."""
    sb = camp.sb
    camp.clock.set(NOW)
    async with camp.bot() as bot:
        base = NOW + timedelta(hours=3)
        created = []
        for index in range(EVENTS):
            start = base + timedelta(hours=index // 8)
            draft = make_draft(
                title=f"Talk {index}",
                start=start,
                end=start + timedelta(minutes=50),
                track=f"T{index % 8}",
            )
            made = await sessions_of(bot).create(camp.guild_id, camp.organizer_id, draft)
            created.append(made.id)
        _, known = await sessions_of(bot).places.discord_ids(camp.guild_id)
        events = {s: known[s] for s in created}
    people = [int(sb.add_member(camp.guild_id, name=f"p{i}")["id"]) for i in range(PER_EVENT * 2)]
    for index, event in enumerate(sorted(events.values())):
        for person in people[(index % 2) * PER_EVENT : (index % 2) * PER_EVENT + PER_EVENT]:
            sb.set_event_interest(camp.guild_id, event, person)
    camp.throttle(True)
    sb.clear_requests()
    started = time.perf_counter()
    async with camp.bot() as bot:
        seconds = time.perf_counter() - started
        first = Counter(r.route for r in sb.requests if r.method == "GET" and r.status < 300)
        limited = sum(1 for r in sb.requests if r.status == 429)
        held = await agenda_of(bot).repo.sessions_with_subscribers(camp.guild_id)
        assert sum(held[s] for s in events) == EVENTS * PER_EVENT, held
    sb.clear_requests()
    async with camp.bot():
        again = Counter(r.route for r in sb.requests if r.method == "GET" and r.status < 300)
    camp.throttle(False)
    counts = "GET /guilds/{guild_id}/scheduled-events"
    return first[USERS_ROUTE], first[counts], again[USERS_ROUTE], again[counts], seconds, limited


async def main(discord_like: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        camp = Camp(discord_like, Path(tmp))
        await camp.sb.start()
        guild = camp.sb.add_guild("Bench Camp")
        role = camp.sb.add_role(guild.id, "Organizer")
        camp.guild_id = guild.id
        camp.organizer_id = int(
            camp.sb.add_member(guild.id, name="organizer", roles=[int(role["id"])])["id"]
        )
        try:
            mention = await wave(camp, Mode.MENTION)
            dm = await wave(camp, Mode.DM)
            recon = await reconcile(camp)
        finally:
            await camp.sb.stop()

    print("personal agenda")
    limits = "yes (per route, and 50 requests/s global)" if discord_like else "no"
    print(f"  rate limits like Discord's: {limits}")
    target = math.ceil(WAVE / 80) + 1
    for name, (requests, seconds, routes, limited) in (("mention", mention), ("dm", dm)):
        print(
            f"  reminder wave, {WAVE} subscribers, mode {name}: {requests} REST requests, "
            f"last reminder out after {seconds:.2f} s (429s met: {limited})"
        )
        for route, count in sorted(routes.items(), key=lambda kv: -kv[1]):
            print(f"    {count:4d} x {route}")
    met = "met" if mention[0] <= target else "MISSED"
    print(f"  mention-mode target ceil(N/80)+1 = {target}: {met}")
    users, counts, users_again, counts_again, seconds, limited = recon
    print(f"  start-up reconcile, {EVENTS} events x {PER_EVENT} subscribers (pressed while down):")
    print(
        f"    first start: {counts} x GET scheduled-events (counts), {users} x GET .../users "
        f"(pages of 100: {math.ceil(PER_EVENT / 100)} per event), {seconds:.2f} s to ready, "
        f"429s met: {limited}"
    )
    print(
        f"    next start, nothing changed: {counts_again} x counts, {users_again} x GET .../users "
        f"(events whose reminder is due within 2 h are always read again)"
    )
    print(f"  peak RSS (bot + sandbox in one process): {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--discord-like-rate-limits", action="store_true")
    asyncio.run(main(parser.parse_args().discord_like_rate_limits))
