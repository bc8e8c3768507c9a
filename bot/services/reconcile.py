"""Routing what Discord reports (a guild available, an owned object deleted) to the service that
owns it, which converges Discord back to the database."""

from __future__ import annotations

import logging

from bot.domain.clock import Clock
from bot.services.posters import PosterService
from bot.services.room_places import CATEGORY_PREFIX, ROOM_PREFIX
from bot.services.rooms import RoomService
from bot.services.sessions import SessionService
from bot.services.structure import StructureService
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
        clock: Clock,
    ) -> None:
        self._posters = posters
        self._objects = objects
        self._structure = structure
        self._sessions = sessions
        self._rooms = rooms
        self._clock = clock

    async def guild_available(self, guild_id: int) -> None:
        """On start and after a new gateway session: converge whatever changed while away."""
        await self._structure.reconcile(guild_id, verify_board=True)
        await self._sessions.converge(guild_id)
        await self._posters.converge(guild_id)
        await self._rooms.reconcile(guild_id)

    async def object_deleted(self, guild_id: int, discord_id: int) -> bool:
        """A channel, message or event the bot owns was deleted (by hand): bring it back, or
        (a topic room) forget it."""
        item = await self._objects.mark_gone(discord_id, self._clock.now())
        if item is None:
            return False
        log.warning("owned %s %s (%s) was deleted", item.kind.value, discord_id, item.purpose)
        if item.purpose.startswith(PROGRAMME_PREFIXES):
            await self._sessions.converge(guild_id)
            await self._posters.converge(guild_id)  # a forum came back: its posts too
        elif item.purpose.startswith(POSTER_PREFIXES):
            await self._posters.object_gone(guild_id)
        elif item.purpose.startswith(ROOM_PREFIXES):
            await self._rooms.channel_gone(guild_id, item.purpose)
        else:
            await self._structure.reconcile(guild_id)
        return True
