"""`/workshop setup` and `/workshop status` (organizers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import organizer_only
from bot.core.feature import Core
from bot.core.ui import locale_of
from bot.features.structure.render import StructureRenderer
from bot.features.structure.service import StructureService
from bot.features.structure.setup import WorkshopSetup
from bot.features.structure.status import StatusService

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


class WorkshopCog(commands.Cog):
    workshop = app_commands.Group(
        name="workshop",
        description="Set up and watch over the workshop",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(
        self,
        setup: WorkshopSetup,
        structure: StructureService,
        status: StatusService,
        render: StructureRenderer,
        core: Core,
    ) -> None:
        self._setup = setup
        self._structure = structure
        self._status = status
        self._render = render
        self._gateway = core.gateway
        self._permissions = core.permissions
        self._problems = core.problems

    @workshop.command(name="setup", description="Create the base channels (safe to run again)")
    @organizer_only()
    async def setup(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self._setup.run(interaction.guild_id, interaction.user.id)
        locale = locale_of(interaction)
        embed = self._render.setup_report(
            report,
            interaction.guild_id,
            locale,
            community=self._gateway.is_community(interaction.guild_id),
        )
        lacking = self._permissions.missing(interaction.guild_id)
        if lacking:
            self._render.permissions_field(embed, lacking, locale)
        await interaction.followup.send(embed=embed, ephemeral=True)

    @workshop.command(name="status", description="What exists now: structure, programme, voice")
    @organizer_only()
    async def status(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        guild = interaction.guild
        assert guild is not None
        embed = self._render.status(
            items=await self._structure.items(guild.id),
            stats=self._gateway.stats(guild.id),
            live_ids={c.id for c in guild.channels},
            counts=await self._status.counts(guild.id),
            locale=locale_of(interaction),
            missing=self._permissions.missing(guild.id),
            problems=await self._problems.open(guild.id),
            community=self._gateway.is_community(guild.id),
        )
        for name, value in await self._status.extra_fields(guild.id, locale_of(interaction)):
            if len(embed.fields) < 25 and len(embed) + len(name) + len(value) <= 6000:
                embed.add_field(name=name, value=value, inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)
