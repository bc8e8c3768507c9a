"""`workshop-bot rehearse`: the real bot against the sandbox Discord, with simulated time and
simulated people.

The bot is built exactly as `run` builds it (same services, scheduler, commands, database code);
only its Discord is the sandbox on 127.0.0.1 and its clock a FakeClock this runner moves. Time
jumps from one moment where something happens (a planned action, a due job) to the next, paced
to `speed` times real time; after every jump the runner waits until the scheduler is idle and the
bot has seen every voice event, so the outcome depends only on the seed.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import build_bot
from bot.core.bot import WorkshopBot
from bot.core.sync import sync_commands
from bot.domain.clock import FakeClock
from bot.features.attendance.service import AttendanceService
from bot.features.posters import keys as poster_keys
from bot.features.sessions.domain.model import Session, SessionKind
from bot.features.sessions.domain.schedule_import import ImportResult
from bot.rehearsal.agenda import AgendaTruth, press_interested
from bot.rehearsal.breakouts import BreakoutRehearsal
from bot.rehearsal.crowd import Crowd
from bot.rehearsal.feedback import Finale
from bot.rehearsal.options import Options, RehearsalError, parse_until, refuse_real_discord
from bot.rehearsal.plan import Plan, plan_rehearsal
from bot.rehearsal.qa import QaRehearsal
from bot.rehearsal.show import Plain
from bot.rehearsal.summary import Observed, print_summary
from bot.rehearsal.text import Text
from bot.rehearsal.truth import Truth
from bot.rehearsal.watch import Watcher
from bot.sandbox.sandbox import Sandbox
from bot.settings import RoomsSettings, Settings
from bot.store.migrate import MigrationError

CHANNEL_MENTION = re.compile(r"<#(\d+)>")


class Rehearsal(Crowd):
    def __init__(self, options: Options, settings: Settings) -> None:
        self.options = options
        self.base = settings
        self.sb = Sandbox()
        self.clock = FakeClock()
        self.truth = Truth()
        self.qa = QaRehearsal(self, options.seed)
        self.text = Text(settings.locale)
        self.watch = Watcher(self.sb, self.say, self.text, settings.zone)
        self.bot: WorkshopBot | None = None
        self.guild_id = 0
        self.organizer_id = 0
        self.people: list[int] = []
        self.zone = settings.zone
        self._started = 0.0
        self._sessions: list[Session] = []
        self._parsed: ImportResult | None = None
        self._end_limit: datetime | None = None
        self.agenda_truth: AgendaTruth | None = None
        self.finale = Finale(self, options.seed, Path("rehearsal-archive.zip"))  # set in run()

    @property
    def observed(self) -> Observed:
        return self.watch.observed

    # -- output ----------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        if not self.options.quiet:
            print(text, file=self.options.out, flush=True)

    def stamp(self, when: datetime | None = None) -> str:
        local = (when or self.clock.now()).astimezone(self.zone)
        day = (local.date() - self._first_day).days + 1
        if day < 1:
            return f"{local:%m-%d %H:%M}"
        return self.text("stamp_day", day=day, time=f"{local:%H:%M}")

    def plain(self) -> Plain:
        return Plain(self.sb, self.guild_id, self.zone, self.text)

    # -- the run ---------------------------------------------------------------------------------

    async def run(self) -> int:
        data = self.read_schedule()  # before anything starts: a bad file or --until fails fast
        await self.sb.start()
        try:
            with tempfile.TemporaryDirectory(prefix="rehearsal-") as tmp:
                database = self.options.database or Path(tmp) / "rehearsal.db"
                archive = database.with_name(f"{database.stem}-archive.zip")
                self.finale = Finale(self, self.options.seed, archive)
                return await self._run(data, database)
        finally:
            await self.sb.stop()

    async def _run(self, data: bytes, database: Path) -> int:
        sb = self.sb
        sb.wall_clock = self.clock.now
        sb.clock = lambda: self.clock.now().timestamp()
        guild = sb.add_guild("Rehearsal Camp")
        self.guild_id = guild.id
        role = sb.add_role(guild.id, self.base.organizer_roles[0])
        self.organizer_id = int(
            sb.add_member(guild.id, name="organizer", roles=[int(role["id"])])["id"]
        )
        settings = self.base.model_copy(
            update={
                "database": database,
                "guild_id": guild.id,
                "discord_api_base": sb.api_base,
                "discord_gateway_url": sb.gateway_url,
                "log_level": "WARNING",
                # The live board edits at most once a (real) second: a simulated hour passes
                # in about a second, so it shows the corridor about every simulated hour.
                "rooms": RoomsSettings(
                    **{**self.base.rooms.model_dump(), "board_edit_seconds": 1.0}
                ),
            }
        )
        bot = build_bot(settings, clock=self.clock, guild_ready_timeout=0.1)
        self.bot = bot
        try:
            await bot.login(sb.token)  # opens and migrates the database
        except (MigrationError, OSError, sqlite3.DatabaseError) as exc:
            await bot.close()
            raise RehearsalError("database", file=database, reason=self._why(exc)) from None
        await sync_commands(bot, guild.id)
        task = asyncio.create_task(bot.connect(reconnect=True))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            await asyncio.wait_for(bot.wait_reconciled(guild.id), 30)
            return await self._rehearse(data)
        finally:
            await bot.close()
            await task

    def _why(self, exc: BaseException) -> str:
        """Why the rehearsal's database cannot be used, in the workshop's locale."""
        if isinstance(exc, MigrationError):
            return self.text.catalog.t(f"cli.migrate.{exc.key}", self.text.locale, **exc.params)
        return str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc)

    def read_schedule(self) -> bytes:
        """Read and parse the schedule, and check --until against its days (no Discord, no
        database yet). Raises RehearsalError."""
        from bot.domain.errors import DomainError
        from bot.features.sessions.domain.schedule_import import parse_schedule

        path = self.options.schedule
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RehearsalError("unreadable", file=path, reason=exc.strerror or exc) from None
        try:
            parsed = parse_schedule(path.name, data, self.zone)
        except DomainError:
            raise RehearsalError("check_it", file=path) from None
        if parsed.has_errors:
            raise RehearsalError("check_it", file=path)
        starts = [row.draft.start for row in parsed.rows]
        if not starts:
            raise RehearsalError("no_sessions", file=path)
        days = sorted({local_midnight(start, self.zone) for start in starts})
        if self.options.until:
            self._end_limit = parse_until(self.options.until, days)
        self._parsed = parsed
        return data

    async def _rehearse(self, data: bytes) -> int:
        bot = self.bot
        assert bot is not None
        sessions = await self._import(data)
        self._sessions = sorted(sessions, key=lambda s: (s.start, s.id))
        days = sorted({local_midnight(s.start, self.zone) for s in sessions})
        self._first_day = days[0].date()
        end = max(s.end for s in sessions) + timedelta(minutes=30)
        if self._end_limit is not None:
            end = min(end, self._end_limit)
        plan = plan_rehearsal(
            sessions,
            attendees=self.options.attendees,
            posters=self.options.posters,
            seed=self.options.seed,
            zone=self.zone,
        )
        self.people = [int(self.sb.add_member(self.guild_id, name=n)["id"]) for n in plan.people]
        self.breakouts = BreakoutRehearsal(self, self.options.seed)
        self.breakouts.plan(sessions, self.zone)
        await self._posters_setup(sessions, plan)
        self.agenda_truth = await press_interested(self, sessions, self.options.seed)
        await self.qa.prepare(sessions)
        start = self.clock.now()
        span = (end - start).total_seconds()
        speed = self.options.speed or max(1.0, span / 55)
        self.say(
            self.text(
                "rehearsing",
                file=self.options.schedule.name,
                sessions=len(sessions),
                people=len(plan.people),
                seed=self.options.seed,
                speed=f"{speed:.0f}",
                until=self.stamp(end),
            )
        )
        self._started = time.perf_counter()
        actions = [a for a in plan.actions if a.at <= end]
        index = 0
        while True:
            due = await bot.services.scheduler.next_due()
            upcoming = actions[index].at if index < len(actions) else None
            breakout = self.breakouts.next_at()
            qa_next = self.qa.next_moment(self.clock.now())
            candidates = [
                t for t in (due, upcoming, breakout, qa_next) if t is not None and t <= end
            ]
            target = max(min(candidates), self.clock.now()) if candidates else end
            await self._move_to(target, start, speed)
            batch = []
            while index < len(actions) and actions[index].at <= self.clock.now():
                batch.append(actions[index])
                index += 1
            await self._act(batch, plan)
            await self.breakouts.step()
            await self.qa.step(self.clock.now())
            await self.watch.step(bot, self.guild_id, self.stamp())
            await self.finale.step()  # ratings for the sessions that closed
            breakout = self.breakouts.next_at()
            if (
                target >= end
                and index >= len(actions)
                and (due is None or due > end)
                and (breakout is None or breakout > end)
            ):
                break
        self.truth.close_all(self.clock.now())
        for user in list(self.truth.current):
            self.sb.set_voice_state(self.guild_id, user, None)
        await self._leave_everyone()
        archived = await self.finale.wrap_up()  # the workshop ends: the archive, checked
        wall = time.perf_counter() - self._started
        # The live board edits at its own (real-time) pace: let it show the end before it is read.
        bot.services.board.touch(self.guild_id)
        await bot.services.board.settled(self.guild_id)
        code = await print_summary(self, wall, speed)
        return code or (0 if archived else 1)

    # -- setting the camp up through real interactions ---------------------------------------------

    async def _import(self, data: bytes) -> list[Session]:
        bot, sb = self.bot, self.sb
        assert bot is not None
        parsed = self._parsed
        assert parsed is not None
        first = min(row.draft.start for row in parsed.rows).astimezone(self.zone)
        self.clock.set(first.replace(hour=0, minute=0) - timedelta(days=1))
        self._first_day = first.date()
        setup = await sb.invoke(self.guild_id, self.organizer_id, "workshop setup")
        await setup.wait_followups(1, timeout=30)
        preview = await sb.invoke(
            self.guild_id,
            self.organizer_id,
            "session import",
            options={"file": (self.options.schedule.name, data)},
            locale="en-US",
        )
        await preview.wait_followups(1, timeout=30)
        message = preview.followups[0]
        confirm = next(
            (
                c
                for row in message["components"]
                for c in row["components"]
                if c["label"] == "Confirm"
            ),
            None,
        )
        if confirm is None or confirm.get("disabled"):
            raise RehearsalError("check_it", file=self.options.schedule)
        await sb.click(self.guild_id, self.organizer_id, int(message["id"]), confirm["custom_id"])
        sessions: list[Session] = []
        for _ in range(3000):
            sessions = await bot.services.sessions.programme(self.guild_id)
            if len(sessions) >= len(parsed.rows):
                break
            await asyncio.sleep(0.01)
        async with bot.services.sessions.guild_lock(self.guild_id):
            pass
        await self._settle()
        self.say(f"{self.stamp()}  {self.text('organizer_setup')}")
        return sessions

    async def _posters_setup(self, sessions: list[Session], plan: Plan) -> None:
        for session in sessions:
            if session.kind is not SessionKind.POSTER:
                continue
            boards = max(1, len(plan.presenters.get(session.id, [])))
            local = session.start.astimezone(self.zone)
            minutes = int((session.end - session.start).total_seconds() // 60)
            result = await self.sb.invoke(
                self.guild_id,
                self.organizer_id,
                "poster setup",
                options={
                    "name": session.title,
                    "start": f"{local:%Y-%m-%d %H:%M}",
                    "duration": minutes,
                    "boards": boards,
                },
                locale="en-US",
            )
            await result.wait_followups(1, timeout=30)
            posters = self.text("organizer_posters", title=session.title, boards=boards)
            self.say(f"{self.stamp()}  {posters}")

    # -- time --------------------------------------------------------------------------------------

    async def _move_to(self, target: datetime, start: datetime, speed: float) -> None:
        real_target = (target - start).total_seconds() / speed
        wait = real_target - (time.perf_counter() - self._started)
        if wait > 0:
            await asyncio.sleep(wait)
        if target > self.clock.now():
            self.clock.set(target)
        await self._settle()

    async def _settle(self) -> None:
        bot = self.bot
        assert bot is not None
        # The live board is left to edit at its own (real-time) pace: it is not part of what
        # the rehearsal checks, and waiting for it would slow simulated time down.
        for _ in range(2):
            await bot.services.scheduler.idle()
            await asyncio.sleep(0)
            await bot.services.posters.settled(self.guild_id)

    # -- reports ---------------------------------------------------------------------------------

    def session_titles(self) -> list[tuple[int, str, bool]]:
        """(id, title, held elsewhere) of the sessions that started before the rehearsal ended,
        in programme order. A session held elsewhere (Zoom) has a text chat and no voice."""
        now = self.clock.now()
        return [
            (s.id, s.title, s.location is not None)
            for s in self._sessions
            if not s.cancelled and s.start < now
        ]

    async def first_poster_post(self) -> dict[str, Any] | None:
        """The post of the first claimed board of the first poster session, as it is now."""
        bot = self.bot
        assert bot is not None
        posts = []
        for item in await bot.services.structure.items(self.guild_id):
            parsed = poster_keys.parse_board(item.purpose)
            if parsed is not None and parsed.what == poster_keys.POST and item.discord_id:
                posts.append((parsed.session_id, parsed.number, item.discord_id))
        for _, _, message_id in sorted(posts):
            found = self.plain().find(message_id)
            if found is not None:
                return found
        return None

    async def reported_attendance(self) -> dict[int, tuple[int, int]]:
        """session -> (unique attendees, seconds present) as the bot's attendance reports it."""
        bot = self.bot
        assert bot is not None
        attendance = bot.services.get("attendance", AttendanceService)
        return await attendance.session_totals(self.guild_id)


def local_midnight(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)


__all__ = [
    "Options",
    "Rehearsal",
    "RehearsalError",
    "parse_until",
    "refuse_real_discord",
]
