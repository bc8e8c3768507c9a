"""Registration's persistent buttons and its form: Register (→ the form), the onboarding buttons
of #welcome, and the import preview's Confirm / Discard. Each survives a restart (its state is
in its custom_id); what it needs is bound to the class wire.py registers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar, Protocol

import discord

from bot.core.checks import member_is_organizer
from bot.core.tree import answer_error
from bot.core.ui import FileDecisionButton, WorkshopButton, bind, locale_of
from bot.features.registration.keys import ONBOARD_TEMPLATE, REGISTER_ID
from bot.features.registration.render import RegistrationRender
from bot.features.registration.service import RegistrationService

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

IMPORT_TEMPLATE = r"regimp:(?P<action>ok|no):(?P<id>\d+)"  # released: never change
REGISTER_TEMPLATE = re.escape(REGISTER_ID)
FIELD_MAX = 100


class Onboarding(Protocol):
    """The answers of the onboarding buttons (bot/features/registration/onboarding.py)."""

    async def answer(
        self, topic: str, guild_id: int, user_id: int, locale: str
    ) -> tuple[str | None, discord.Embed | None]: ...


class RegisterButton(WorkshopButton, template=REGISTER_TEMPLATE):
    service: ClassVar[RegistrationService]
    render: ClassVar[RegistrationRender]

    @classmethod
    def bound(
        cls, service: RegistrationService, render: RegistrationRender
    ) -> type[RegisterButton]:
        return bind(cls, REGISTER_TEMPLATE, service=service, render=render)

    def __init__(self, *, label: str = "Register / 参加登録") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.success, custom_id=REGISTER_ID, emoji="🎫"
            )
        )

    @classmethod
    def decode(cls, match: re.Match[str]) -> RegisterButton:
        return cls()

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        await interaction.response.send_modal(
            RegisterModal(self.service, self.render, locale_of(interaction))
        )


class RegisterModal(discord.ui.Modal):
    def __init__(
        self, service: RegistrationService, render: RegistrationRender, locale: str
    ) -> None:
        t = render.t
        super().__init__(title=t("form_title", locale)[:45], custom_id="reg:form")
        self._service, self._render = service, render
        self.receipt: discord.ui.TextInput[RegisterModal] = discord.ui.TextInput(
            custom_id="receipt", label=t("form_receipt", locale)[:45], max_length=64
        )
        self.name: discord.ui.TextInput[RegisterModal] = discord.ui.TextInput(
            custom_id="name", label=t("form_name", locale)[:45], max_length=FIELD_MAX
        )
        self.add_item(self.receipt)
        self.add_item(self.name)

    async def on_submit(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        member = interaction.user
        has = frozenset(r.id for r in getattr(member, "roles", ()))
        done = await self._service.register(
            interaction.guild_id,
            member.id,
            self.receipt.value,
            self.name.value,
            has_roles=has,
            nick=getattr(member, "nick", None),
            organizer=member_is_organizer(interaction),
        )
        await interaction.followup.send(
            self._render.registered(done, locale_of(interaction)), ephemeral=True
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[WorkshopBot], error: Exception
    ) -> None:
        await answer_error(interaction, error)


class OnboardButton(WorkshopButton, template=ONBOARD_TEMPLATE):
    onboarding: ClassVar[Onboarding]

    @classmethod
    def bound(cls, onboarding: Onboarding) -> type[OnboardButton]:
        return bind(cls, ONBOARD_TEMPLATE, onboarding=onboarding)

    EMOJI: ClassVar[dict[str, str]] = {"now": "📅", "rooms": "🔊", "agenda": "⭐"}

    def __init__(self, topic: str, *, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=self.EMOJI[topic],
                style=discord.ButtonStyle.secondary,
                custom_id=f"onb:{topic}",
            )
        )
        self.topic = topic

    @classmethod
    def decode(cls, match: re.Match[str]) -> OnboardButton:
        return cls(match["topic"])

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        content, embed = await self.onboarding.answer(
            self.topic, interaction.guild_id, interaction.user.id, locale_of(interaction)
        )
        if embed is not None:
            await interaction.response.send_message(content=content, embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(content=content or "…", ephemeral=True)


class ImportButton(FileDecisionButton, template=IMPORT_TEMPLATE):
    PREFIX = "regimp"  # released: never change

    service: ClassVar[RegistrationService]
    render: ClassVar[RegistrationRender]

    on_applied: ClassVar[Callable[[int], Awaitable[None]]]

    @classmethod
    def bound(
        cls,
        service: RegistrationService,
        render: RegistrationRender,
        *,
        on_applied: Callable[[int], Awaitable[None]],
    ) -> type[ImportButton]:
        return bind(cls, IMPORT_TEMPLATE, service=service, render=render, on_applied=on_applied)

    @classmethod
    def preview_buttons(cls, import_id: int, locale: str) -> discord.ui.View:
        t = cls.render.t
        view = discord.ui.View(timeout=None)
        view.add_item(cls("ok", import_id, label=t("confirm", locale)))
        view.add_item(cls("no", import_id, label=t("discard", locale)))
        return view

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        locale = locale_of(interaction)
        assert interaction.guild_id is not None
        if self.action == "no":
            await self.service.discard(interaction.guild_id, self.import_id)
            await interaction.response.edit_message(
                content=self.render.t("discarded", locale), embed=None, view=None
            )
            return
        await interaction.response.defer()
        done = await self.service.apply(interaction.guild_id, self.import_id)
        await type(self).on_applied(interaction.guild_id)  # the retention purge is planned
        await interaction.edit_original_response(
            content=None, embed=self.render.preview(done, locale), view=None
        )
