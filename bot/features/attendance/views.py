"""The confirm / cancel buttons of `/attendance forget-me`. The state is in the custom_id, so a
prompt still works after a restart; only the person who asked may press it.

discord.py builds a persistent button from its custom_id alone, so what it needs (the service,
the texts) is bound to the class wire.py registers: `ForgetButton.bound(attendance, render)`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from bot.core.privacy import PersonalDataRegistry
from bot.core.tree import answer_error
from bot.core.ui import WorkshopButton, bind, locale_of
from bot.domain.errors import DomainError
from bot.features.attendance.render import AttendanceRender

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

TEMPLATE = r"att:forget:(?P<action>yes|no):(?P<user>\d+)"  # released: never change


class NotYourButton(DomainError):
    key = "errors.attendance_not_yours"


class ForgetButton(WorkshopButton, template=TEMPLATE):
    privacy: ClassVar[PersonalDataRegistry]
    render: ClassVar[AttendanceRender]

    @classmethod
    def bound(cls, privacy: PersonalDataRegistry, render: AttendanceRender) -> type[ForgetButton]:
        """The button class of one bot, knowing what it keeps about people and the texts."""

        return bind(cls, TEMPLATE, privacy=privacy, render=render)

    def __init__(self, action: str, user_id: int, *, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=discord.ButtonStyle.danger
                if action == "yes"
                else discord.ButtonStyle.secondary,
                custom_id=f"att:forget:{action}:{user_id}",
            )
        )
        self.action, self.user_id = action, user_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> ForgetButton:
        return cls(match["action"], int(match["user"]))

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.user.id == self.user_id:
            return True
        await answer_error(interaction, NotYourButton())
        return False

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        locale = locale_of(interaction)
        if self.action == "no":
            text = self.render.t("forget_cancelled", locale)
        else:
            gone = await self.privacy.forget(interaction.guild_id, self.user_id)
            if gone:
                text = self.render.t("forgotten", locale, kinds=self.render.kinds(gone, locale))
            else:  # deleted meanwhile (another prompt's button)
                text = self.render.t("forget_none", locale)
        await interaction.response.edit_message(content=text, view=None)
