"""A fake of the structure port (base channels, the board message): records what the bot asked
Discord for and answers like Discord would, with ids that grow."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.domain.ports import ChannelRef, ChannelState, GuildStats
from bot.domain.structure import ChannelKind, ResolvedOverwrite
from bot.features.rooms.board import BoardPost
from bot.features.rooms.domain.board import RoomBoard

GUILD = 1000
BOT = 42
ORGANIZER_ROLE = 77


def board_post() -> BoardPost:
    """The lobby's board message as the rooms feature renders it (the fake port posts anything)."""
    return BoardPost(RoomBoard(), embed=None, view=None)


class FakePort:
    def __init__(self) -> None:
        self.channels: dict[int, ChannelRef] = {}
        self.overwrites: dict[int, list[ResolvedOverwrite]] = {}
        self.messages: dict[int, set[int]] = {}
        self.calls: list[str] = []
        self._next = 5000

    @property
    def bot_user_id(self) -> int:
        return BOT

    def _id(self) -> int:
        self._next += 1
        return self._next

    def channel(self, guild_id: int, channel_id: int) -> ChannelRef | None:
        return self.channels.get(channel_id)

    def find_channel(
        self, guild_id: int, *, name: str, kind: ChannelKind, parent_id: int | None
    ) -> ChannelRef | None:
        for c in self.channels.values():
            if c.name == name and c.kind is kind and c.parent_id == parent_id:
                return c
        return None

    def roles(self, guild_id: int) -> list[tuple[int, str]]:
        return [(GUILD, "@everyone"), (ORGANIZER_ROLE, "Organizer")]

    def stats(self, guild_id: int) -> GuildStats:
        return GuildStats(channels=len(self.channels), people_in_voice=0, voice_channels_in_use=0)

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
        user_limit: int | None = None,
    ) -> ChannelRef:
        self.calls.append(f"create {name}")
        ref = ChannelRef(id=self._id(), kind=kind, name=name, parent_id=parent_id)
        self.channels[ref.id] = ref
        self.overwrites[ref.id] = list(overwrites)
        return ref

    def channel_state(self, guild_id: int, channel_id: int) -> ChannelState | None:
        ref = self.channels.get(channel_id)
        if ref is None:
            return None
        return ChannelState(ref=ref, overwrites=frozenset(self.overwrites.get(channel_id, [])))

    async def edit_channel(
        self,
        channel_id: int,
        *,
        reason: str,
        name: str | None = None,
        parent_id: int | None = None,
        overwrites: Sequence[ResolvedOverwrite] | None = None,
    ) -> None:
        assert name is None and overwrites is None, "the base structure only moves channels"
        self.calls.append(f"move {channel_id}")
        self.channels[channel_id] = self.channels[channel_id].model_copy(
            update={"parent_id": parent_id}
        )

    async def delete_channel(self, channel_id: int, reason: str) -> None:
        self.calls.append(f"delete {channel_id}")
        self.channels.pop(channel_id, None)

    async def post_board(self, channel_id: int, embed: Any, view: Any) -> int:
        self.calls.append("post board")
        message_id = self._id()
        self.messages.setdefault(channel_id, set()).add(message_id)
        return message_id

    async def message_exists(self, channel_id: int, message_id: int) -> bool:
        self.calls.append("get message")
        return message_id in self.messages.get(channel_id, set())

    async def find_own_message(self, channel_id: int) -> int | None:
        self.calls.append("history")
        found = sorted(self.messages.get(channel_id, set()))
        return found[-1] if found else None
