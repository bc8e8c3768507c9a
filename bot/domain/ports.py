"""Ports: what services need from Discord, as Protocols. `bot/gateway.py` implements them;
unit tests use fakes. Reads (`GuildView`) come from the gateway cache and cost no request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.domain.board import RoomBoard
from bot.domain.structure import ChannelKind, ResolvedOverwrite


class ChannelRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    kind: ChannelKind | None  # None: a kind the bot does not manage (e.g. a news channel)
    name: str
    parent_id: int | None


class GuildStats(BaseModel):
    model_config = ConfigDict(frozen=True)
    channels: int
    people_in_voice: int
    voice_channels_in_use: int


class GuildView(Protocol):
    """Synchronous reads of the gateway's cache of a guild."""

    @property
    def bot_user_id(self) -> int: ...

    def channel(self, guild_id: int, channel_id: int) -> ChannelRef | None: ...

    def find_channel(
        self, guild_id: int, *, name: str, kind: ChannelKind, parent_id: int | None
    ) -> ChannelRef | None: ...

    def roles(self, guild_id: int) -> list[tuple[int, str]]: ...

    def stats(self, guild_id: int) -> GuildStats: ...


class StructurePort(GuildView, Protocol):
    async def create_channel(
        self,
        guild_id: int,
        *,
        name: str,
        kind: ChannelKind,
        parent_id: int | None,
        topic: str | None,
        overwrites: Sequence[ResolvedOverwrite],
        reason: str,
    ) -> ChannelRef: ...

    async def move_channel(
        self, guild_id: int, channel_id: int, parent_id: int, reason: str
    ) -> None: ...

    async def post_board(self, channel_id: int, board: RoomBoard) -> int:
        """Post the live room board message; returns the message id."""
        ...

    async def message_exists(self, channel_id: int, message_id: int) -> bool: ...

    async def find_own_message(self, channel_id: int) -> int | None:
        """The id of a recent message the bot posted with an embed in this channel, if any."""
        ...
