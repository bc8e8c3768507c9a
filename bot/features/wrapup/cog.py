"""`/workshop wrap-up` and `/workshop teardown`: subcommands of the structure feature's
`/workshop` group, added to it when this cog loads (one group, two features)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import organizer_only
from bot.core.ui import locale_of
from bot.features.wrapup.service import WrapUpService
from bot.features.wrapup.views import TeardownButton, WrapUpButton
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


class WrapUpCog(commands.Cog):
    def __init__(
        self,
        bot: WorkshopBot,
        wrapup: WrapUpService,
        catalog: Catalog,
        wrap_button: type[WrapUpButton],
        teardown_button: type[TeardownButton],
    ) -> None:
        self.bot = bot
        self.wrapup = wrapup
        self.catalog = catalog
        self.wrap_button = wrap_button
        self.teardown_button = teardown_button
        self._commands: list[app_commands.Command[Any, Any, Any]] = []

    def _t(self, interaction: discord.Interaction[WorkshopBot], key: str, **params: Any) -> str:
        return self.catalog.t(f"wrapup.{key}", locale_of(interaction), **params)

    async def cog_load(self) -> None:
        group = self.bot.tree.get_command("workshop")
        if not isinstance(group, app_commands.Group):
            raise RuntimeError("the wrap-up needs the structure feature's /workshop group")
        for command in self._build():
            group.add_command(command)
            self._commands.append(command)

    async def cog_unload(self) -> None:
        group = self.bot.tree.get_command("workshop")
        if isinstance(group, app_commands.Group):
            for command in self._commands:
                group.remove_command(command.name)

    def _build(self) -> list[app_commands.Command[Any, Any, Any]]:
        cog = self

        @app_commands.command(
            name="wrap-up",
            description="After the event: lock every place, thank everyone, get the archive",
        )
        @organizer_only()
        async def wrap_up(interaction: discord.Interaction[WorkshopBot]) -> None:
            await cog.ask_wrap_up(interaction)

        @app_commands.command(
            name="teardown",
            description="Delete every channel and event the bot created (after wrap-up)",
        )
        @organizer_only()
        async def teardown(interaction: discord.Interaction[WorkshopBot]) -> None:
            await cog.ask_teardown(interaction)

        return [wrap_up, teardown]

    async def ask_wrap_up(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        user = interaction.user.id
        view = discord.ui.View(timeout=None)
        view.add_item(
            self.wrap_button("go", user, label=self._t(interaction, "confirm"), danger=True)
        )
        view.add_item(self.wrap_button("no", user, label=self._t(interaction, "keep")))
        await interaction.response.send_message(
            self._t(interaction, "prompt"), view=view, ephemeral=True
        )

    async def ask_teardown(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        count = await self.wrapup.check_teardown(interaction.guild_id)
        user = interaction.user.id
        view = discord.ui.View(timeout=None)
        view.add_item(
            self.teardown_button("1", user, label=self._t(interaction, "teardown_go"), danger=True)
        )
        view.add_item(self.teardown_button("no", user, label=self._t(interaction, "keep")))
        await interaction.response.send_message(
            self._t(interaction, "teardown_prompt", count=count), view=view, ephemeral=True
        )
