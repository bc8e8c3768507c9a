"""The button that adds or edits a board's abstract, under the claim's answer and the board's
post; it survives restarts (everything it needs is in its custom_id). Only the board's presenter
or an organizer gets the form; what they submit is saved and shown in the post with one edit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.core.checks import member_is_organizer
from bot.core.tree import answer_error
from bot.features.posters.domain.boards import ABSTRACT_MAX, PosterBoard
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


def abstract_label(catalog: Catalog, board: PosterBoard, locale: str | None) -> str:
    key = "posters.abstract_edit" if board.abstract else "posters.abstract_add"
    return catalog.t(key, locale)[:80]


class AbstractButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"pab:(?P<session>\d+):(?P<board>\d+)",
):
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
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> AbstractButton:
        return cls(int(match["session"]), int(match["board"]))

    async def callback(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        bot = interaction.client
        try:
            assert interaction.guild_id is not None
            session = await bot.services.sessions.get(interaction.guild_id, self.session_id)
            board = await bot.services.posters.posts.editable_board(
                session,
                self.number,
                interaction.user.id,
                organizer=member_is_organizer(interaction),
            )
            await interaction.response.send_modal(
                AbstractModal(bot, str(interaction.locale), board)
            )
        except Exception as exc:
            await answer_error(interaction, exc)


class AbstractModal(discord.ui.Modal):
    """The abstract of one board, filled in with the current one."""

    def __init__(self, bot: WorkshopBot, locale: str, board: PosterBoard) -> None:
        t = bot.catalog.t
        super().__init__(
            title=t("posters.abstract_modal_title", locale, board=board.number)[:45],
            # One form per board at a time in discord.py's store, whoever opened it.
            custom_id=f"pabm:{board.session_id}:{board.number}",
        )
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
        bot = interaction.client
        assert interaction.guild_id is not None
        locale = str(interaction.locale)
        await interaction.response.defer(ephemeral=True, thinking=True)
        session = await bot.services.sessions.get(interaction.guild_id, self.session_id)
        board, post_id = await bot.services.posters.posts.set_abstract(
            interaction.guild_id,
            interaction.user.id,
            session,
            self.number,
            self.abstract.value,
            organizer=member_is_organizer(interaction),
        )
        key = "posters.abstract_saved" if post_id else "posters.abstract_saved_later"
        text = bot.catalog.t(
            key, locale, board=board.number, post=f"<#{post_id}>" if post_id else "—"
        )
        await interaction.followup.send(text, ephemeral=True)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[WorkshopBot], error: Exception
    ) -> None:
        await answer_error(interaction, error)
