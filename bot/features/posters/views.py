"""Poster views: the paged board list (buttons survive restarts) and the claim's answer, with the
button that adds or edits the abstract (abstract.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

from bot.cogs.embeds import abstract_view
from bot.core.checks import member_is_organizer
from bot.core.ui import PageButton, locale_of, page_buttons
from bot.domain.text_safety import one_line, shown_params
from bot.features.posters.domain.boards import compact_ranges
from bot.features.posters.service import BoardView
from bot.features.rooms.domain.board import as_typed
from bot.features.sessions.domain.model import Session

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

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
            title=one_line(session.title, 150),
            claimed=len(claimed),
            total=len(views),
        ),
        description="\n".join(lines)[:4096],
        colour=LIST_COLOR,
    )
    if pages > 1:
        embed.set_footer(text=t("posters.page", locale, page=page + 1, pages=pages))

    def button(shown: int, direction: str, disabled: bool) -> PosterPageButton:
        return PosterPageButton(session_id, shown, direction, disabled=disabled)

    return embed, page_buttons(discord.ui.View(timeout=None), button, page, pages)


async def claim_and_reply(
    interaction: discord.Interaction[WorkshopBot],
    session: Session,
    title: str,
    *,
    number: int | None,
    abstract: str | None,
    presenter_id: int | None,
) -> None:
    """`/poster claim`: defer, claim at once, answer with the board's post and the button that
    adds or edits the abstract (the form)."""
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
            title=one_line(session.title),
            post=f"<#{result.post_id}>" if result.post_id else "—",
        )
    ]
    if not result.board.abstract:
        lines.append(t("posters.abstract_hint", locale))
    lines += [t(key, locale, **shown_params(params)) for key, params in result.warnings]
    await interaction.followup.send(
        "\n".join(lines), view=abstract_view(bot.catalog, result.board, locale), ephemeral=True
    )


def _line(view: BoardView, here: str) -> str:
    board = view.board
    title = as_typed(board.title or "", 80)
    line = f"`#{board.number}` **{title}** · <@{board.presenter_id}>"
    if view.post_id is not None:
        line += f" · <#{view.post_id}>"
    if board.file_name:
        line += " 📎"
    if view.presenter_here:
        line += f" · 🟢 {here}"
    return line


class PosterPageButton(
    PageButton,
    template=r"pst:(?P<session>\d+):(?P<page>-?\d+):(?P<dir>[pn])",
):
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
        return await poster_list_message(
            interaction.client,
            interaction.guild_id,
            self.session_id,
            self.page,
            locale_of(interaction),
        )
