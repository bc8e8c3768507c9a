"""`/workshop setup` and `/workshop status` (organizers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.checks import organizer_only

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


class WorkshopCog(commands.Cog):
    workshop = app_commands.Group(
        name="workshop",
        description="Set up and watch over the workshop",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )

    def __init__(self, bot: WorkshopBot) -> None:
        self.bot = bot

    @workshop.command(name="setup", description="Create the base channels (safe to run again)")
    @organizer_only()
    async def setup(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.bot.services.structure.ensure(interaction.guild_id, interaction.user.id)
        # Every feature's part (the attendance notice, the guide pinned in #help, ...): a refusal
        # is a recorded problem, retried, and the other parts still run.
        for feature in self.bot.features:
            for step in feature.setup:
                async with self.bot.services.problems.background(
                    interaction.guild_id, step.problem, step.what
                ):
                    await step.run(interaction.guild_id, report)
        embed = self.bot.renderer.setup_report(
            report,
            interaction.guild_id,
            str(interaction.locale),
            community=self.bot.services.gateway.is_community(interaction.guild_id),
        )
        lacking = self.bot.services.permissions.missing(interaction.guild_id)
        if lacking:
            self.bot.renderer.permissions_field(embed, lacking, str(interaction.locale))
        await interaction.followup.send(embed=embed, ephemeral=True)

    @workshop.command(name="status", description="What exists now: structure, programme, voice")
    @organizer_only()
    async def status(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        guild = interaction.guild
        assert guild is not None
        services = self.bot.services
        embed = self.bot.renderer.status(
            items=await services.structure.items(guild.id),
            stats=services.gateway.stats(guild.id),
            live_ids={c.id for c in guild.channels},
            counts=await services.status.counts(guild.id),
            locale=str(interaction.locale),
            missing=services.permissions.missing(guild.id),
            problems=await services.problems.open(guild.id),
            community=services.gateway.is_community(guild.id),
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)
