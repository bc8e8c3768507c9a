"""What breakouts need from Discord (the gateway implements it; unit tests use a fake)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.domain.ports import ChannelPort


class BreakoutPort(ChannelPort, Protocol):
    def members_in(self, guild_id: int, channel_id: int) -> list[int]:
        """Ids of the people (not bots) in a voice or stage channel, from the cache."""
        ...

    def voice_channel_of(self, guild_id: int, user_id: int) -> int | None: ...

    def can_move(self, guild_id: int) -> bool:
        """Whether the bot holds Move Members in the guild."""
        ...

    async def move_member(self, guild_id: int, user_id: int, channel_id: int, reason: str) -> bool:
        """False when the person is not connected to voice (any more)."""
        ...

    async def post(self, channel_id: int, text: str, *, marker: str) -> int: ...

    async def find_post(self, channel_id: int, marker: str) -> int | None: ...

    async def post_naming(
        self, channel_id: int, text: str, user_ids: Sequence[int], *, marker: str
    ) -> int: ...
