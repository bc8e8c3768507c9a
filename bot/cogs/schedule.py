"""`/schedule show [day]` and `/schedule export`: what is on now and next, and an .ics file.

(Discord cannot run a command that has subcommands by itself, hence `show`.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.programme_views import SHOW, programme_message
from bot.cogs.transformers import DayOption

if TYPE_CHECKING:
    from bot.app import WorkshopBot


class ScheduleCog(commands.Cog):
    schedule = app_commands.Group(
        name="schedule", description="What is on now and next", guild_only=True
    )

    def __init__(self, bot: WorkshopBot) -> None:
        self.bot = bot

    @schedule.command(name="show", description="Running and upcoming sessions")
    @app_commands.describe(day="Only this day")
    async def show(
        self, interaction: discord.Interaction[WorkshopBot], day: DayOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        embed, view = await programme_message(
            self.bot, interaction.guild_id, SHOW, day, 0, str(interaction.locale)
        )
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
