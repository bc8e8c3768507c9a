"""The Discord implementation of the ports in `bot/domain/ports.py` (discord.py lives here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
import yarl

from bot.domain.board import RoomBoard
from bot.domain.ports import ChannelRef, GuildStats
from bot.domain.structure import ChannelKind, ResolvedOverwrite

if TYPE_CHECKING:
    from bot.cogs.embeds import Renderer

_KINDS: dict[discord.ChannelType, ChannelKind] = {
    discord.ChannelType.category: ChannelKind.CATEGORY,
    discord.ChannelType.text: ChannelKind.TEXT,
    discord.ChannelType.voice: ChannelKind.VOICE,
    discord.ChannelType.stage_voice: ChannelKind.STAGE,
    discord.ChannelType.forum: ChannelKind.FORUM,
}
_TYPES = {kind: ctype for ctype, kind in _KINDS.items()}


def point_client_at(api_base: str, gateway_url: str) -> None:
    """Send discord.py's REST and gateway traffic to `api_base` / `gateway_url`.

    discord.py keeps both as class attributes, so this is process-wide: one Discord per process.
    """
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def channel_ref(channel: discord.abc.GuildChannel) -> ChannelRef:
    return ChannelRef(
        id=channel.id,
        kind=_KINDS.get(channel.type),
        name=channel.name,
        parent_id=channel.category_id,
    )


class DiscordGateway:
    def __init__(self, client: discord.Client, renderer: Renderer) -> None:
        self._client = client
        self._renderer = renderer

    # -- reads (cache only) ----------------------------------------------------------------------

    @property
    def bot_user_id(self) -> int:
        if self._client.user is None:
            raise RuntimeError("not logged in")
        return self._client.user.id

    def _guild(self, guild_id: int) -> discord.Guild:
        guild = self._client.get_guild(guild_id)
        if guild is None:
            raise LookupError(f"guild {guild_id} is not available")
        return guild

    def channel(self, guild_id: int, channel_id: int) -> ChannelRef | None:
        channel = self._guild(guild_id).get_channel(channel_id)
        return None if channel is None else channel_ref(channel)

    def find_channel(
        self, guild_id: int, *, name: str, kind: ChannelKind, parent_id: int | None
    ) -> ChannelRef | None:
        for channel in self._guild(guild_id).channels:
            if (
                channel.name == name
                and _KINDS.get(channel.type) is kind
                and channel.category_id == parent_id
            ):
                return channel_ref(channel)
        return None

    def roles(self, guild_id: int) -> list[tuple[int, str]]:
        return [(role.id, role.name) for role in self._guild(guild_id).roles]

    def stats(self, guild_id: int) -> GuildStats:
        guild = self._guild(guild_id)
        people = 0
        in_use = 0
        for channel in (*guild.voice_channels, *guild.stage_channels):
            humans = 0
            for user_id in channel.voice_states:
                member = guild.get_member(user_id)
                if member is None or not member.bot:
                    humans += 1
            people += humans
            in_use += humans > 0
        return GuildStats(
            channels=len(guild.channels), people_in_voice=people, voice_channels_in_use=in_use
        )

    # -- writes ----------------------------------------------------------------------------------

    async def create_channel(
        self,
        guild_id: int,
        *,
        name: str,
        kind: ChannelKind,
        parent_id: int | None,
        topic: str | None,
        overwrites: Sequence[ResolvedOverwrite],
        reason: str,
    ) -> ChannelRef:
        guild = self._guild(guild_id)
        # Overwrites travel in the create request itself: one request per channel.
        payload = [
            {
                "id": o.target_id,
                "type": 0 if o.is_role else 1,
                "allow": str(o.allow),
                "deny": str(o.deny),
            }
            for o in overwrites
        ]
        options: dict[str, object] = {}
        if topic is not None and kind is ChannelKind.TEXT:
            options["topic"] = topic
        data = await self._client.http.create_channel(
            guild.id,
            _TYPES[kind].value,
            name=name,
            parent_id=parent_id,
            permission_overwrites=payload,
            reason=reason,
            **options,
        )
        return ChannelRef(id=int(data["id"]), kind=kind, name=data["name"], parent_id=parent_id)

    async def move_channel(
        self, guild_id: int, channel_id: int, parent_id: int, reason: str
    ) -> None:
        await self._client.http.edit_channel(channel_id, reason=reason, parent_id=parent_id)

    def _messageable(self, channel_id: int) -> discord.abc.Messageable:
        channel = self._client.get_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise LookupError(f"channel {channel_id} is not a text channel the bot can see")
        return channel

    async def post_board(self, channel_id: int, board: RoomBoard) -> int:
        message = await self._messageable(channel_id).send(embed=self._renderer.board(board))
        return message.id

    async def message_exists(self, channel_id: int, message_id: int) -> bool:
        try:
            await self._messageable(channel_id).fetch_message(message_id)
        except discord.NotFound:
            return False
        return True

    async def find_own_message(self, channel_id: int) -> int | None:
        async for message in self._messageable(channel_id).history(limit=25):
            if message.author.id == self.bot_user_id and message.embeds:
                return message.id
        return None
