"""The posters' embeds and texts: a board's post (its first message, with the button that adds
or edits the abstract), a page of `/poster list`, and the answer to a claim. No I/O here.

`locale` None means the workshop's own language (what the bot posts in channels); answers to a
person use the language of their Discord client.
"""

from __future__ import annotations

import discord

from bot.domain.text_safety import body, one_line, shown_params
from bot.features.posters.abstract import AbstractButton
from bot.features.posters.claims import ClaimResult
from bot.features.posters.domain.boards import PosterBoard, compact_ranges
from bot.features.posters.service import BoardView
from bot.features.rooms.domain.board import as_typed
from bot.features.sessions.domain.model import Session
from bot.i18n import Catalog

TITLE_MAX = 240  # an embed title holds 256, with the board's number in front
DESCRIPTION_MAX = 4096
COLOUR = discord.Colour(0x8B5CF6)
PAGE_SIZE = 20  # claimed boards on one page of `/poster list`


class PosterRender:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def t(self, key: str, locale: str | None = None, /, **params: object) -> str:
        return self.catalog.t(key, locale, **params)

    # -- a board's post ------------------------------------------------------------------------

    def post(self, board: PosterBoard, locale: str | None = None) -> discord.Embed:
        """The first message of a board's forum post: title, presenter, abstract. The title is
        shown on one line as typed; the abstract keeps its lines and emphasis, but no heading or
        masked link (bot/domain/text_safety.py)."""
        title = f"#{board.number} {one_line(board.title or '', TITLE_MAX)}".strip()
        abstract = body(board.abstract, DESCRIPTION_MAX) if board.abstract else ""
        embed = discord.Embed(
            title=title,
            description=abstract or self.t("posters.no_abstract", locale),
            colour=COLOUR,
        )
        if board.presenter_id is not None:
            embed.add_field(
                name=self.t("posters.presenter", locale), value=f"<@{board.presenter_id}>"
            )
        embed.add_field(name=self.t("posters.board", locale), value=str(board.number))
        return embed

    def abstract_label(self, board: PosterBoard, locale: str | None) -> str:
        key = "posters.abstract_edit" if board.abstract else "posters.abstract_add"
        return self.t(key, locale)[:80]

    def abstract_view(
        self, board: PosterBoard, locale: str | None, button: type[AbstractButton]
    ) -> discord.ui.View:
        """The button that adds or edits the abstract (`button`: the class wire.py bound)."""
        view = discord.ui.View(timeout=None)
        view.add_item(
            button(board.session_id, board.number, label=self.abstract_label(board, locale))
        )
        return view

    def post_message(
        self, board: PosterBoard, button: type[AbstractButton]
    ) -> tuple[discord.Embed, discord.ui.View]:
        """A post's first message, with the button that adds or edits the abstract."""
        return self.post(board), self.abstract_view(board, None, button)

    # -- `/poster list` ------------------------------------------------------------------------

    def list_page(
        self, session: Session, views: list[BoardView], page: int, locale: str
    ) -> tuple[discord.Embed, int, int]:
        """One page of the boards (claimed ones, then the free numbers): (embed, the page
        shown, pages)."""
        t = self.t
        claimed = [v for v in views if v.board.claimed]
        free = [v.board.number for v in views if not v.board.claimed]
        pages = max(1, -(-len(claimed) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        here = t("posters.here", locale)
        lines = [_line(v, here) for v in claimed[page * PAGE_SIZE :][:PAGE_SIZE]]
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
            colour=COLOUR,
        )
        if pages > 1:
            embed.set_footer(text=t("posters.page", locale, page=page + 1, pages=pages))
        return embed, page, pages

    # -- answers -------------------------------------------------------------------------------

    def claimed(self, result: ClaimResult, session: Session, locale: str) -> str:
        """The answer to `/poster claim`: the board, its post, a hint, the warnings."""
        lines = [
            self.t(
                "posters.claimed",
                locale,
                board=result.board.number,
                title=one_line(session.title),
                post=f"<#{result.post_id}>" if result.post_id else "—",
            )
        ]
        if not result.board.abstract:
            lines.append(self.t("posters.abstract_hint", locale))
        lines += [self.t(key, locale, **shown_params(params)) for key, params in result.warnings]
        return "\n".join(lines)


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
