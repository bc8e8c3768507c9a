"""The base structure of a workshop guild, converged from the database (a small reconciler).

`ensure()` is `/workshop setup`: for every item of the blueprint it finds the channel the database
says the bot owns, or creates it (intent recorded first, id recorded after Discord answers), or
adopts a channel a crashed earlier run created before it could record the id. Run again it creates
nothing; an item deleted by hand is recreated and re-recorded. `reconcile()` does the same on
start and when Discord reports an owned channel deleted, for guilds that were set up.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core.bus import BoardPosted, Bus
from bot.core.gate import Gate
from bot.core.owned import ChannelWish, Outcome, OwnedChannels, SetupReport
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused
from bot.domain.organizers import configured_role_ids
from bot.domain.ports import StructurePort
from bot.domain.structure import (
    BASE_CHANNELS,
    ChannelSpec,
    ItemKind,
    Purpose,
    StructureItem,
    resolve_overwrites,
)
from bot.store.audit_repo import AuditRepository
from bot.store.structure_repo import StructureRepository

if TYPE_CHECKING:
    from bot.features.rooms.board import BoardPost

log = logging.getLogger(__name__)


class StructureService:
    def __init__(
        self,
        port: StructurePort,
        repo: StructureRepository,
        audit: AuditRepository,
        clock: Clock,
        *,
        names: Callable[[str], str],
        organizer_roles: tuple[str, ...],
        bus: Bus,
        board_post: Callable[[], BoardPost],
        gate: Gate | None = None,
    ) -> None:
        self._bus = bus
        self._board_post = board_post  # the lobby's board message, as first posted
        self._port = port
        self._repo = repo
        self._audit = audit
        self._clock = clock
        self._names = names  # catalog key -> text in the workshop's locale
        self._organizer_roles = organizer_roles
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._channels = OwnedChannels(port, repo, clock, gate=gate or Gate.open())

    async def ensure(self, guild_id: int, actor_id: int | None = None) -> SetupReport:
        """`/workshop setup`. Discord refusing any part removes what this run made (the server
        is left as it was) and the refusal goes on to the organizer."""
        async with self._locks[guild_id]:
            report = SetupReport()
            try:
                await self._converge(guild_id, verify_board=False, report=report)
            except DiscordRefused as refusal:
                await self._undo(guild_id, report, refusal)
                raise
        if actor_id is not None:
            detail = {p: o.value for p, (o, _) in report.items.items() if o is not Outcome.FOUND}
            await self._audit.add(guild_id, actor_id, "workshop.setup", detail, self._clock.now())
        return report

    async def is_set_up(self, guild_id: int) -> bool:
        """/workshop setup ran here (sessions and rooms own objects without it)."""
        base = {spec.purpose for spec in BASE_CHANNELS} | {Purpose.LOBBY_BOARD}
        return any(item.purpose in base for item in await self._repo.all(guild_id))

    async def reconcile(self, guild_id: int, *, verify_board: bool = False) -> SetupReport | None:
        """Converge a guild that was set up before; a guild never set up is left alone."""
        if not await self.is_set_up(guild_id):
            return None
        async with self._locks[guild_id]:
            report = await self._converge(guild_id, verify_board=verify_board)
        if report.changed:
            log.info(
                "reconciled guild %s: %s",
                guild_id,
                {p: o.value for p, (o, _) in report.items.items() if o is not Outcome.FOUND},
            )
        return report

    async def items(self, guild_id: int) -> list[StructureItem]:
        return await self._repo.all(guild_id)

    # -- convergence ---------------------------------------------------------------------------

    async def _undo(self, guild_id: int, report: SetupReport, refusal: DiscordRefused) -> None:
        made = [
            purpose
            for purpose, (outcome, _) in report.items.items()
            if outcome in (Outcome.CREATED, Outcome.RECREATED)
        ]
        try:
            for purpose in reversed(made):
                if purpose == Purpose.LOBBY_BOARD:
                    await self._repo.forget(guild_id, purpose)  # goes with its channel
                else:
                    await self._channels.remove(guild_id, purpose, "workshop setup undone")
        except DiscordRefused:
            refusal.leftovers = True

    async def _converge(
        self, guild_id: int, *, verify_board: bool, report: SetupReport | None = None
    ) -> SetupReport:
        report = report if report is not None else SetupReport()
        organizer_ids, report.missing_roles = self._organizer_role_ids(guild_id)
        ids: dict[str, int] = {}
        for spec in BASE_CHANNELS:
            parent_id = ids[spec.parent] if spec.parent else None
            outcome, channel_id = await self._ensure_channel(
                guild_id, spec, parent_id, organizer_ids
            )
            ids[spec.purpose] = channel_id
            report.add(spec.purpose, outcome, channel_id)
        lobby_outcome = report.items[Purpose.LOBBY][0]
        fresh_lobby = lobby_outcome in (Outcome.CREATED, Outcome.RECREATED)
        outcome, message_id = await self._ensure_board(
            guild_id, ids[Purpose.LOBBY], fresh_lobby=fresh_lobby, verify=verify_board
        )
        report.add(Purpose.LOBBY_BOARD, outcome, message_id)
        return report

    def _organizer_role_ids(self, guild_id: int) -> tuple[list[int], list[str]]:
        return configured_role_ids(self._organizer_roles, self._port.roles(guild_id))

    async def _ensure_channel(
        self, guild_id: int, spec: ChannelSpec, parent_id: int | None, organizer_ids: list[int]
    ) -> tuple[Outcome, int]:
        overwrites = resolve_overwrites(
            spec.overwrites,
            everyone_role_id=guild_id,
            organizer_role_ids=organizer_ids,
            bot_user_id=self._port.bot_user_id,
        )
        wish = ChannelWish(
            purpose=spec.purpose,
            kind=spec.kind,
            name=self._names(spec.name_key),
            parent_id=parent_id,
            parent_purpose=spec.parent,
            overwrites=tuple(overwrites),
            topic=self._names(spec.topic_key) if spec.topic_key else None,
        )
        return await self._channels.ensure(guild_id, wish, f"workshop setup: {spec.purpose}")

    async def _ensure_board(
        self, guild_id: int, lobby_id: int, *, fresh_lobby: bool, verify: bool
    ) -> tuple[Outcome, int]:
        item = await self._repo.get(guild_id, Purpose.LOBBY_BOARD)
        if (
            item is not None
            and item.discord_id is not None
            and not fresh_lobby
            and (not verify or await self._port.message_exists(lobby_id, item.discord_id))
        ):
            return Outcome.FOUND, item.discord_id
        if item is not None and item.pending and not fresh_lobby:
            adopted = await self._port.find_own_message(lobby_id)
            if adopted is not None:
                await self._repo.record(guild_id, Purpose.LOBBY_BOARD, adopted, self._clock.now())
                return Outcome.ADOPTED, adopted
        outcome = Outcome.CREATED if item is None else Outcome.RECREATED
        await self._repo.intend(
            guild_id, Purpose.LOBBY_BOARD, ItemKind.MESSAGE, Purpose.LOBBY, self._clock.now()
        )
        post = self._board_post()  # rendered by the rooms feature
        message_id = await self._port.post_board(lobby_id, post.embed, post.view)
        await self._repo.record(guild_id, Purpose.LOBBY_BOARD, message_id, self._clock.now())
        await self._bus.publish(BoardPosted(guild_id, message_id, post.board))  # it fills it in
        return outcome, message_id
