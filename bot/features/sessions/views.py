"""Buttons that survive a restart (their state is in the custom_id): programme pages and the
import preview's Confirm / Discard."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

import discord

from bot.cogs.checks import member_is_organizer
from bot.core.tree import NotOrganizerCheck, answer_error
from bot.core.ui import PageButton, locale_of, page_buttons
from bot.features.sessions.render import Places

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

LIST, SHOW = "list", "show"  # /session list (everything), /schedule show (what is still ahead)


async def programme_message(
    bot: WorkshopBot, guild_id: int, scope: str, day: date | None, page: int, locale: str
) -> tuple[discord.Embed, discord.ui.View]:
    services = bot.services
    sessions = await services.sessions.programme(guild_id, day, include_cancelled=scope == LIST)
    if scope == SHOW:
        now = bot.clock.now()
        sessions = [s for s in sessions if s.end > now]
    channels, events = await services.sessions.places.discord_ids(guild_id)
    places = Places(guild_id=guild_id, channels=channels, events=events)
    t = bot.catalog.t
    title_key = "sessions.list_title" if scope == LIST else "sessions.schedule_title"
    title = t(title_key, locale)
    if day is not None:
        title = t("sessions.title_for_day", locale, title=title, day=day.isoformat())
    embed, shown, pages = bot.services.session_renderer.page(
        sessions, page, places, locale, title=title, empty=t(f"sessions.empty_{scope}", locale)
    )
    day_key = day.isoformat() if day else "all"

    def button(page: int, direction: str, disabled: bool) -> ProgrammePageButton:
        return ProgrammePageButton(scope, day_key, page, direction, disabled=disabled)

    return embed, page_buttons(discord.ui.View(timeout=None), button, shown, pages)


class ProgrammePageButton(
    PageButton,
    template=r"prog:(?P<scope>list|show):(?P<day>\d{4}-\d{2}-\d{2}|all):(?P<page>-?\d+):(?P<dir>[pn])",
):
    def __init__(self, scope: str, day: str, page: int, direction: str, *, disabled: bool = False):
        super().__init__(
            f"prog:{scope}:{day}:{page}:{direction}", page, direction, disabled=disabled
        )
        self.scope, self.day = scope, day

    @classmethod
    def decode(cls, match: re.Match[str]) -> ProgrammePageButton:
        return cls(match["scope"], match["day"], int(match["page"]), match["dir"])

    async def page_message(
        self, interaction: discord.Interaction[WorkshopBot]
    ) -> tuple[discord.Embed, discord.ui.View]:
        assert interaction.guild_id is not None
        day = None if self.day == "all" else date.fromisoformat(self.day)
        return await programme_message(
            interaction.client,
            interaction.guild_id,
            self.scope,
            day,
            self.page,
            locale_of(interaction),
        )


class ImportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"imp:(?P<action>ok|no):(?P<id>\d+)",
):
    def __init__(self, action: str, import_id: int, *, label: str = "", disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=discord.ButtonStyle.success
                if action == "ok"
                else discord.ButtonStyle.secondary,
                custom_id=f"imp:{action}:{import_id}",
                disabled=disabled,
            )
        )
        self.action, self.import_id = action, import_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> ImportButton:
        return cls(match["action"], int(match["id"]))

    async def interaction_check(self, interaction: discord.Interaction[WorkshopBot]) -> bool:  # type: ignore[override]
        if member_is_organizer(interaction):
            return True
        await answer_error(interaction, NotOrganizerCheck())
        return False

    async def callback(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        locale = str(interaction.locale)
        try:
            assert interaction.guild_id is not None
            if self.action == "no":
                await bot.services.imports.discard(interaction.guild_id, self.import_id)
                await interaction.response.edit_message(
                    content=bot.catalog.t("import.discarded", locale), embed=None, view=None
                )
                return
            await interaction.response.defer()
            plan = await bot.services.imports.apply(
                interaction.guild_id, interaction.user.id, self.import_id
            )
            embed = bot.services.session_renderer.import_preview(plan, locale, applied=True)
            await interaction.edit_original_response(content=None, embed=embed, view=None)
        except Exception as exc:
            await answer_error(interaction, exc)


def import_buttons(
    bot: WorkshopBot, import_id: int, locale: str, *, can_apply: bool
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    t = bot.catalog.t
    view.add_item(
        ImportButton("ok", import_id, label=t("import.confirm", locale), disabled=not can_apply)
    )
    view.add_item(ImportButton("no", import_id, label=t("import.discard", locale)))
    return view
