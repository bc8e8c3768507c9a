"""Keeping a Discord channel the bot owns for a purpose: find it, fix it, or (re)create it.

The database row comes first (intent), the Discord call second, the id is recorded last. A row
left 'pending' by a crash may have a channel Discord created: it is adopted (found by name, kind
and parent) instead of being created twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.core.gate import Gate
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, RenameLimited
from bot.domain.ports import ChannelPort, ChannelState
from bot.domain.structure import ChannelKind, ItemKind, ResolvedOverwrite
from bot.store.structure_repo import StructureRepository


class Outcome(StrEnum):
    CREATED = "created"
    FOUND = "found"
    RECREATED = "recreated"
    ADOPTED = "adopted"
    MOVED = "moved"
    UPDATED = "updated"


@dataclass(frozen=True)
class ChannelWish:
    """How a channel should be. `enforce_*`: whether drift made by hand is reverted."""

    purpose: str
    kind: ChannelKind
    name: str
    parent_id: int | None
    parent_purpose: str | None
    overwrites: tuple[ResolvedOverwrite, ...] = ()
    topic: str | None = None
    user_limit: int | None = None
    enforce_name: bool = False
    enforce_overwrites: bool = False
    public: bool = False  # outside the registration gate (#welcome)


class OwnedChannels:
    """`gate`: the registration gate every owned channel follows (bot/core/gate.py); it is
    required so that no feature can make a channel that escapes it."""

    def __init__(
        self, port: ChannelPort, repo: StructureRepository, clock: Clock, *, gate: Gate
    ) -> None:
        self._port = port
        self._repo = repo
        self._clock = clock
        self._gate = gate
        # The earliest time a rename Discord refused (rate limit) can be tried again.
        self.retry_renames_at: datetime | None = None

    async def ensure(self, guild_id: int, wish: ChannelWish, reason: str) -> tuple[Outcome, int]:
        gated = self._gate.apply(guild_id, wish.overwrites, public=wish.public)
        if gated != wish.overwrites:
            wish = replace(wish, overwrites=gated)
        item = await self._repo.get(guild_id, wish.purpose)
        if item is not None and item.discord_id is not None:
            state = self._port.channel_state(guild_id, item.discord_id)
            if state is not None and state.ref.kind is wish.kind:
                return await self._converge(state, wish, reason)
            if state is not None:
                # Its kind must change (e.g. a session got an external location): replace it.
                await self._port.delete_channel(state.ref.id, reason)

        if item is not None and item.pending:
            found = self._port.find_channel(
                guild_id, name=wish.name, kind=wish.kind, parent_id=wish.parent_id
            )
            if found is not None:
                await self._repo.record(guild_id, wish.purpose, found.id, self._clock.now())
                state = self._port.channel_state(guild_id, found.id)
                if state is not None:
                    await self._converge(state, wish, reason)
                return Outcome.ADOPTED, found.id

        outcome = Outcome.CREATED if item is None else Outcome.RECREATED
        await self._repo.intend(
            guild_id,
            wish.purpose,
            ItemKind(wish.kind.value),
            wish.parent_purpose,
            self._clock.now(),
        )
        try:
            created = await self._port.create_channel(
                guild_id,
                name=wish.name,
                kind=wish.kind,
                parent_id=wish.parent_id,
                topic=wish.topic,
                overwrites=wish.overwrites,
                reason=reason,
                user_limit=wish.user_limit,
            )
        except DiscordRefused:
            # Discord made nothing: a purpose recorded just now for it is not kept.
            if item is None:
                await self._repo.forget(guild_id, wish.purpose)
            raise
        await self._repo.record(guild_id, wish.purpose, created.id, self._clock.now())
        return outcome, created.id

    async def _converge(
        self, state: ChannelState, wish: ChannelWish, reason: str
    ) -> tuple[Outcome, int]:
        name = wish.name if wish.enforce_name and state.ref.name != wish.name else None
        parent = (
            wish.parent_id
            if wish.parent_id is not None and state.ref.parent_id != wish.parent_id
            else None
        )
        differs = state.overwrites != frozenset(wish.overwrites)
        overwrites = (
            wish.overwrites
            if differs
            and (wish.enforce_overwrites or self._gate.drifted(state.overwrites, wish.overwrites))
            else None
        )
        if name is None and parent is None and overwrites is None:
            return Outcome.FOUND, state.ref.id
        try:
            await self._port.edit_channel(
                state.ref.id, reason=reason, name=name, parent_id=parent, overwrites=overwrites
            )
        except RenameLimited as limited:
            when = self._clock.now() + timedelta(seconds=limited.retry_after)
            if self.retry_renames_at is None or when < self.retry_renames_at:
                self.retry_renames_at = when
        only_moved = name is None and overwrites is None
        return (Outcome.MOVED if only_moved else Outcome.UPDATED), state.ref.id

    async def remove(self, guild_id: int, purpose: str, reason: str) -> None:
        """Delete the channel (if any) and forget the purpose."""
        item = await self._repo.get(guild_id, purpose)
        if item is None:
            return
        if item.discord_id is not None:
            await self._port.delete_channel(item.discord_id, reason)
        await self._repo.forget(guild_id, purpose)


@dataclass
class SetupReport:
    """What `/workshop setup` found, made or fixed, by purpose (every feature adds its part)."""

    items: dict[str, tuple[Outcome, int]] = field(default_factory=dict)
    missing_roles: list[str] = field(default_factory=list)

    def add(self, purpose: str, outcome: Outcome, discord_id: int) -> None:
        self.items[purpose] = (outcome, discord_id)

    @property
    def changed(self) -> bool:
        return any(outcome is not Outcome.FOUND for outcome, _ in self.items.values())
