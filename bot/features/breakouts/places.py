"""Where breakout rooms live on Discord: voice channels beside the session's channel (in its
category while it has space, then in categories of the breakout's own that spill like every
other place), all owned through guild_structure; removed with their categories at the end."""

from __future__ import annotations

from bot.core.gate import Gate
from bot.core.owned import ChannelWish, OwnedChannels
from bot.domain.clock import Clock
from bot.domain.ports import ChannelPort
from bot.domain.structure import ChannelKind
from bot.features.breakouts import keys
from bot.features.breakouts.domain.breakouts import (
    Breakout,
    RoomPlace,
    category_name,
    places,
    room_name,
)
from bot.store.structure_repo import StructureRepository


class BreakoutPlaces:
    def __init__(
        self,
        port: ChannelPort,
        objects: StructureRepository,
        clock: Clock,
        per_category: int,
        gate: Gate | None = None,
    ) -> None:
        self._port = port
        self._objects = objects
        self._channels = OwnedChannels(port, objects, clock, gate=gate or Gate.open())
        self.per_category = per_category

    def plan(self, guild_id: int, home_id: int, rooms: int, mine: int = 0) -> list[RoomPlace]:
        """Where `rooms` rooms would go now (`mine`: channels of this breakout already counted
        in the session's category)."""
        home = self._port.channel(guild_id, home_id)
        parent = home.parent_id if home is not None else None
        used = None if parent is None else len(self._port.children(guild_id, parent)) - mine
        return places(rooms, used, self.per_category)

    async def rooms(self, breakout: Breakout) -> dict[int, int]:
        """room number -> live channel id."""
        found: dict[int, int] = {}
        prefix = keys.breakout_prefix(breakout.session_id, breakout.id)
        for item in await self._objects.with_prefix(breakout.guild_id, prefix):
            key = keys.parse(item.purpose)
            if key is None or key.what != keys.ROOM or item.discord_id is None:
                continue
            if self._port.channel(breakout.guild_id, item.discord_id) is not None:
                found[key.number] = item.discord_id
        return found

    async def ensure(self, breakout: Breakout, placed: list[RoomPlace]) -> dict[int, int]:
        """Create (or adopt after a crash) the rooms not there yet; room -> channel id."""
        guild_id = breakout.guild_id
        live = await self.rooms(breakout)
        home = self._port.channel(guild_id, breakout.home_id)
        home_parent = home.parent_id if home is not None else None
        categories: dict[int, int] = {}
        reason = f"breakout {breakout.id} of session {breakout.session_id}"
        for place in placed:
            if place.room in live:
                continue
            parent = home_parent if place.part == 0 else None
            parent_purpose = None
            if place.part != 0:
                parent_purpose = keys.category_purpose(breakout.session_id, breakout.id, place.part)
                if place.part not in categories:
                    _, categories[place.part] = await self._channels.ensure(
                        guild_id,
                        ChannelWish(
                            purpose=parent_purpose,
                            kind=ChannelKind.CATEGORY,
                            name=category_name(place.part, breakout.title),
                            parent_id=None,
                            parent_purpose=None,
                        ),
                        reason,
                    )
                parent = categories[place.part]
            _, live[place.room] = await self._channels.ensure(
                guild_id,
                ChannelWish(
                    purpose=keys.room_purpose(breakout.session_id, breakout.id, place.room),
                    kind=ChannelKind.VOICE,
                    name=room_name(place.room, breakout.rooms, breakout.title),
                    parent_id=parent,
                    parent_purpose=parent_purpose,
                ),
                reason,
            )
        return live

    async def remove_all(self, guild_id: int, session_id: int, breakout_id: int) -> int:
        """Delete every room, then every category, of the breakout; how many were deleted."""
        items = await self._objects.with_prefix(
            guild_id, keys.breakout_prefix(session_id, breakout_id)
        )
        order = sorted(items, key=lambda i: (keys.parse(i.purpose) or _LAST).what == keys.CATEGORY)
        removed = 0
        for item in order:
            alive = item.discord_id is not None and self._port.channel(guild_id, item.discord_id)
            await self._channels.remove(guild_id, item.purpose, f"breakout {breakout_id} ended")
            removed += bool(alive)
        return removed

    async def forget(self, guild_id: int, purpose: str) -> None:
        await self._objects.forget(guild_id, purpose)

    async def owned(self, guild_id: int) -> set[tuple[int, int]]:
        """(session, breakout) of every breakout that owns something in the guild."""
        found = set()
        for item in await self._objects.with_prefix(guild_id, keys.PREFIX):
            key = keys.parse(item.purpose)
            if key is not None:
                found.add((key.session_id, key.breakout_id))
        return found


_LAST = keys.BreakoutKey(0, 0, keys.CATEGORY, 0)
