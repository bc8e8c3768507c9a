"""The ticket roles of registration: the roles `registration.roles` names, found by name or
id, created when missing (below the bot's role) and recorded as the bot's own objects, so that
`/workshop teardown` deletes them and never a role organizers made. A mapped role the bot
cannot give (managed, or not below its own) is refused with the fix."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Protocol

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.organizers import configured_role_ids
from bot.domain.structure import ItemKind
from bot.features.registration.keys import role_purpose
from bot.store.structure_repo import StructureRepository

log = logging.getLogger("bot.features.registration.service")


class RolePort(Protocol):
    def roles(self, guild_id: int) -> list[tuple[int, str]]: ...

    def role_infos(self, guild_id: int) -> Sequence[RoleInfoLike]: ...

    def bot_top_position(self, guild_id: int) -> int: ...

    def owner_id(self, guild_id: int) -> int | None: ...

    async def create_role(self, guild_id: int, name: str, reason: str) -> int: ...

    async def add_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> bool: ...

    async def remove_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> bool: ...

    async def set_nick(self, guild_id: int, user_id: int, nick: str, reason: str) -> bool: ...

    async def edit_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        roles: list[int] | None,
        nick: str | None,
        reason: str,
    ) -> bool: ...


class RoleInfoLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def position(self) -> int: ...
    @property
    def managed(self) -> bool: ...


class TicketRoles:
    def __init__(
        self,
        port: RolePort,
        clock: Clock,
        mapping: Mapping[str, str],
        objects: StructureRepository | None = None,
    ) -> None:
        self._port = port
        self._clock = clock
        self._mapping = mapping  # ticket type -> role name or id
        self._objects = objects

    def resolve(self, guild_id: int, entries: list[str]) -> list[int]:
        ids, _ = configured_role_ids(entries, self._port.roles(guild_id))
        return ids

    async def ensure_all(self, guild_id: int) -> bool:
        """Every role of `registration.roles`, created when missing (below the bot's role);
        refused with the fix when one cannot be given by the bot. True when one was created."""
        created: list[int] = []
        await self.ensure(guild_id, list(dict.fromkeys(self._mapping.values())), created)
        return bool(created)

    async def ensure(
        self, guild_id: int, entries: list[str], created: list[int] | None = None
    ) -> list[int]:
        ids: list[int] = []
        top = self._port.bot_top_position(guild_id)
        infos = {info.id: info for info in self._port.role_infos(guild_id)}
        for entry in entries:
            found, _ = configured_role_ids([entry], self._port.roles(guild_id))
            if not found:
                if entry.isdigit():
                    raise InvalidInput("registration.role_missing", role=entry)
                found = [await self._create_role(guild_id, entry)]
                if created is not None:
                    created.extend(found)
                log.info("registration: created role %r in guild %s", entry, guild_id)
            for role_id in found:
                info = infos.get(role_id)
                if info is not None and (info.managed or info.position >= top):
                    raise InvalidInput("registration.role_above_bot", role=info.name)
                if role_id not in ids:
                    ids.append(role_id)
            if len(found) == 1:
                await self._adopt(guild_id, entry, found[0])
        return ids

    async def _create_role(self, guild_id: int, name: str) -> int:
        """Create a ticket role, recorded as the bot's own (intent first, then the id: a crash
        in between leaves an intent the next `_ensure` fulfils with the role found by name)."""
        purpose = role_purpose(name)
        if self._objects is not None:
            await self._objects.intend(guild_id, purpose, ItemKind.ROLE, None, self._clock.now())
        try:
            role_id = await self._port.create_role(guild_id, name, "registration role")
        except BaseException:
            if self._objects is not None:
                await self._objects.forget(guild_id, purpose)
            raise
        if self._objects is not None:
            await self._objects.record(guild_id, purpose, role_id, self._clock.now())
        return role_id

    async def _adopt(self, guild_id: int, name: str, role_id: int) -> None:
        """A role this bot began to create before a crash, found by name: record it. A role
        an organizer made by hand has no intent and stays theirs."""
        if self._objects is None:
            return
        item = await self._objects.get(guild_id, role_purpose(name))
        if item is not None and item.discord_id is None:
            await self._objects.record(guild_id, item.purpose, role_id, self._clock.now())
