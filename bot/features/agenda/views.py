"""The agenda's persistent buttons (their state is in the custom_id, so they work after a
restart): ＋ My agenda (on `/session info` and on reminders) and the ◀ ▶ of `/agenda show`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

import discord

from bot.core.ui import PageButton, WorkshopButton, bind, locale_of, page_buttons
from bot.domain.text_safety import one_line
from bot.features.agenda.render import AgendaRender
from bot.features.agenda.service import AgendaService
from bot.features.sessions.service import SessionService

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

# Released: never change (posted messages still hold these ids).
ADD_TEMPLATE = r"agenda:add:(?P<session>\d+)"
PAGE_TEMPLATE = r"agenda:page:(?P<page>-?\d+):(?P<dir>[pn])"


class AgendaPages:
    """`/agenda show` as paged embeds, for the person who reads them."""

    def __init__(
        self, agenda: AgendaService, sessions: SessionService, render: AgendaRender
    ) -> None:
        self._agenda = agenda
        self._sessions = sessions
        self._render = render
        self.button = AgendaPageButton.bound(self)

    async def message(
        self, guild_id: int, user_id: int, page: int, locale: str
    ) -> tuple[discord.Embed, discord.ui.View]:
        items = await self._agenda.agenda(guild_id, user_id)
        channels, _ = await self._sessions.places.discord_ids(guild_id)
        embed, shown, pages = self._render.page(items, page, channels, locale)
        button = self.button

        def make(page: int, direction: str, disabled: bool) -> AgendaPageButton:
            return button(page, direction, disabled=disabled)

        return embed, page_buttons(discord.ui.View(timeout=None), make, shown, pages)


class AgendaPageButton(PageButton, template=PAGE_TEMPLATE):
    pages: ClassVar[AgendaPages]

    @classmethod
    def bound(cls, pages: AgendaPages) -> type[AgendaPageButton]:
        return bind(cls, PAGE_TEMPLATE, pages=pages)

    def __init__(self, page: int, direction: str, *, disabled: bool = False) -> None:
        super().__init__(f"agenda:page:{page}:{direction}", page, direction, disabled=disabled)

    @classmethod
    def decode(cls, match: re.Match[str]) -> AgendaPageButton:
        return cls(int(match["page"]), match["dir"])

    async def page_message(
        self, interaction: discord.Interaction[WorkshopBot]
    ) -> tuple[discord.Embed, discord.ui.View]:
        assert interaction.guild_id is not None
        return await self.pages.message(
            interaction.guild_id, interaction.user.id, self.page, locale_of(interaction)
        )


class AddButton(WorkshopButton, template=ADD_TEMPLATE):
    """＋ My agenda: whoever presses it gets the session on their agenda (an ephemeral answer)."""

    agenda: ClassVar[AgendaService]
    sessions: ClassVar[SessionService]
    render: ClassVar[AgendaRender]

    @classmethod
    def bound(
        cls, agenda: AgendaService, sessions: SessionService, render: AgendaRender
    ) -> type[AddButton]:
        return bind(cls, ADD_TEMPLATE, agenda=agenda, sessions=sessions, render=render)

    def __init__(self, session_id: int, *, label: str = "＋") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.primary,
                custom_id=f"agenda:add:{session_id}",
            )
        )
        self.session_id = session_id

    @classmethod
    def decode(cls, match: re.Match[str]) -> AddButton:
        return cls(int(match["session"]))

    @classmethod
    def make_view(cls, session_id: int, locale: str) -> discord.ui.View:
        view = discord.ui.View(timeout=None)
        view.add_item(cls(session_id, label=cls.render.t("button_add", locale)))
        return view

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        locale = locale_of(interaction)
        session = await self.sessions.get(interaction.guild_id, self.session_id)
        added = await self.agenda.add(interaction.guild_id, interaction.user.id, session)
        key = "added" if added else "already"
        await interaction.response.send_message(
            self.render.t(key, locale, title=one_line(session.title, 100)), ephemeral=True
        )
