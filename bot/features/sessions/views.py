"""Buttons that survive a restart (their state is in the custom_id): programme pages and the
import preview's Confirm / Discard.

discord.py builds a persistent button from its custom_id alone, so what it needs is bound to the
class wire.py registers: `ProgrammePages` binds its page button, `ImportButton.bound(...)` the
import service and texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar, TypeVar

import discord

from bot.core.ui import (
    FileDecisionButton,
    PageButton,
    WorkshopButton,
    bind,
    locale_of,
    page_buttons,
)
from bot.features.sessions.hooks import ReaderAgenda
from bot.features.sessions.render import Places, SessionRenderer

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot
    from bot.domain.clock import Clock
    from bot.features.sessions.imports import ImportService
    from bot.features.sessions.service import SessionService
    from bot.i18n import Catalog

LIST, SHOW = "list", "show"  # /session list (everything), /schedule show (what is still ahead)
# Released: never change (posted messages still hold these ids).
PAGE_TEMPLATE = (
    r"prog:(?P<scope>list|show):(?P<day>\d{4}-\d{2}-\d{2}|all):(?P<page>-?\d+):(?P<dir>[pn])"
)
IMPORT_TEMPLATE = r"imp:(?P<action>ok|no):(?P<id>\d+)"


B = TypeVar("B", bound=WorkshopButton)


class ProgrammePages:
    """The programme as paged embeds: `/session list`, `/schedule show` and their ◀ ▶."""

    def __init__(
        self,
        sessions: SessionService,
        render: SessionRenderer,
        catalog: Catalog,
        clock: Clock,
        reader: Callable[[], ReaderAgenda | None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._render = render
        self._catalog = catalog
        self._clock = clock
        self._reader = reader  # the reader's agenda, when a feature offers one
        self.button = ProgrammePageButton.bound(self)

    async def marked(self, guild_id: int, user_id: int | None) -> frozenset[int]:
        """The sessions on the reader's agenda (★), when there is an agenda."""
        reader = self._reader()
        if reader is None or user_id is None:
            return frozenset()
        return await reader.marked(guild_id, user_id)

    def info_view(self, session_id: int, locale: str) -> discord.ui.View | None:
        reader = self._reader()
        return None if reader is None else reader.info_view(session_id, locale)

    async def places(self, guild_id: int) -> Places:
        channels, events = await self._sessions.places.discord_ids(guild_id)
        return Places(guild_id=guild_id, channels=channels, events=events)

    async def message(
        self,
        guild_id: int,
        scope: str,
        day: date | None,
        page: int,
        locale: str,
        user_id: int | None = None,
    ) -> tuple[discord.Embed, discord.ui.View]:
        sessions = await self._sessions.programme(guild_id, day, include_cancelled=scope == LIST)
        if scope == SHOW:
            now = self._clock.now()
            sessions = [s for s in sessions if s.end > now]
        places = await self.places(guild_id)
        t = self._catalog.t
        title_key = "sessions.list_title" if scope == LIST else "sessions.schedule_title"
        title = t(title_key, locale)
        if day is not None:
            title = t("sessions.title_for_day", locale, title=title, day=day.isoformat())
        embed, shown, pages = self._render.page(
            sessions,
            page,
            places,
            locale,
            title=title,
            empty=t(f"sessions.empty_{scope}", locale),
            marked=await self.marked(guild_id, user_id),
        )
        day_key = day.isoformat() if day else "all"
        button = self.button

        def make(page: int, direction: str, disabled: bool) -> ProgrammePageButton:
            return button(scope, day_key, page, direction, disabled=disabled)

        return embed, page_buttons(discord.ui.View(timeout=None), make, shown, pages)


class ProgrammePageButton(PageButton, template=PAGE_TEMPLATE):
    pages: ClassVar[ProgrammePages]

    @classmethod
    def bound(cls, pages: ProgrammePages) -> type[ProgrammePageButton]:
        """The page button class of one bot, knowing its programme."""
        return bind(cls, PAGE_TEMPLATE, pages=pages)

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
        return await self.pages.message(
            interaction.guild_id,
            self.scope,
            day,
            self.page,
            locale_of(interaction),
            interaction.user.id,
        )


class ImportButton(FileDecisionButton, template=IMPORT_TEMPLATE):
    PREFIX = "imp"  # released: never change

    imports: ClassVar[ImportService]
    render: ClassVar[SessionRenderer]
    catalog: ClassVar[Catalog]

    @classmethod
    def bound(
        cls, imports: ImportService, render: SessionRenderer, catalog: Catalog
    ) -> type[ImportButton]:
        """The Confirm / Discard class of one bot, knowing its import service and texts."""
        return bind(cls, IMPORT_TEMPLATE, imports=imports, render=render, catalog=catalog)

    @classmethod
    def preview_buttons(cls, import_id: int, locale: str, *, can_apply: bool) -> discord.ui.View:
        """The preview's Confirm (only when the file can be applied) and Discard."""
        t = cls.catalog.t
        view = discord.ui.View(timeout=None)
        view.add_item(
            cls("ok", import_id, label=t("import.confirm", locale), disabled=not can_apply)
        )
        view.add_item(cls("no", import_id, label=t("import.discard", locale)))
        return view

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        locale = locale_of(interaction)
        assert interaction.guild_id is not None
        if self.action == "no":
            await self.imports.discard(interaction.guild_id, self.import_id)
            await interaction.response.edit_message(
                content=self.catalog.t("import.discarded", locale), embed=None, view=None
            )
            return
        await interaction.response.defer()
        plan = await self.imports.apply(interaction.guild_id, interaction.user.id, self.import_id)
        embed = self.render.import_preview(plan, locale, applied=True)
        await interaction.edit_original_response(content=None, embed=embed, view=None)
