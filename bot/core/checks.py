"""Server-side permission checks (Discord's default_permissions is only a UI hint)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.core.tree import NotOrganizerCheck
from bot.domain.organizers import configured_role_ids, is_organizer

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

T = TypeVar("T")


def member_is_organizer(interaction: discord.Interaction[WorkshopBot]) -> bool:
    guild = interaction.guild
    user = interaction.user
    if guild is None or not isinstance(user, discord.Member):
        return False
    role_ids, _ = configured_role_ids(
        interaction.client.settings.organizer_roles, ((r.id, r.name) for r in guild.roles)
    )
    # interaction.permissions is what Discord computed for this member in this channel.
    perms = interaction.permissions
    return is_organizer(
        member_role_ids=(r.id for r in user.roles),
        organizer_role_ids=role_ids,
        manage_guild=perms.manage_guild,
        administrator=perms.administrator,
    )


def organizer_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not member_is_organizer(interaction):
            raise NotOrganizerCheck()
        return True

    return app_commands.check(predicate)
