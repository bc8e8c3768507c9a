"""The live room board's "Open a room" button (it survives restarts) and the modal it opens.

discord.py builds a persistent button from its custom_id alone, so what it needs is bound to the
class wire.py registers: `OpenRoomButton.bound(opener)`. The board's message is rendered with
the plain class (only the custom_id and the label travel to Discord).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import discord

from bot.core.tree import ShuttingDown, answer_error
from bot.core.ui import WorkshopButton, bind, locale_of
from bot.domain.errors import InvalidInput
from bot.features.rooms.domain.links import clean_link
from bot.features.rooms.domain.rooms import (
    TOPIC_MAX,
    USER_LIMIT_MAX,
    USER_LIMIT_MIN,
    check_user_limit,
)
from bot.features.rooms.hallway import Hallway, Way
from bot.features.rooms.service import RoomService
from bot.i18n import Catalog

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

OPEN_ROOM_ID = "board:open-room"  # released: never change (posted boards hold it)


def parse_limit(text: str | None) -> int | None:
    """The modal's optional limit: blank, or a whole number 2-99."""
    value = (text or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(
            "errors.room_limit_range", value=value[:20], min=USER_LIMIT_MIN, max=USER_LIMIT_MAX
        )
    return check_user_limit(int(value))


@dataclass(frozen=True)
class RoomOpener:
    """Opening a room for the person who asked, shared by `/room open` and the board's modal."""

    rooms: RoomService
    catalog: Catalog
    idle_seconds: int

    async def open_and_reply(
        self,
        interaction: discord.Interaction[WorkshopBot],
        topic: str,
        limit: int | None,
        link: str | None = None,
    ) -> None:
        """Defer, open, answer with the room's link."""
        assert interaction.guild_id is not None
        clean_link(link)  # a bad link is refused before anything (even the defer) happens
        await interaction.response.defer(ephemeral=True, thinking=True)
        _, channel_id = await self.rooms.open(
            interaction.guild_id, interaction.user.id, topic, limit, link
        )
        text = self.catalog.t(
            "rooms.opened",
            locale_of(interaction),
            channel=f"<#{channel_id}>",
            minutes=max(1, round(self.idle_seconds / 60)),
        )
        await interaction.followup.send(text, ephemeral=True)


class OpenRoomModal(discord.ui.Modal):
    def __init__(self, opener: RoomOpener, locale: str) -> None:
        t = opener.catalog.t
        super().__init__(title=t("rooms.modal_title", locale), custom_id="board:open-room-modal")
        self.opener = opener
        self.topic: discord.ui.TextInput[OpenRoomModal] = discord.ui.TextInput(
            custom_id="topic",
            label=t("rooms.modal_topic", locale),
            placeholder=t("rooms.modal_topic_placeholder", locale),
            min_length=1,
            max_length=TOPIC_MAX,
        )
        self.limit: discord.ui.TextInput[OpenRoomModal] = discord.ui.TextInput(
            custom_id="limit",
            label=t("rooms.modal_limit", locale),
            placeholder=t("rooms.modal_limit_placeholder", locale),
            required=False,
            max_length=2,
        )
        self.add_item(self.topic)
        self.add_item(self.limit)

    async def on_submit(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        await self.opener.open_and_reply(
            interaction, self.topic.value, parse_limit(self.limit.value)
        )

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[WorkshopBot], error: Exception
    ) -> None:
        await answer_error(interaction, error)


class OpenRoomButton(WorkshopButton, template=re.escape(OPEN_ROOM_ID)):
    opener: ClassVar[RoomOpener]

    @classmethod
    def bound(cls, opener: RoomOpener) -> type[OpenRoomButton]:
        """The button class of one bot, knowing how to open its rooms."""

        return bind(cls, re.escape(OPEN_ROOM_ID), opener=opener)

    def __init__(self, *, label: str = "Open a room") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, emoji="➕", style=discord.ButtonStyle.primary, custom_id=OPEN_ROOM_ID
            )
        )

    @classmethod
    def decode(cls, match: re.Match[str]) -> OpenRoomButton:
        return cls()

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        if interaction.client.closing:
            raise ShuttingDown()
        await interaction.response.send_modal(OpenRoomModal(self.opener, locale_of(interaction)))


JOIN_CONVERSATION_ID = "board:join-conversation"  # released: never change


@dataclass(frozen=True)
class HallwayGuide:
    """The answer of `/hallway` and of the board's "Join a conversation" button."""

    hallway: Hallway
    catalog: Catalog
    open_button: type[OpenRoomButton] = OpenRoomButton  # the bound class (see render.py)

    async def answer(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        if interaction.client.closing:
            raise ShuttingDown()
        locale = locale_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        taken = await self.hallway.take(interaction.guild_id, interaction.user.id)
        if taken.way is Way.NONE:
            view = discord.ui.View(timeout=None)
            view.add_item(self.open_button(label=self.catalog.t("board.open_room", locale)))
            await interaction.followup.send(
                self.catalog.t("hallway.none", locale), view=view, ephemeral=True
            )
            return
        key = "hallway.moved" if taken.way is Way.MOVED else "hallway.link"
        text = self.catalog.t(key, locale, channel=f"<#{taken.channel_id}>")
        await interaction.followup.send(text, ephemeral=True)


class JoinConversationButton(WorkshopButton, template=re.escape(JOIN_CONVERSATION_ID)):
    guide: ClassVar[HallwayGuide]

    @classmethod
    def bound(cls, guide: HallwayGuide) -> type[JoinConversationButton]:
        return bind(cls, re.escape(JOIN_CONVERSATION_ID), guide=guide)

    def __init__(self, *, label: str = "Join a conversation") -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji="🚶",
                style=discord.ButtonStyle.secondary,
                custom_id=JOIN_CONVERSATION_ID,
            )
        )

    @classmethod
    def decode(cls, match: re.Match[str]) -> JoinConversationButton:
        return cls()

    async def run(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        await self.guide.answer(interaction)
