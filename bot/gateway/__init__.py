"""The Discord implementation of the ports in `bot/domain/ports.py` (discord.py lives here)."""

from __future__ import annotations

import discord
import yarl

from bot.gateway.channels import ChannelsMixin, channel_ref
from bot.gateway.events import EventsMixin
from bot.gateway.members import MembersMixin
from bot.gateway.messages import MessagesMixin
from bot.gateway.moves import MovesMixin
from bot.gateway.posters import PostersMixin
from bot.gateway.voice import VoiceMixin


def point_client_at(api_base: str, gateway_url: str) -> None:
    """Send discord.py's REST and gateway traffic to `api_base` / `gateway_url`.

    discord.py keeps both as class attributes, so this is process-wide: one Discord per process.
    """
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class DiscordGateway(
    ChannelsMixin,
    EventsMixin,
    MessagesMixin,
    VoiceMixin,
    PostersMixin,
    MovesMixin,
    MembersMixin,
):
    """Implements StructurePort, SessionPort, RoomPort, BoardPort, PosterPort, the moves of
    breakouts and the registration's roles and members."""


__all__ = ["DiscordGateway", "channel_ref", "point_client_at"]
