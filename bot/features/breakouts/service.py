"""Breakouts: split the people in a session's voice channel into rooms, call them back on time.

The database is the truth: the breakout, who goes to which room (written before the first move)
and its two jobs (`breakouts.warn` one minute before the end, `breakouts.end`) are committed
before any Discord call. Every step after that is idempotent, so the same code finishes a split
that a crash interrupted (the start-up convergence) and calls everyone back exactly once (the
end job, run again after a crash, moves only who is still in a breakout room, deletes only
rooms that are still there, and ends the breakout last).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.budget import ChannelBudget
from bot.core.scheduler import Handler
from bot.core.scheduler import Outcome as JobOutcome
from bot.domain.clock import Clock
from bot.domain.errors import (
    Conflict,
    DiscordRefused,
    DiscordUnavailable,
    InvalidInput,
    NotFound,
)
from bot.domain.structure import ChannelKind
from bot.features.breakouts import keys
from bot.features.breakouts.domain.breakouts import (
    WARNING,
    Breakout,
    EndReason,
    check_may_run,
    check_size,
    new_categories,
    short_title,
    split,
)
from bot.features.breakouts.domain.port import BreakoutPort
from bot.features.breakouts.places import BreakoutPlaces
from bot.features.breakouts.repo import BreakoutRepository
from bot.features.sessions.domain.model import Session
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository

log = logging.getLogger(__name__)

JOB_WARN = "breakouts.warn"
JOB_END = "breakouts.end"
JOBS = (JOB_WARN, JOB_END)

Text = Callable[..., str]  # (catalog key, **params) -> the text in the workshop's language


@dataclass(frozen=True)
class Started:
    breakout: Breakout
    rooms: dict[int, int]  # room -> channel id
    moved: int
    skipped: int


@dataclass(frozen=True)
class Ended:
    breakout: Breakout
    moved_back: int
    rooms_deleted: int


class BreakoutService:
    def __init__(
        self,
        db: Database,
        repo: BreakoutRepository,
        places: BreakoutPlaces,
        jobs: JobRepository,
        port: BreakoutPort,
        audit: AuditRepository,
        clock: Clock,
        budget: ChannelBudget,
        *,
        session_channel: Callable[[int, int], Awaitable[int | None]],
        text: Text,
        poke: Callable[[], None],
    ) -> None:
        self._db = db
        self._repo = repo
        self.places = places
        self._jobs = jobs
        self._port = port
        self._audit = audit
        self._clock = clock
        self._budget = budget
        self._session_channel = session_channel  # (session id, guild id) -> its channel id
        self._text = text
        self._poke = poke
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # home channel id -> running breakout; who was told of the rooms already (in memory:
        # after a restart someone may be told once more, never on every join).
        self._homes: dict[int, Breakout] = {}
        self._rooms: dict[int, tuple[Breakout, int]] = {}  # room channel -> (breakout, room)
        self._told: set[tuple[int, int]] = set()

    def jobs(self) -> dict[str, Handler]:
        return {JOB_WARN: self._warn_job, JOB_END: self._end_job}

    # -- reads -----------------------------------------------------------------------------------

    def session_at(self, channel_id: int) -> int | None:
        """The session whose running breakout has this channel as home or as a room."""
        if channel_id in self._homes:
            return self._homes[channel_id].session_id
        found = self._rooms.get(channel_id)
        return None if found is None else found[0].session_id

    async def running_of(self, session_id: int) -> Breakout | None:
        return await self._repo.running_of(session_id)

    async def running(self, guild_id: int) -> list[Breakout]:
        return await self._repo.running(guild_id)

    # -- commands --------------------------------------------------------------------------------

    async def start(
        self,
        guild_id: int,
        actor_id: int,
        session: Session,
        rooms: int,
        minutes: int,
        *,
        organizer: bool,
    ) -> Started:
        check_size(rooms, minutes)
        check_may_run(actor_id, session.chair_id, organizer=organizer)
        async with self._locks[guild_id]:
            home_id = await self._home(guild_id, session)
            if await self._repo.running_of(session.id) is not None:
                raise Conflict("breakouts.already_running", title=short_title(session.title))
            if not self._port.can_move(guild_id):
                raise Conflict("breakouts.needs_move_members")
            people = self._port.members_in(guild_id, home_id)
            if not people:
                raise InvalidInput("breakouts.nobody", channel=f"<#{home_id}>")
            placed = self.places.plan(guild_id, home_id, rooms)
            await self._budget.require(guild_id, rooms + new_categories(placed))
            now = self._clock.now()
            ends = now + timedelta(minutes=minutes)
            async with self._db.transaction() as conn:
                breakout_id = await self._repo.add(
                    conn,
                    guild_id=guild_id,
                    session_id=session.id,
                    home_id=home_id,
                    rooms=rooms,
                    title=short_title(session.title),
                    started_by=actor_id,
                    now=now,
                    ends_at=ends,
                    people=split(people, rooms),
                )
                warn_at = max(now, ends - WARNING)
                await self._jobs.schedule(conn, guild_id, JOB_WARN, breakout_id, warn_at, now)
                await self._jobs.schedule(conn, guild_id, JOB_END, breakout_id, ends, now)
            breakout = await self._repo.get(breakout_id)
            assert breakout is not None
            try:
                channels = await self.places.ensure(breakout, placed)
            except Exception:
                # Discord refused (or failed): nothing of the breakout is left behind.
                await self.places.remove_all(guild_id, session.id, breakout_id)
                async with self._db.transaction() as conn:
                    await self._jobs.cancel(conn, breakout_id, JOBS)
                    await self._repo.delete(conn, breakout_id)
                raise
            self._watch(breakout, channels)
            self._poke()
            await self._post_topics(breakout, channels, after_crash=False)
            moved, skipped = await self._move_out(breakout, channels)
        await self._audit.add(
            guild_id,
            actor_id,
            "breakout.start",
            {"breakout": breakout_id, "session": session.id, "rooms": rooms, "minutes": minutes},
            now,
        )
        return Started(breakout, channels, moved, skipped)

    async def end(
        self, guild_id: int, actor_id: int, session: Session, *, organizer: bool
    ) -> Ended:
        check_may_run(actor_id, session.chair_id, organizer=organizer)
        async with self._locks[guild_id]:
            breakout = await self._repo.running_of(session.id)
            if breakout is None:
                raise NotFound("breakouts.none_running", title=short_title(session.title))
            ended = await self._finish(breakout, EndReason.EARLY)
        await self._audit.add(
            guild_id, actor_id, "breakout.end", {"breakout": breakout.id}, self._clock.now()
        )
        return ended

    # -- voice -----------------------------------------------------------------------------------

    async def joined(
        self, guild_id: int, user_id: int, channel_id: int, came_from: int | None
    ) -> None:
        """Someone joined a channel: in the home of a running breakout (not coming back from one
        of its rooms), they are told once where the rooms are."""
        breakout = self._homes.get(channel_id)
        if breakout is None or breakout.guild_id != guild_id:
            return
        if came_from is not None and self._rooms.get(came_from, (None, 0))[0] == breakout:
            return
        if (breakout.id, user_id) in self._told:
            return
        self._told.add((breakout.id, user_id))
        rooms = await self.places.rooms(breakout)
        links = " ".join(f"<#{rooms[n]}>" for n in sorted(rooms))
        text = self._text("breakouts.late_joiner", until=_rel(breakout.ends_at), rooms=links or "-")
        try:
            await self._port.post_naming(
                channel_id, text, [user_id], marker=f"breakout {breakout.id}: rooms"
            )
        except (DiscordRefused, DiscordUnavailable) as exc:  # a listener never lets it escape
            log.warning("could not tell %s where breakout %s is: %s", user_id, breakout.id, exc)

    # -- jobs, convergence, repairs ----------------------------------------------------------------

    async def _warn_job(self, job: Job) -> JobOutcome:
        breakout = await self._repo.get(job.subject_id)
        if breakout is None or not breakout.running:
            return JobOutcome.DROPPED
        async with self._locks[breakout.guild_id]:
            rooms = await self.places.rooms(breakout)
            text = self._text(
                "breakouts.warning", home=f"<#{breakout.home_id}>", at=_rel(breakout.ends_at)
            )
            for room in sorted(rooms):
                marker = f"breakout {breakout.id}: warning {room}"
                if job.interrupted and await self._port.find_post(rooms[room], marker):
                    continue  # posted before a crash
                await self._port.post(rooms[room], text, marker=marker)
        return JobOutcome.DONE

    async def _end_job(self, job: Job) -> JobOutcome:
        breakout = await self._repo.get(job.subject_id)
        if breakout is None or not breakout.running:
            return JobOutcome.DROPPED
        async with self._locks[breakout.guild_id]:
            ended = await self._finish(breakout, EndReason.TIME)
        log.info(
            "breakout %s ended: %s moved back, %s rooms deleted",
            breakout.id,
            ended.moved_back,
            ended.rooms_deleted,
        )
        return JobOutcome.DONE

    async def reconcile(self, guild_id: int) -> None:
        """On start: finish splits a crash interrupted (rooms, posts, moves) while there is time,
        and delete what ended breakouts (or breakouts never written) left behind."""
        async with self._locks[guild_id]:
            running = {b.id: b for b in await self._repo.running(guild_id)}
            now = self._clock.now()
            for breakout in running.values():
                if breakout.ends_at <= now:
                    continue  # the end job is due: it calls everyone back
                mine = len(await self.places.rooms(breakout))
                placed = self.places.plan(guild_id, breakout.home_id, breakout.rooms, mine)
                channels = await self.places.ensure(breakout, placed)
                self._watch(breakout, channels)
                await self._post_topics(breakout, channels, after_crash=True)
                await self._move_out(breakout, channels)
            for session_id, breakout_id in await self.places.owned(guild_id):
                if breakout_id not in running:
                    log.info("breakout %s left rooms behind: deleting them", breakout_id)
                    await self.places.remove_all(guild_id, session_id, breakout_id)

    async def channel_gone(self, guild_id: int, purpose: str) -> None:
        """A breakout room (or category) was deleted by hand: forgotten, never recreated (the
        people in it were disconnected by Discord)."""
        await self.places.forget(guild_id, purpose)
        for channel_id, (breakout, room) in list(self._rooms.items()):
            key = keys.parse(purpose)
            if key is not None and key.breakout_id == breakout.id and key.number == room:
                del self._rooms[channel_id]

    # -- person data -----------------------------------------------------------------------------

    async def count_person(self, guild_id: int, user_id: int) -> int:
        return await self._repo.count_person(guild_id, user_id)

    async def forget_person(self, guild_id: int, user_id: int) -> int:
        return await self._repo.forget_person(guild_id, user_id)

    # -- internals -------------------------------------------------------------------------------

    async def _home(self, guild_id: int, session: Session) -> int:
        home_id = await self._session_channel(session.id, guild_id)
        ref = self._port.channel(guild_id, home_id) if home_id is not None else None
        if ref is None or ref.kind not in (ChannelKind.VOICE, ChannelKind.STAGE):
            raise InvalidInput("breakouts.no_voice", title=short_title(session.title))
        return ref.id

    def _watch(self, breakout: Breakout, channels: dict[int, int]) -> None:
        self._homes[breakout.home_id] = breakout
        for room, channel_id in channels.items():
            self._rooms[channel_id] = (breakout, room)

    def _unwatch(self, breakout: Breakout) -> None:
        if self._homes.get(breakout.home_id) == breakout:
            del self._homes[breakout.home_id]
        for channel_id, (other, _) in list(self._rooms.items()):
            if other.id == breakout.id:
                del self._rooms[channel_id]

    async def _post_topics(
        self, breakout: Breakout, channels: dict[int, int], *, after_crash: bool
    ) -> None:
        """The topic and end time in each room's chat; after a crash, only where missing."""
        for room in sorted(channels):
            marker = f"breakout {breakout.id}: room {room}"
            if after_crash and await self._port.find_post(channels[room], marker) is not None:
                continue
            text = self._text(
                "breakouts.topic",
                room=room,
                rooms=breakout.rooms,
                title=breakout.title,
                home=f"<#{breakout.home_id}>",
                at=_rel(breakout.ends_at),
                time=_short(breakout.ends_at),
            )
            await self._port.post(channels[room], text, marker=marker)

    async def _move_out(self, breakout: Breakout, channels: dict[int, int]) -> tuple[int, int]:
        """Move everyone still due to go (in the session's channel) to their room; someone who
        left voice or walked elsewhere is skipped. Returns (moved, skipped)."""
        moved = skipped = 0
        reason = f"breakout {breakout.id}"
        for person in await self._repo.people(breakout.id):
            if person.moved_out or person.skipped or person.moved_back:
                continue
            target = channels.get(person.room)
            if target is None:
                continue
            where = self._port.voice_channel_of(breakout.guild_id, person.user_id)
            if where == target:  # moved before a crash, not recorded yet
                await self._repo.moved_out(breakout.id, person.user_id, self._clock.now())
                moved += 1
                continue
            if where != breakout.home_id or not await self._port.move_member(
                breakout.guild_id, person.user_id, target, reason
            ):
                await self._repo.skipped(breakout.id, person.user_id)
                skipped += 1
                continue
            await self._repo.moved_out(breakout.id, person.user_id, self._clock.now())
            moved += 1
        return moved, skipped

    async def _finish(self, breakout: Breakout, reason: EndReason) -> Ended:
        guild_id = breakout.guild_id
        rooms = await self.places.rooms(breakout)
        moved_back = 0
        home_alive = self._port.channel(guild_id, breakout.home_id) is not None
        if home_alive:
            for room in sorted(rooms):
                for user_id in self._port.members_in(guild_id, rooms[room]):
                    if await self._port.move_member(
                        guild_id, user_id, breakout.home_id, f"breakout {breakout.id} ended"
                    ):
                        await self._repo.moved_back(breakout.id, user_id, room, self._clock.now())
                        moved_back += 1
        deleted = await self.places.remove_all(guild_id, breakout.session_id, breakout.id)
        async with self._db.transaction() as conn:
            await self._repo.end(conn, breakout.id, reason, self._clock.now())
            await self._jobs.cancel(conn, breakout.id, JOBS)
        self._unwatch(breakout)
        return Ended(breakout, moved_back, deleted)


def _rel(when: datetime) -> str:
    return f"<t:{int(when.timestamp())}:R>"


def _short(when: datetime) -> str:
    return f"<t:{int(when.timestamp())}:t>"
