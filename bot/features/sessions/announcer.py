"""Posting to #announcements (when the workshop was set up), never pinging anyone."""

from __future__ import annotations

from bot.domain.ports import SessionPort
from bot.domain.structure import Purpose
from bot.store.structure_repo import StructureRepository


class Announcer:
    def __init__(self, objects: StructureRepository, port: SessionPort) -> None:
        self._objects = objects
        self._port = port

    async def channel(self, guild_id: int) -> int | None:
        item = await self._objects.get(guild_id, Purpose.ANNOUNCEMENTS)
        return None if item is None else item.discord_id

    async def announce(self, guild_id: int, text: str, marker: str) -> bool:
        channel_id = await self.channel(guild_id)
        if channel_id is None:
            return False
        await self._port.post(channel_id, text, marker=marker)
        return True
