"""Poster views: the paged board list (buttons survive restarts) and the claim modal for a long
abstract."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.cogs.checks import member_is_organizer
from bot.domain.board import escape, shorten
from bot.domain.posters import ABSTRACT_MAX, TITLE_MAX, compact_ranges
from bot.domain.sessions.model import Session
from bot.services.posters import BoardView
from bot.tree import answer_error

if TYPE_CHECKING:
    from bot.app import WorkshopBot

PAGE_SIZE = 20
LIST_COLOR = discord.Colour(0x8B5CF6)


async def poster_list_message(
    bot: WorkshopBot, guild_id: int, session_id: int, page: int, locale: str
) -> tuple[discord.Embed, discord.ui.View]:
    t = bot.catalog.t
    session = await bot.services.sessions.get(guild_id, session_id)
    views = await bot.services.posters.views(guild_id, session)
    claimed = [v for v in views if v.board.claimed]
    free = [v.board.number for v in views if not v.board.claimed]
    pages = max(1, -(-len(claimed) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    lines = [_line(v, t("posters.here", locale)) for v in claimed[page * PAGE_SIZE :][:PAGE_SIZE]]
    if not claimed:
        lines.append(t("posters.none_claimed_yet", locale))
    lines.append("")
    lines.append(
        t("posters.free_boards", locale, boards=compact_ranges(free))
        if free
        else t("posters.all_claimed", locale)
    )
    embed = discord.Embed(
        title=t(
            "posters.list_title",
            locale,
            title=shorten(session.title, 150),
            claimed=len(claimed),
            total=len(views),
        ),
        description="\n".join(lines)[:4096],
        colour=LIST_COLOR,
    )
    view = discord.ui.View(timeout=None)
    if pages > 1:
        embed.set_footer(text=t("posters.page", locale, page=page + 1, pages=pages))
        view.add_item(PosterPageButton(session_id, page - 1, "p", disabled=page == 0))
        view.add_item(PosterPageButton(session_id, page + 1, "n", disabled=page >= pages - 1))
    return embed, view


async def claim_and_reply(
    interaction: discord.Interaction[WorkshopBot],
    session: Session,
    title: str,
    *,
    number: int | None,
    abstract: str | None,
    presenter_id: int | None,
) -> None:
    """Shared by `/poster claim` and its modal: defer, claim, answer with the board's post."""
    bot = interaction.client
    assert interaction.guild_id is not None
    locale = str(interaction.locale)
    await interaction.response.defer(ephemeral=True, thinking=True)
    result = await bot.services.posters.claim(
        interaction.guild_id,
        interaction.user.id,
        session,
        title,
        number=number,
        abstract=abstract,
        presenter_id=presenter_id,
        organizer=member_is_organizer(interaction),
    )
    t = bot.catalog.t
    lines = [
        t(
            "posters.claimed",
            locale,
            board=result.board.number,
            title=session.title,
            post=f"<#{result.post_id}>" if result.post_id else "—",
        )
    ]
    lines += [t(key, locale, **params) for key, params in result.warnings]
    await interaction.followup.send("\n".join(lines), ephemeral=True)


def _line(view: BoardView, here: str) -> str:
    board = view.board
    title = escape(shorten(board.title or "", 80))
    line = f"`#{board.number}` **{title}** · <@{board.presenter_id}>"
    if view.post_id is not None:
        line += f" · <#{view.post_id}>"
    if board.file_name:
        line += " 📎"
    if view.presenter_here:
        line += f" · 🟢 {here}"
    return line


class PosterPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"pst:(?P<session>\d+):(?P<page>-?\d+):(?P<dir>[pn])",
):
    def __init__(self, session_id: int, page: int, direction: str, *, disabled: bool = False):
        super().__init__(
            discord.ui.Button(
                label="◀" if direction == "p" else "▶",
                style=discord.ButtonStyle.secondary,
                custom_id=f"pst:{session_id}:{page}:{direction}",
                disabled=disabled,
            )
        )
        self.session_id, self.page = session_id, page

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> PosterPageButton:
        return cls(int(match["session"]), int(match["page"]), match["dir"])

    async def callback(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        try:
            assert interaction.guild_id is not None
            embed, view = await poster_list_message(
                interaction.client,
                interaction.guild_id,
                self.session_id,
                self.page,
                str(interaction.locale),
            )
            await interaction.response.edit_message(embed=embed, view=view)
        except Exception as exc:
            await answer_error(interaction, exc)


class ClaimModal(discord.ui.Modal):
    """`/poster claim` without an abstract: the title and a long abstract in one form."""

    def __init__(
        self,
        bot: WorkshopBot,
        locale: str,
        *,
        session_id: int,
        number: int | None,
        presenter_id: int | None,
        title: str,
    ) -> None:
        t = bot.catalog.t
        super().__init__(title=t("posters.modal_title", locale)[:45])
        self.session_id, self.number, self.presenter_id = session_id, number, presenter_id
        self.poster_title: discord.ui.TextInput[ClaimModal] = discord.ui.TextInput(
            custom_id="title",
            label=t("posters.modal_poster_title", locale)[:45],
            default=title[:TITLE_MAX],
            max_length=TITLE_MAX,
        )
        self.abstract: discord.ui.TextInput[ClaimModal] = discord.ui.TextInput(
            custom_id="abstract",
            label=t("posters.modal_abstract", locale)[:45],
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=ABSTRACT_MAX,
        )
        self.add_item(self.poster_title)
        self.add_item(self.abstract)

    async def on_submit(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        assert interaction.guild_id is not None
        session = await interaction.client.services.sessions.get(
            interaction.guild_id, self.session_id
        )
        await claim_and_reply(
            interaction,
            session,
            self.poster_title.value,
            number=self.number,
            abstract=self.abstract.value or None,
            presenter_id=self.presenter_id,
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[WorkshopBot], error: Exception
    ) -> None:
        await answer_error(interaction, error)
