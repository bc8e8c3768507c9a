"""`/workshop wrap-up` and `/workshop teardown`: the end of the workshop.

Wrap-up (after a confirmation): the guild is marked wrapped up first (from then on the
reconciler leaves its Discord objects alone, so nothing unlocks or comes back), then the
remaining jobs are cancelled (the attendance retention purge stays), the scheduled events end
(active ones completed, scheduled ones cancelled: Discord allows no other move), every place the
bot owns is locked (@everyone may not Connect nor Send Messages), a thank-you goes to
#announcements, and the archive is built. Each step is idempotent; a crash midway is finished
by the durable job `wrapup.resume`.

Teardown (after wrap-up, two confirmations): the durable job `wrapup.teardown` deletes the
objects recorded in the owned-object registry, events first and categories last, one row at a
time: the object is deleted (already gone counts), then its row. A kill -9 resumes it from the
rows left; an object the bot did not record as its own is never touched (a row without a
Discord id, an intent that never got one, is only forgotten). The database stays, so `workshop-bot
export archive` still works.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.core.archive import ArchiveFile, ArchivePart, ReadmeText, collect, volumes
from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock
from bot.domain.errors import DomainError
from bot.domain.ports import SessionPort
from bot.domain.structure import ChannelKind, ItemKind, Purpose
from bot.features.wrapup.domain import KEPT_JOBS, final_status, locked, teardown_rank
from bot.features.wrapup.repo import EndRepository, WorkshopEnd
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

JOB_RESUME = "wrapup.resume"
JOB_TEARDOWN = "wrapup.teardown"
RESUME_AFTER = timedelta(minutes=5)
THANKS_MARKER = "workshop-bot · wrap-up"
_PLACES = {
    ItemKind.TEXT: ChannelKind.TEXT,
    ItemKind.VOICE: ChannelKind.VOICE,
    ItemKind.STAGE: ChannelKind.STAGE,
    ItemKind.FORUM: ChannelKind.FORUM,
}


class NotWrappedUp(DomainError):
    key = "errors.wrapup.before_wrapup"


class TornDown(DomainError):
    key = "errors.wrapup.torn_down"


class RolePort(Protocol):
    def role_exists(self, guild_id: int, role_id: int) -> bool: ...

    async def delete_role(self, guild_id: int, role_id: int, reason: str) -> None: ...


@dataclass(frozen=True)
class WrapResult:
    jobs: int
    events: int
    locked: int
    thanked: bool
    files: list[ArchiveFile]
    volumes: list[bytes]


class WrapUpService:
    def __init__(
        self,
        db: Database,
        repo: EndRepository,
        jobs: JobRepository,
        objects: StructureRepository,
        port: SessionPort,
        clock: Clock,
        *,
        parts: Sequence[ArchivePart],
        readme: Callable[[int], ReadmeText],
        thanks: Callable[[], str],
        upload_limit: Callable[[int], int],
        poke: Callable[[], None],
        told: Callable[[int, int, int], Awaitable[object]] | None = None,
        roles: RolePort | None = None,
    ) -> None:
        self._db = db
        self.repo = repo
        self._jobs = jobs
        self._objects = objects
        self._port = port
        self._clock = clock
        self._parts = parts
        self._readme = readme
        self._thanks = thanks
        self._upload_limit = upload_limit
        self._poke = poke
        self._told = told  # (organizer, objects, requests): the teardown is done
        self._roles = roles  # roles the bot created (registration) go last
        self.requests = 0  # Discord requests the last teardown made (for the bench)

    def jobs(self) -> dict[str, Handler]:
        return {JOB_RESUME: self._resume_job, JOB_TEARDOWN: self._teardown_job}

    async def held(self, guild_id: int) -> bool:
        return await self.repo.get(guild_id) is not None

    async def state(self, guild_id: int) -> WorkshopEnd | None:
        return await self.repo.get(guild_id)

    # -- the archive -----------------------------------------------------------------------------

    async def archive(
        self, guild_id: int, *, limit: int | None = None
    ) -> tuple[list[ArchiveFile], list[bytes]]:
        """Every feature's files and the zip(s): split to fit `limit` bytes (default: the
        guild's upload limit; offline there is none to fit)."""
        files = await collect(self._parts, guild_id)
        most = self._upload_limit(guild_id) if limit is None else limit
        packed = volumes(files, self._readme(guild_id), self._clock.now(), most)
        return files, packed

    # -- wrap-up ---------------------------------------------------------------------------------

    async def wrap_up(self, guild_id: int, actor_id: int) -> WrapResult:
        state = await self.repo.get(guild_id)
        if state is not None and state.teardown_asked:
            raise TornDown()
        now = self._clock.now()
        await self.repo.start_wrap(guild_id, actor_id, now)
        async with self._db.transaction() as conn:
            await self._jobs.schedule(conn, guild_id, JOB_RESUME, guild_id, now + RESUME_AFTER, now)
        self._poke()
        jobs, events, places, thanked = await self._steps(guild_id)
        files, packed = await self.archive(guild_id)
        return WrapResult(jobs, events, places, thanked, files, packed)

    async def _steps(self, guild_id: int) -> tuple[int, int, int, bool]:
        async with self._db.transaction() as conn:
            cancelled = await self._jobs.cancel_guild(conn, guild_id, (*KEPT_JOBS, "wrapup."))
        items = await self._objects.all(guild_id)
        events = 0
        for item in items:
            if item.kind is not ItemKind.EVENT or item.discord_id is None:
                continue
            ref = self._port.event(guild_id, item.discord_id)
            status = None if ref is None else final_status(ref.status)
            if status is not None:
                await self._port.edit_event(
                    guild_id, item.discord_id, reason="workshop wrap-up", status=status
                )
                events += 1
        # The thank-you first: #announcements stays writable for the bot, but post before
        # anything is locked all the same.
        thanked = await self._thank(guild_id)
        places = 0
        for item in items:
            kind = _PLACES.get(item.kind)
            if kind is None or item.discord_id is None:
                continue
            state = self._port.channel_state(guild_id, item.discord_id)
            if state is None:
                continue
            wanted = locked(state.overwrites, state.ref.kind or kind, guild_id)
            if wanted is not None:
                await self._port.edit_channel(
                    item.discord_id, reason="workshop wrap-up: read-only", overwrites=wanted
                )
                places += 1
        await self.repo.wrap_done(guild_id, self._clock.now())
        return cancelled, events, places, thanked

    async def _thank(self, guild_id: int) -> bool:
        item = await self._objects.get(guild_id, Purpose.ANNOUNCEMENTS)
        if item is None or item.discord_id is None:
            return False
        if await self._port.find_post(item.discord_id, THANKS_MARKER) is not None:
            return False
        await self._port.post(item.discord_id, self._thanks(), marker=THANKS_MARKER)
        return True

    async def _resume_job(self, job: Job) -> Outcome:
        """A wrap-up the bot did not finish (a crash in the middle): finish it."""
        state = await self.repo.get(job.guild_id)
        if state is None or state.wrap_done or state.teardown_asked:
            return Outcome.DROPPED
        await self._steps(job.guild_id)
        return Outcome.DONE

    # -- teardown --------------------------------------------------------------------------------

    async def check_teardown(self, guild_id: int) -> int:
        """Refuses unless wrapped up (and not torn down); returns how many objects would go."""
        state = await self.repo.get(guild_id)
        if state is None or not state.wrap_done:
            raise NotWrappedUp()
        if state.teardown_done:
            raise TornDown()
        items = await self._objects.all(guild_id)
        return sum(1 for i in items if i.discord_id is not None and i.kind is not ItemKind.MESSAGE)

    async def teardown(self, guild_id: int, actor_id: int) -> int:
        """Record the teardown and leave it to its durable job; returns what will go."""
        count = await self.check_teardown(guild_id)
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE workshop_end SET teardown_at = coalesce(teardown_at, ?), "
                "teardown_by = coalesce(teardown_by, ?) WHERE guild_id = ?",
                (int(now.timestamp()), actor_id, guild_id),
            )
            await self._jobs.schedule(conn, guild_id, JOB_TEARDOWN, guild_id, now, now)
        self._poke()
        return count

    async def _teardown_job(self, job: Job) -> Outcome:
        guild_id = job.guild_id
        state = await self.repo.get(guild_id)
        if state is None or not state.teardown_asked or state.teardown_done:
            return Outcome.DROPPED
        items = sorted(await self._objects.all(guild_id), key=lambda i: teardown_rank(i.kind))
        self.requests = 0
        for item in items:
            if item.discord_id is not None:
                await self._delete(guild_id, item.kind, item.discord_id)
            await self._objects.forget(guild_id, item.purpose)
        await self.repo.teardown_done(guild_id, self._clock.now())
        log.info("guild %s torn down: %s objects, %s requests", guild_id, len(items), self.requests)
        if self._told is not None and state.teardown_by is not None:
            await self._told(state.teardown_by, len(items), self.requests)
        return Outcome.DONE

    async def _delete(self, guild_id: int, kind: ItemKind, discord_id: int) -> None:
        reason = "workshop teardown"
        if kind is ItemKind.EVENT:
            if self._port.event(guild_id, discord_id) is not None:
                await self._port.delete_event(guild_id, discord_id, reason)
                self.requests += 1
        elif kind is ItemKind.MESSAGE:
            return  # it goes with its channel
        elif kind is ItemKind.ROLE:
            if self._roles is not None and self._roles.role_exists(guild_id, discord_id):
                await self._roles.delete_role(guild_id, discord_id, reason)
                self.requests += 1
        elif self._port.channel(guild_id, discord_id) is not None:
            await self._port.delete_channel(discord_id, reason)
            self.requests += 1
