"""Roles and members: creating a role below the bot's, giving and taking a role, a nickname.

The bot has no members intent: a member is addressed by id (one request each), never looked up
in the cache; a member who left is "not here" (False), not an error."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.domain.permissions import Perm
from bot.gateway.base import GatewayBase, translate_errors

UNKNOWN_MEMBER = 10007


@dataclass(frozen=True)
class RoleInfo:
    id: int
    name: str
    position: int
    managed: bool


class MembersMixin(GatewayBase):
    def role_infos(self, guild_id: int) -> list[RoleInfo]:
        guild = self._guild(guild_id)
        return [RoleInfo(r.id, r.name, r.position, r.managed) for r in guild.roles]

    def bot_top_position(self, guild_id: int) -> int:
        return self._guild(guild_id).me.top_role.position

    def owner_id(self, guild_id: int) -> int | None:
        return self._guild(guild_id).owner_id

    @translate_errors
    async def create_role(self, guild_id: int, name: str, reason: str) -> int:
        """A new role with no permissions of its own (Discord puts it just above @everyone,
        below the bot's role)."""
        with self._needs(guild_id, Perm.MANAGE_ROLES):
            role = await self._guild(guild_id).create_role(
                name=name, permissions=discord.Permissions.none(), reason=reason
            )
        return role.id

    def role_exists(self, guild_id: int, role_id: int) -> bool:
        return self._guild(guild_id).get_role(role_id) is not None

    @translate_errors
    async def delete_role(self, guild_id: int, role_id: int, reason: str) -> None:
        """Delete a role the bot created (a role deleted meanwhile is fine)."""
        try:
            with self._needs(guild_id, Perm.MANAGE_ROLES):
                await self._client.http.delete_role(guild_id, role_id, reason=reason)
        except discord.NotFound:
            pass

    @translate_errors
    async def add_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> bool:
        """False when the member is not in the server (left)."""
        try:
            with self._needs(guild_id, Perm.MANAGE_ROLES):
                await self._client.http.add_role(guild_id, user_id, role_id, reason=reason)
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def remove_role(self, guild_id: int, user_id: int, role_id: int, reason: str) -> bool:
        try:
            with self._needs(guild_id, Perm.MANAGE_ROLES):
                await self._client.http.remove_role(guild_id, user_id, role_id, reason=reason)
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def edit_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        roles: list[int] | None,
        nick: str | None,
        reason: str,
    ) -> bool:
        """One request for the member's whole role list and/or nickname (Discord replaces the
        list: `roles` must hold the roles they keep)."""
        fields: dict[str, object] = {}
        needs = 0
        if roles is not None:
            fields["roles"] = [str(r) for r in roles]
            needs |= Perm.MANAGE_ROLES
        if nick is not None:
            fields["nick"] = nick
            needs |= Perm.MANAGE_NICKNAMES
        if not fields:
            return True
        try:
            with self._needs(guild_id, needs):
                await self._client.http.edit_member(guild_id, user_id, reason=reason, **fields)
        except discord.NotFound:
            return False
        return True

    @translate_errors
    async def set_nick(self, guild_id: int, user_id: int, nick: str, reason: str) -> bool:
        try:
            with self._needs(guild_id, Perm.MANAGE_NICKNAMES):
                await self._client.http.edit_member(guild_id, user_id, reason=reason, nick=nick)
        except discord.NotFound:
            return False
        return True
