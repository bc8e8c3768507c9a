"""The channel budget: Discord allows 500 channels per server (categories count, threads do
not). A person's change that would pass it is refused before anything is made, naming the
numbers, instead of failing half-way with 30013."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.domain.errors import OverChannelBudget
from bot.domain.ports import GuildView

GUILD_CHANNEL_LIMIT = 500


class ChannelBudget:
    def __init__(
        self,
        port: GuildView,
        reserved: Callable[[int], Awaitable[int]] | None = None,
        limit: int = GUILD_CHANNEL_LIMIT,
    ) -> None:
        self._port = port
        # Channels already promised but not made yet (a poster session's boards): each feature
        # that promises channels adds its count (`promise`).
        self._promises: list[Callable[[int], Awaitable[int]]] = [reserved] if reserved else []
        self.limit = limit

    def promise(self, reserved: Callable[[int], Awaitable[int]]) -> None:
        self._promises.append(reserved)

    async def _reserved(self, guild_id: int) -> int:
        return sum([await promised(guild_id) for promised in self._promises])

    async def left(self, guild_id: int) -> int:
        used = self._port.stats(guild_id).channels
        return max(0, self.limit - used - await self._reserved(guild_id))

    async def require(self, guild_id: int, need: int) -> None:
        """Refuse (OverChannelBudget) when `need` more channels would not fit."""
        if need <= 0:
            return
        used = self._port.stats(guild_id).channels
        reserved = await self._reserved(guild_id)
        if used + reserved + need > self.limit:
            raise OverChannelBudget(need=need, used=used, reserved=reserved, limit=self.limit)
