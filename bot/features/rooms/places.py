"""Where topic rooms live on Discord: one voice channel per room inside "Topic rooms"
categories that spill into continuation categories before Discord's 50-channel limit, all owned
through guild_structure (`room:<id>:channel`, `rooms:<part>`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.gate import Gate
from bot.core.owned import ChannelWish, OwnedChannels
from bot.domain.clock import Clock
from bot.domain.ports import RoomPort
from bot.domain.structure import ChannelKind
from bot.features.rooms.domain.rooms import Room, room_channel_name
from bot.features.rooms.keys import (
    CATEGORY_PREFIX,
    category_part_of,
    category_purpose,
    room_purpose,
)
from bot.features.sessions.domain.layout import category_with_space
from bot.store.structure_repo import StructureRepository

if TYPE_CHECKING:
    from bot.features.rooms.service import RoomsConfig


class RoomPlaces:
    def __init__(
        self,
        port: RoomPort,
        objects: StructureRepository,
        clock: Clock,
        config: RoomsConfig,
        gate: Gate | None = None,
    ) -> None:
        self._port = port
        self._objects = objects
        self.config = config
        self._channels = OwnedChannels(port, objects, clock, gate=gate or Gate.open())

    async def remove_room(self, guild_id: int, room_id: int, reason: str) -> None:
        await self._channels.remove(guild_id, room_purpose(room_id), reason)

    async def categories(self, guild_id: int) -> dict[int, int | None]:
        """part -> live category id (None when recorded but missing) of the rooms categories."""
        found: dict[int, int | None] = {}
        for item in await self._objects.with_prefix(guild_id, CATEGORY_PREFIX):
            part = category_part_of(item.purpose)
            if part is None:
                continue
            alive = item.discord_id is not None and self._port.channel(guild_id, item.discord_id)
            found[part] = item.discord_id if alive else None
        return found

    async def category_with_room(self, guild_id: int) -> tuple[int, int | None]:
        """The first rooms category with space (part, id); id None when it must be created."""
        return category_with_space(
            await self.categories(guild_id),
            lambda category_id: len(self._port.children(guild_id, category_id)),
            self.config.per_category,
        )

    async def ensure_channel(self, guild_id: int, room: Room, part: int | None) -> int:
        """The room's channel in a rooms category (`part`, or where it is, or the first with
        space); created, adopted or moved back as needed."""
        categories = await self.categories(guild_id)
        if part is None:
            item = await self._objects.get(guild_id, room_purpose(room.id))
            current = (
                self._port.channel(guild_id, item.discord_id)
                if item is not None and item.discord_id is not None
                else None
            )
            homes = {cid: p for p, cid in categories.items() if cid is not None}
            if current is not None and current.parent_id in homes:
                part = homes[current.parent_id]
            else:
                part, _ = await self.category_with_room(guild_id)
        _, category_id = await self._channels.ensure(
            guild_id,
            ChannelWish(
                purpose=category_purpose(part),
                kind=ChannelKind.CATEGORY,
                name=self.config.category_name(part),
                parent_id=None,
                parent_purpose=None,
            ),
            "topic rooms category",
        )
        _, channel_id = await self._channels.ensure(
            guild_id,
            ChannelWish(
                purpose=room_purpose(room.id),
                kind=ChannelKind.VOICE,
                name=room_channel_name(room.topic),
                parent_id=category_id,
                parent_purpose=category_purpose(part),
                user_limit=room.user_limit,
            ),
            f"topic room {room.id}",
        )
        return channel_id

    async def drop_empty_categories(self, guild_id: int) -> None:
        """Continuation categories left without rooms are deleted (the first one stays)."""
        for part, category_id in (await self.categories(guild_id)).items():
            if part == 1 or category_id is None:
                continue
            if not self._port.children(guild_id, category_id):
                await self._channels.remove(guild_id, category_purpose(part), "no rooms left")
