"""The button that adds or edits a board's abstract, under the claim's answer and the board's
post; it survives restarts (everything it needs is in its custom_id). Only the board's presenter
or an organizer gets the form; what they submit is saved and shown in the post with one edit.

discord.py builds a persistent button from its custom_id alone, so what it needs (the posters
service, the texts) is bound to the class wire.py registers: `AbstractButton.bound(...)`. Views
must be built with that bound class (discord.py registers the class of every item it sends).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

import discord

from bot.core.checks import member_is_organizer
from bot.core.tree import answer_error
from bot.core.ui import WorkshopButton, bind, locale_of
from bot.features.posters.domain.boards import ABSTRACT_MAX, PosterBoard
from bot.features.posters.service import PosterService
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

TEMPLATE = r"pab:(?P<session>\d+):(?P<board>\d+)"  # released: never change


class AbstractButton(WorkshopButton, template=TEMPLATE):
    posters: ClassVar[PosterService]
    catalog: ClassVar[Catalog]

    @classmethod
    def bound(cls, posters: PosterService, catalog: Catalog) -> type[AbstractButton]:
        """The abstract button class of one bot, knowing its posters service and texts."""
        return bind(cls, TEMPLATE, posters=posters, catalog=catalog)

    def __init__(self, session_id: int, number: int, *, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji="✏️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"pab:{session_id}:{number}",
            )
        )
        self.session_id, self.number = session_id, number

    @classmethod
    def decode(cls, match: re.Match[str]) -> AbstractButton:
        return cls(int(match["session"]), int(match["board"]))

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        session = await self.posters.session(interaction.guild_id, self.session_id)
        board = await self.posters.posts.editable_board(
            session,
            self.number,
            interaction.user.id,
            organizer=member_is_organizer(interaction),
        )
        await interaction.response.send_modal(
            AbstractModal(self.posters, self.catalog, locale_of(interaction), board)
        )


class AbstractModal(discord.ui.Modal):
    """The abstract of one board, filled in with the current one."""

    def __init__(
        self, posters: PosterService, catalog: Catalog, locale: str, board: PosterBoard
    ) -> None:
        t = catalog.t
        super().__init__(
            title=t("posters.abstract_modal_title", locale, board=board.number)[:45],
            # One form per board at a time in discord.py's store, whoever opened it.
            custom_id=f"pabm:{board.session_id}:{board.number}",
        )
        self._posters, self._catalog = posters, catalog
        self.session_id, self.number = board.session_id, board.number
        self.abstract: discord.ui.TextInput[AbstractModal] = discord.ui.TextInput(
            custom_id="abstract",
            label=t("posters.modal_abstract", locale)[:45],
            style=discord.TextStyle.paragraph,
            default=(board.abstract or "")[:ABSTRACT_MAX] or None,
            required=False,
            max_length=ABSTRACT_MAX,
        )
        self.add_item(self.abstract)

    async def on_submit(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        session = await self._posters.session(interaction.guild_id, self.session_id)
        board, post_id = await self._posters.posts.set_abstract(
            interaction.guild_id,
            interaction.user.id,
            session,
            self.number,
            self.abstract.value,
            organizer=member_is_organizer(interaction),
        )
        key = "posters.abstract_saved" if post_id else "posters.abstract_saved_later"
        text = self._catalog.t(
            key,
            locale_of(interaction),
            board=board.number,
            post=f"<#{post_id}>" if post_id else "—",
        )
        await interaction.followup.send(text, ephemeral=True)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[WorkshopBot], error: Exception
    ) -> None:
        await answer_error(interaction, error)
