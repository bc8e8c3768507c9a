"""The rooms feature's embeds and texts: the live room board message (its embed and the "Open a
room" button, handed to the gateway as they are) and `/room list`. No I/O here."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.ui import fit_lines
from bot.features.rooms.domain.board import (
    NAMES_SHOWN,
    BoardRoom,
    BoardTexts,
    RoomBoard,
    board_description,
    names_line,
    room_line,
)
from bot.features.rooms.service import RoomView
from bot.features.rooms.views import JoinConversationButton, OpenRoomButton
from bot.i18n import Catalog

BOARD_COLOUR = discord.Colour(0x3B82F6)
LIST_COLOUR = discord.Colour(0x10B981)
LIST_MAX = 4000

BoardMessage = tuple[discord.Embed, discord.ui.View]


class RoomsRender:
    """`locale` None means the workshop's own locale (what the bot posts to channels)."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        open_button: type[OpenRoomButton] = OpenRoomButton,
        join_button: type[JoinConversationButton] = JoinConversationButton,
    ) -> None:
        self.catalog = catalog
        # The bound button classes (wire.py): discord.py registers the class of every dynamic
        # item of a view it sends as the handler of its custom id, so the board must carry the
        # classes that know this bot's services, or a press in this process finds none.
        self._open_button = open_button
        self._join_button = join_button

    def t(self, key: str, locale: str | None = None, /, **params: Any) -> str:
        return self.catalog.t(key, locale, **params)

    def board_texts(self, locale: str | None = None) -> BoardTexts:
        return BoardTexts(
            **{name: self.t(f"board.{name}", locale) for name in BoardTexts.__dataclass_fields__}
        )

    def board(self, board: RoomBoard, locale: str | None = None) -> discord.Embed:
        embed = discord.Embed(title=self.t("board.title", locale), colour=BOARD_COLOUR)
        embed.description = board_description(
            board, self.board_texts(locale), self.t("board.empty", locale)
        )
        embed.set_footer(text=self.t("board.footer", locale))
        return embed

    def board_message(self, board: RoomBoard, locale: str | None = None) -> BoardMessage:
        """The live room board with its "Open a room" button (which survives restarts)."""
        view = discord.ui.View(timeout=None)
        view.add_item(self._open_button(label=self.t("board.open_room", locale)))
        view.add_item(self._join_button(label=self.t("board.join_conversation", locale)))
        return self.board(board, locale), view

    def room_list(self, views: list[RoomView], locale: str) -> discord.Embed:
        """`/room list`: the fullest rooms first, each with its owner and who is inside."""
        ordered = sorted(views, key=lambda v: (-len(v.occupants), v.room.id))
        lines = list_lines(ordered, self.board_texts(locale), self.t("rooms.owner", locale))
        more = self.t("rooms.list_more", locale, count="{count}")
        return discord.Embed(
            title=self.t("rooms.list_title", locale, count=len(views)),
            description=fit_lines(lines, LIST_MAX, more) or self.t("rooms.list_empty", locale),
            colour=LIST_COLOUR,
        )


def list_lines(views: list[RoomView], texts: BoardTexts, owner_label: str) -> list[str]:
    lines = []
    for view in views:
        if view.channel_id is None:
            continue
        line = room_line(
            BoardRoom(
                channel_id=view.channel_id,
                title=view.room.topic,
                occupants=view.occupants,
                user_limit=view.room.user_limit,
                link=view.room.link,
            ),
            texts,
            "🔊" if view.occupants else "🔈",
            names=False,
        )
        line += f" · {owner_label} <@{view.room.owner_id}>"
        if view.occupants:
            line += f"\n   {names_line(view.occupants, texts, NAMES_SHOWN * 2)}"
        lines.append(line)
    return lines
