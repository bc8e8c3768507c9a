"""The confirmation buttons of `/workshop wrap-up` (one) and `/workshop teardown` (two). Their
custom ids carry who asked; only that person, still an organizer, may press them."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot.core.checks import member_is_organizer
from bot.core.tree import answer_error
from bot.core.ui import WorkshopButton, bind, locale_of
from bot.domain.errors import DomainError, NotOrganizer
from bot.features.wrapup.service import WrapUpService
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

WRAP_TEMPLATE = r"wu:(?P<action>go|no):(?P<user>\d+)"  # released: never change
TEARDOWN_TEMPLATE = r"td:(?P<action>1|2|no):(?P<user>\d+)"  # released: never change


class NotYourButton(DomainError):
    key = "errors.wrapup.not_yours"


def archive_files(volumes: list[bytes], stamp: str) -> list[discord.File]:
    if len(volumes) == 1:
        return [discord.File(io.BytesIO(volumes[0]), filename=f"workshop-archive-{stamp}.zip")]
    return [
        discord.File(io.BytesIO(data), filename=f"workshop-archive-{stamp}-part{n}.zip")
        for n, data in enumerate(volumes, 1)
    ]


class _Confirm(WorkshopButton, template=r"(?!)"):
    wrapup: ClassVar[WrapUpService]
    catalog: ClassVar[Catalog]
    prefix: ClassVar[str] = ""

    def __init__(self, action: str, user_id: int, *, label: str = "", danger: bool = False):
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=discord.ButtonStyle.danger if danger else discord.ButtonStyle.secondary,
                custom_id=f"{self.prefix}:{action}:{user_id}",
            )
        )
        self.action, self.user_id = action, user_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> Any:
        return cls(match["action"], int(match["user"]))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id != self.user_id:
            await answer_error(interaction, NotYourButton())
            return False
        if not member_is_organizer(interaction):
            await answer_error(interaction, NotOrganizer())
            return False
        return True

    def t(self, interaction: discord.Interaction[WorkshopBot], key: str, **params: Any) -> str:
        return self.catalog.t(f"wrapup.{key}", locale_of(interaction), **params)


class WrapUpButton(_Confirm, template=WRAP_TEMPLATE):
    prefix = "wu"

    @classmethod
    def bound(cls, wrapup: WrapUpService, catalog: Catalog) -> type[WrapUpButton]:
        return bind(cls, WRAP_TEMPLATE, wrapup=wrapup, catalog=catalog)

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        if self.action == "no":
            await interaction.response.edit_message(
                content=self.t(interaction, "cancelled"), view=None
            )
            return
        await interaction.response.edit_message(content=self.t(interaction, "working"), view=None)
        result = await self.wrapup.wrap_up(interaction.guild_id, interaction.user.id)
        size = sum(len(v) for v in result.volumes)
        key = "done" if len(result.volumes) == 1 else "done_split"
        text = self.t(
            interaction,
            key,
            locked=result.locked,
            events=result.events,
            jobs=result.jobs,
            files=len(result.files),
            kib=max(1, round(size / 1024)),
            volumes=len(result.volumes),
        )
        stamp = interaction.created_at.strftime("%Y%m%d")
        await interaction.followup.send(
            text, files=archive_files(result.volumes, stamp), ephemeral=True
        )


class TeardownButton(_Confirm, template=TEARDOWN_TEMPLATE):
    prefix = "td"

    @classmethod
    def bound(cls, wrapup: WrapUpService, catalog: Catalog) -> type[TeardownButton]:
        return bind(cls, TEARDOWN_TEMPLATE, wrapup=wrapup, catalog=catalog)

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        if self.action == "no":
            await interaction.response.edit_message(
                content=self.t(interaction, "cancelled"), view=None
            )
            return
        if self.action == "1":  # the second confirmation
            count = await self.wrapup.check_teardown(interaction.guild_id)
            view = discord.ui.View(timeout=None)
            view.add_item(
                type(self)(
                    "2", self.user_id, label=self.t(interaction, "teardown_final"), danger=True
                )
            )
            view.add_item(type(self)("no", self.user_id, label=self.t(interaction, "keep")))
            await interaction.response.edit_message(
                content=self.t(interaction, "teardown_really", count=count), view=view
            )
            return
        count = await self.wrapup.teardown(interaction.guild_id, interaction.user.id)
        await interaction.response.edit_message(
            content=self.t(interaction, "teardown_started", count=count), view=None
        )
