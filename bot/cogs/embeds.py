"""Embeds built from domain objects, localized through the catalogs. No I/O here."""

from __future__ import annotations

import discord

from bot.domain.text_safety import body, one_line
from bot.features.posters.abstract import AbstractButton, abstract_label
from bot.features.posters.domain.boards import PosterBoard
from bot.i18n import Catalog

FIELD_MAX = 1024
TITLE_MAX = 240  # an embed title holds 256, with the board's number in front
DESCRIPTION_MAX = 4096

GUILD_CHANNEL_LIMIT = 500
COLOR = discord.Colour(0x3B82F6)
POSTER_COLOR = discord.Colour(0x8B5CF6)


def abstract_view(catalog: Catalog, board: PosterBoard, locale: str | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        AbstractButton(board.session_id, board.number, label=abstract_label(catalog, board, locale))
    )
    return view


class Renderer:
    """Turns domain snapshots into embeds. `locale` None means the workshop's own locale."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def t(self, key: str, locale: str | None = None, /, **params: object) -> str:
        return self.catalog.t(key, locale, **params)

    def poster_post(self, board: PosterBoard, locale: str | None = None) -> discord.Embed:
        """The first message of a board's forum post: title, presenter, abstract. The title is
        shown on one line as typed; the abstract keeps its lines and emphasis, but no heading or
        masked link (bot/domain/text_safety.py)."""
        title = f"#{board.number} {one_line(board.title or '', TITLE_MAX)}".strip()
        abstract = body(board.abstract, DESCRIPTION_MAX) if board.abstract else ""
        embed = discord.Embed(
            title=title,
            description=abstract or self.t("posters.no_abstract", locale),
            colour=POSTER_COLOR,
        )
        if board.presenter_id is not None:
            embed.add_field(
                name=self.t("posters.presenter", locale), value=f"<@{board.presenter_id}>"
            )
        embed.add_field(name=self.t("posters.board", locale), value=str(board.number))
        return embed

    def poster_post_message(
        self, board: PosterBoard, locale: str | None = None
    ) -> tuple[discord.Embed, discord.ui.View]:
        """A post's first message, with the button that adds or edits the abstract."""
        return self.poster_post(board, locale), abstract_view(self.catalog, board, locale)
