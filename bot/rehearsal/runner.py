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
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import WorkshopBot, build_bot
from bot.domain.clock import FakeClock
from bot.domain.sessions.model import Session, SessionKind, SessionStatus
from bot.rehearsal.options import Options, RehearsalError, parse_until, refuse_real_discord
from bot.rehearsal.plan import Action, Plan, Step, plan_rehearsal
from bot.rehearsal.summary import Observed, print_summary
from bot.rehearsal.truth import Truth
from bot.rehearsal.watch import Watcher
from bot.sandbox.sandbox import Sandbox
from bot.settings import RoomsSettings, Settings
from bot.sync import sync_commands

CHANNEL_MENTION = re.compile(r"<#(\d+)>")


class Rehearsal:
    def __init__(self, options: Options, settings: Settings) -> None:
        self.options = options
        self.base = settings
        self.sb = Sandbox()
        self.clock = FakeClock()
        self.truth = Truth()
        self.watch = Watcher(self.sb, self.say)
        self.bot: WorkshopBot | None = None
        self.guild_id = 0
        self.organizer_id = 0
        self.people: list[int] = []
        self.zone = settings.zone
        self._started = 0.0
        self._sessions: list[Session] = []

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
        return f"Day {day} {local:%H:%M}" if day >= 1 else f"{local:%m-%d %H:%M}"

    # -- the run ---------------------------------------------------------------------------------

    async def run(self) -> int:
        data = self.options.schedule.read_bytes()
        await self.sb.start()
        try:
            with tempfile.TemporaryDirectory(prefix="rehearsal-") as tmp:
                database = self.options.database or Path(tmp) / "rehearsal.db"
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
        await bot.login(sb.token)
        await sync_commands(bot, guild.id)
        task = asyncio.create_task(bot.connect(reconnect=True))
        try:
            await asyncio.wait_for(bot.wait_until_ready(), 30)
            await asyncio.wait_for(bot.wait_reconciled(guild.id), 30)
            return await self._rehearse(data)
        finally:
            await bot.close()
            await task

    async def _rehearse(self, data: bytes) -> int:
        bot = self.bot
        assert bot is not None
        sessions = await self._import(data)
        self._sessions = sorted(sessions, key=lambda s: (s.start, s.id))
        days = sorted({s.start.astimezone(self.zone).replace(hour=0, minute=0) for s in sessions})
        self._first_day = days[0].date()
        end = max(s.end for s in sessions) + timedelta(minutes=30)
        if self.options.until:
            end = min(end, parse_until(self.options.until, days))
        plan = plan_rehearsal(
            sessions,
            attendees=self.options.attendees,
            posters=self.options.posters,
            seed=self.options.seed,
            zone=self.zone,
        )
        self.people = [int(self.sb.add_member(self.guild_id, name=n)["id"]) for n in plan.people]
        await self._posters_setup(sessions, plan)
        start = self.clock.now()
        span = (end - start).total_seconds()
        speed = self.options.speed or max(1.0, span / 55)
        self.say(
            f"Rehearsing {self.options.schedule.name}: {len(sessions)} sessions, "
            f"{len(plan.people)} attendees, seed {self.options.seed}, {speed:.0f}x "
            f"(until {self.stamp(end)})"
        )
        self._started = time.perf_counter()
        actions = [a for a in plan.actions if a.at <= end]
        index = 0
        while True:
            due = await bot.services.scheduler.next_due()
            upcoming = actions[index].at if index < len(actions) else None
            candidates = [t for t in (due, upcoming) if t is not None and t <= end]
            target = max(min(candidates), self.clock.now()) if candidates else end
            await self._move_to(target, start, speed)
            batch = []
            while index < len(actions) and actions[index].at <= self.clock.now():
                batch.append(actions[index])
                index += 1
            await self._act(batch, plan)
            await self.watch.step(bot, self.guild_id, self.stamp())
            if target >= end and index >= len(actions) and (due is None or due > end):
                break
        self.truth.close_all(self.clock.now())
        for user in list(self.truth.current):
            self.sb.set_voice_state(self.guild_id, user, None)
        await self._leave_everyone()
        wall = time.perf_counter() - self._started
        return await print_summary(self, wall, speed)

    # -- setting the camp up through real interactions ---------------------------------------------

    async def _import(self, data: bytes) -> list[Session]:
        bot, sb = self.bot, self.sb
        assert bot is not None
        from bot.domain.schedule_import import parse_schedule

        parsed = parse_schedule(self.options.schedule.name, data, self.zone)
        starts = [row.draft.start for row in parsed.rows]
        if not starts:
            raise RehearsalError(f"{self.options.schedule}: no session with a start time")
        first = min(starts).astimezone(self.zone)
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
            raise RehearsalError(f"{self.options.schedule}: the import preview shows problems")
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
        self.say(f"{self.stamp()}  organizer: /workshop setup, /session import")
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
            self.say(
                f"{self.stamp()}  organizer: /poster setup “{session.title}” ({boards} boards)"
            )

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

    # -- people ------------------------------------------------------------------------------------

    async def _act(self, batch: list[Action], plan: Plan) -> None:
        moved: dict[int, int | None] = {}
        for action in batch:
            user = self.people[action.person]
            if action.step is Step.CLAIM:
                await self._claim(user, action, plan)
            elif action.step is Step.OPEN_ROOM:
                channel = await self._open_room(user, action.topic or "room")
                if channel is not None:
                    self._join(user, channel, moved)
            elif action.step is Step.LEAVE:
                if user in self.truth.current:
                    self._join(user, None, moved)
            else:
                channel = await self._place(action)
                if channel is not None:
                    self._join(user, channel, moved)
        if moved:
            await self._until_seen(moved)

    def _join(self, user: int, channel: int | None, moved: dict[int, int | None]) -> None:
        current = self.truth.current.get(user)
        if current is not None and current[0] == channel:
            return
        try:
            self.sb.set_voice_state(self.guild_id, user, channel)
        except PermissionError:
            self.truth.refused_joins += 1
            return
        self.truth.moved(user, channel, self.clock.now())
        moved[user] = channel

    async def _until_seen(self, moved: dict[int, int | None]) -> None:
        """Until the bot's cache shows every move (its listeners ran at this simulated time)."""
        bot = self.bot
        assert bot is not None

        def seen() -> bool:
            where = bot.services.gateway.voice_channel_of
            return bot.get_guild(self.guild_id) is not None and all(
                where(self.guild_id, user) == channel for user, channel in moved.items()
            )

        for _ in range(5000):
            if seen():
                break
            await asyncio.sleep(0.001)
        await asyncio.sleep(0)
        await self._settle()

    async def _place(self, action: Action) -> int | None:
        bot = self.bot
        assert bot is not None
        if action.topic is not None:
            for view in await bot.services.rooms.open_rooms(self.guild_id):
                if view.room.topic == action.topic and view.channel_id is not None:
                    return view.channel_id
            return None
        if action.session_id is None:
            return None
        session = await bot.services.sessions.get_any(action.session_id)
        if session is None or session.status is not SessionStatus.OPEN or session.location:
            return None  # not running, or held elsewhere (Zoom: its channel is a text chat)
        if action.board_of is not None:
            presenter = self.people[action.board_of]
            boards = await bot.services.posters.boards(session)
            number = next((b.number for b in boards if b.presenter_id == presenter), None)
            ids = await bot.services.posters.places.ids(self.guild_id, session.id)
            channel = ids.get((number, "voice")) if number is not None else None
            if channel is not None:
                self.truth.session_of_channel[channel] = session.id
            return channel
        channels, _ = await bot.services.sessions.places.discord_ids(self.guild_id)
        channel = channels.get(session.id)
        if channel is not None:
            self.truth.session_of_channel[channel] = session.id
        return channel

    async def _open_room(self, user: int, topic: str) -> int | None:
        result = await self.sb.invoke(
            self.guild_id, user, "room open", options={"topic": topic}, locale="en-US"
        )
        text = await _answer(result)
        found = CHANNEL_MENTION.search(text)
        if found is None:
            self.truth.rooms_refused += 1
            return None
        self.truth.rooms_opened += 1
        return int(found[1])

    async def _claim(self, user: int, action: Action, plan: Plan) -> None:
        name = plan.people[action.person]
        result = await self.sb.invoke(
            self.guild_id,
            user,
            "poster claim",
            options={
                "title": f"{name}'s poster",
                "session": str(action.session_id),
                "abstract": f"What {name} found this year.",
            },
            locale="en-US",
        )
        text = await _answer(result)
        if "Board **#" in text:
            self.truth.claims += 1
        else:
            self.truth.claims_refused += 1

    async def _leave_everyone(self) -> None:
        await asyncio.sleep(0.05)
        await self._settle()

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

    async def reported_attendance(self) -> dict[int, tuple[int, int]]:
        """session -> (unique attendees, seconds present) as the bot's attendance reports it."""
        bot = self.bot
        assert bot is not None
        return await bot.services.attendance.session_totals(self.guild_id)


async def _answer(result: Any) -> str:
    if result.response_type == 5:
        await result.wait_followups(1, timeout=30)
        return str(result.followups[0].get("content") or "")
    return str(result.content or "")


__all__ = [
    "Options",
    "Rehearsal",
    "RehearsalError",
    "parse_until",
    "refuse_real_discord",
]
