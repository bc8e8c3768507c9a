"""`/poster list` as paged embeds whose ◀ ▶ survive restarts (the claim's abstract button is in
abstract.py).

discord.py builds a persistent button from its custom_id alone, so what it needs is bound to
the class wire.py registers: `PosterPages` binds its page button.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

import discord

from bot.core.ui import PageButton, bind, locale_of, page_buttons
from bot.features.posters.render import PosterRender
from bot.features.posters.service import PosterService

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

PAGE_TEMPLATE = r"pst:(?P<session>\d+):(?P<page>-?\d+):(?P<dir>[pn])"  # released: never change


class PosterPages:
    """The boards of a poster session as paged embeds: `/poster list` and its ◀ ▶."""

    def __init__(self, posters: PosterService, render: PosterRender) -> None:
        self._posters = posters
        self._render = render
        self.button = PosterPageButton.bound(self)

    async def message(
        self, guild_id: int, session_id: int, page: int, locale: str
    ) -> tuple[discord.Embed, discord.ui.View]:
        session = await self._posters.session(guild_id, session_id)
        views = await self._posters.views(guild_id, session)
        embed, shown, pages = self._render.list_page(session, views, page, locale)
        button = self.button

        def make(page: int, direction: str, disabled: bool) -> PosterPageButton:
            return button(session_id, page, direction, disabled=disabled)

        return embed, page_buttons(discord.ui.View(timeout=None), make, shown, pages)


class PosterPageButton(PageButton, template=PAGE_TEMPLATE):
    pages: ClassVar[PosterPages]

    @classmethod
    def bound(cls, pages: PosterPages) -> type[PosterPageButton]:
        """The page button class of one bot, knowing its boards."""
        return bind(cls, PAGE_TEMPLATE, pages=pages)

    def __init__(self, session_id: int, page: int, direction: str, *, disabled: bool = False):
        super().__init__(f"pst:{session_id}:{page}:{direction}", page, direction, disabled=disabled)
        self.session_id = session_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> PosterPageButton:
        return cls(int(match["session"]), int(match["page"]), match["dir"])

    async def page_message(
        self, interaction: discord.Interaction[WorkshopBot]
    ) -> tuple[discord.Embed, discord.ui.View]:
        assert interaction.guild_id is not None
        return await self.pages.message(
            interaction.guild_id, self.session_id, self.page, locale_of(interaction)
        )
