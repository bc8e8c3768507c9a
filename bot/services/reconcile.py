"""Routing what Discord reports (a guild available, an owned object deleted) to the service that
owns it, which converges Discord back to the database."""

from __future__ import annotations

import logging

from bot.core.problems import JOB_RETRY, Problems
from bot.domain.clock import Clock
from bot.scheduler import Outcome, Scheduler
from bot.services.guide import PREFIX as GUIDE_PREFIX
from bot.services.guide import HelpGuide
from bot.services.posters import PosterService
from bot.services.room_places import CATEGORY_PREFIX, ROOM_PREFIX
from bot.services.rooms import RoomService
from bot.services.sessions import SessionService
from bot.services.structure import StructureService
from bot.store.job_repo import Job
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

PROGRAMME_PREFIXES = ("session:", "day:")
ROOM_PREFIXES = (ROOM_PREFIX, CATEGORY_PREFIX)
POSTER_PREFIXES = ("poster:", "posters:")


class Reconciler:
    def __init__(
        self,
        objects: StructureRepository,
        structure: StructureService,
        sessions: SessionService,
        rooms: RoomService,
        posters: PosterService,
        problems: Problems,
        clock: Clock,
        *,
        guide: HelpGuide,
    ) -> None:
        self._guide = guide
        self._posters = posters
        self._problems = problems
        self._objects = objects
        self._structure = structure
        self._sessions = sessions
        self._rooms = rooms
        self._clock = clock

    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(JOB_RETRY, self._retry)

    async def _retry(self, job: Job) -> Outcome:
        """A few minutes after Discord refused background work: converge the guild again
        (what still fails is recorded again, and retried again later)."""
        await self.guild_available(job.subject_id)
        return Outcome.DONE

    async def guild_available(self, guild_id: int) -> None:
        """On start, after a new gateway session and when the bot's permissions changed:
        converge whatever changed while away. Each part on its own: one that Discord refuses is
        a recorded problem and the others still run."""
        problems = self._problems
        async with problems.background(guild_id, "structure", "problems.what.structure"):
            await self._structure.reconcile(guild_id, verify_board=True)
        async with problems.background(guild_id, "help", "problems.what.help"):
            await self._guide.ensure(guild_id, verify=True)
        await self._sessions.converge(guild_id)
        async with problems.background(guild_id, "posters", "problems.what.posters"):
            await self._posters.converge(guild_id)
        async with problems.background(guild_id, "rooms", "problems.what.rooms"):
            await self._rooms.reconcile(guild_id)

    async def object_deleted(self, guild_id: int, discord_id: int) -> bool:
        """A channel, message or event the bot owns was deleted (by hand): bring it back, or
        (a topic room) forget it."""
        item = await self._objects.mark_gone(discord_id, self._clock.now())
        if item is None:
            return False
        log.warning("owned %s %s (%s) was deleted", item.kind.value, discord_id, item.purpose)
        problems = self._problems
        if item.purpose.startswith(PROGRAMME_PREFIXES):
            await self._sessions.converge(guild_id)
            async with problems.background(guild_id, "posters", "problems.what.posters"):
                await self._posters.converge(guild_id)  # a forum came back: its posts too
        elif item.purpose.startswith(POSTER_PREFIXES):
            async with problems.background(guild_id, "posters", "problems.what.posters"):
                await self._posters.object_gone(guild_id, item.purpose, discord_id)
        elif item.purpose.startswith(ROOM_PREFIXES):
            async with problems.background(guild_id, "rooms", "problems.what.rooms"):
                await self._rooms.channel_gone(guild_id, item.purpose)
        elif item.purpose.startswith(GUIDE_PREFIX):
            async with problems.background(guild_id, "help", "problems.what.help"):
                await self._guide.ensure(guild_id)
        else:
            async with problems.background(guild_id, "structure", "problems.what.structure"):
                await self._structure.reconcile(guild_id)
            async with problems.background(guild_id, "help", "problems.what.help"):
                await self._guide.ensure(guild_id)  # a new #help gets the guide again
        return True
