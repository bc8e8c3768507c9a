"""The live room board's "Open a room" button (it survives restarts) and the modal it opens."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.core.tree import ShuttingDown, answer_error
from bot.domain.errors import InvalidInput
from bot.features.rooms.domain.rooms import (
    TOPIC_MAX,
    USER_LIMIT_MAX,
    USER_LIMIT_MIN,
    check_user_limit,
)

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

OPEN_ROOM_ID = "board:open-room"


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


async def open_room_and_reply(
    interaction: discord.Interaction[WorkshopBot], topic: str, limit: int | None
) -> None:
    """Shared by `/room open` and the modal: defer, open, answer with the room's link."""
    bot = interaction.client
    assert interaction.guild_id is not None
    await interaction.response.defer(ephemeral=True, thinking=True)
    _, channel_id = await bot.services.rooms.open(
        interaction.guild_id, interaction.user.id, topic, limit
    )
    text = bot.catalog.t(
        "rooms.opened",
        str(interaction.locale),
        channel=f"<#{channel_id}>",
        minutes=max(1, round(bot.settings.rooms.idle_close_seconds / 60)),
    )
    await interaction.followup.send(text, ephemeral=True)


class OpenRoomModal(discord.ui.Modal):
    def __init__(self, bot: WorkshopBot, locale: str) -> None:
        t = bot.catalog.t
        super().__init__(title=t("rooms.modal_title", locale), custom_id="board:open-room-modal")
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
        await open_room_and_reply(interaction, self.topic.value, parse_limit(self.limit.value))

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[WorkshopBot], error: Exception
    ) -> None:
        await answer_error(interaction, error)


class OpenRoomButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.escape(OPEN_ROOM_ID)
):
    def __init__(self, *, label: str = "Open a room") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, emoji="➕", style=discord.ButtonStyle.primary, custom_id=OPEN_ROOM_ID
            )
        )

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> OpenRoomButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[WorkshopBot]) -> None:  # type: ignore[override]
        try:
            if interaction.client.closing:
                raise ShuttingDown()
            await interaction.response.send_modal(
                OpenRoomModal(interaction.client, str(interaction.locale))
            )
        except Exception as exc:
            await answer_error(interaction, exc)
