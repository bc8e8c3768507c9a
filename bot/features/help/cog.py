"""`/help`: what an attendee, a presenter and (for organizers) an organizer can do, every command a
mention the reader's client shows in its own language. The attendee and presenter parts are also
the guide pinned in #help (bot/features/help/guide.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import member_is_organizer
from bot.core.ui import locale_of
from bot.domain.structure import Purpose
from bot.features.structure.service import StructureService
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

COLOUR = discord.Colour(0x10B981)


def guide_text(
    catalog: Catalog,
    locale: str | None,
    *,
    lobby_id: int | None,
    workshop_locale: str,
    organizer: bool = False,
    registration: bool = False,
) -> tuple[str, str]:
    """The guide's title and text in `locale`; the organizers' part only when `organizer`."""

    def t(key: str, **params: object) -> str:
        return catalog.t(key, locale, **params)

    lobby = f"<#{lobby_id}>" if lobby_id else f"#{catalog.t('structure.lobby', workshop_locale)}"
    parts = ["everyone", "presenter", *(["organizer"] if organizer else [])]
    sections = [
        f"**{t(f'help.{part}_heading')}**\n{t(f'help.{part}', lobby=lobby)}" for part in parts
    ]
    if registration:  # the Register button, and the organizers' /registration commands
        sections.insert(1, f"**{t('registration.help_heading')}**\n{t('registration.help')}")
        if organizer:
            sections[-1] += "\n" + t("registration.help_organizer")
    return t("help.title"), "\n\n".join(sections)


class HelpCog(commands.Cog):
    def __init__(
        self,
        structure: StructureService,
        catalog: Catalog,
        workshop_locale: str,
        *,
        registration: bool = False,
    ) -> None:
        self._registration = registration
        self._structure = structure
        self._catalog = catalog
        self._workshop_locale = workshop_locale

    @app_commands.command(
        name="help", description="What you can do here, as an attendee, a presenter or an organizer"
    )
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        lobby = next(
            (
                item.discord_id
                for item in await self._structure.items(interaction.guild_id)
                if item.purpose == Purpose.LOBBY
            ),
            None,
        )
        title, text = guide_text(
            self._catalog,
            locale_of(interaction),
            lobby_id=lobby,
            workshop_locale=self._workshop_locale,
            organizer=member_is_organizer(interaction),
            registration=self._registration,
        )
        embed = discord.Embed(title=title, description=text, colour=COLOUR)
        await interaction.response.send_message(embed=embed, ephemeral=True)
