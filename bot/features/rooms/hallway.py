"""`/hallway` and the board's "Join a conversation": a topic room with a few people in it.
Someone in voice is moved there (Move Members); anyone else gets its link; when no room has
people with room to spare, the answer offers to open one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.domain.errors import DiscordRefused
from bot.features.rooms.domain.hallway import Conversation, pick
from bot.features.rooms.service import RoomService

log = logging.getLogger(__name__)


class MovePort(Protocol):
    def voice_channel_of(self, guild_id: int, user_id: int) -> int | None: ...

    def can_move(self, guild_id: int) -> bool: ...

    async def move_member(
        self, guild_id: int, user_id: int, channel_id: int, reason: str
    ) -> bool: ...


class Way(StrEnum):
    MOVED = "moved"
    LINK = "link"
    NONE = "none"


@dataclass(frozen=True)
class Taken:
    way: Way
    channel_id: int | None = None


class Hallway:
    def __init__(self, rooms: RoomService, port: MovePort) -> None:
        self._rooms = rooms
        self._port = port

    async def find(self, guild_id: int, user_id: int) -> Conversation | None:
        views = await self._rooms.open_rooms(guild_id)
        return pick(
            [
                Conversation(v.room.id, v.channel_id, len(v.occupants), v.room.user_limit)
                for v in views
                if v.channel_id is not None
            ],
            current=self._port.voice_channel_of(guild_id, user_id),
        )

    async def take(self, guild_id: int, user_id: int) -> Taken:
        """Move the person to a conversation if they are in voice, else say where it is."""
        found = await self.find(guild_id, user_id)
        if found is None:
            return Taken(Way.NONE)
        in_voice = self._port.voice_channel_of(guild_id, user_id) is not None
        if in_voice and self._port.can_move(guild_id):
            try:
                if await self._port.move_member(
                    guild_id, user_id, found.channel_id, "hallway: to a conversation"
                ):
                    return Taken(Way.MOVED, found.channel_id)
            except DiscordRefused as refused:
                log.warning("hallway: could not move %s: %s", user_id, refused.one_line())
        return Taken(Way.LINK, found.channel_id)
