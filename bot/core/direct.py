"""Direct messages: one way for every feature to write to a person privately.

Discord lets a bot message a user only while they share a server and the user accepts direct
messages from its members; otherwise the message is refused with 50007 ("Cannot send messages
to this user"). That is a person's choice, not a fault: `send` answers False, logs one INFO line
(once per person per run) and the caller falls back (a mention in a channel, a line in #backstage).
Any other refusal is a real problem and raises. Pacing is discord.py's rate limiter's: no sleeps.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from discord.abc import Snowflake

log = logging.getLogger(__name__)

CANNOT_MESSAGE_USER = 50007
UNKNOWN_USER = 10013


class DirectMessages:
    def __init__(self, client: discord.Client) -> None:
        self._client = client
        self._told: set[int] = set()  # people whose closed DMs were logged in this run
        self.sent = 0
        self.refused = 0

    async def send(
        self,
        user_id: int,
        *,
        content: str | None = None,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
        allowed_mentions: discord.AllowedMentions | None = None,
    ) -> bool:
        """Send one direct message; False when Discord refuses DMs to this person."""

        user: Snowflake = discord.Object(user_id)
        try:
            channel = await self._client.create_dm(user)
            embeds = [embed] if embed is not None else []
            mentions = allowed_mentions or discord.AllowedMentions.none()
            if view is None:
                await channel.send(content, embeds=embeds, allowed_mentions=mentions)
            else:
                await channel.send(content, embeds=embeds, view=view, allowed_mentions=mentions)
        except (discord.Forbidden, discord.NotFound) as exc:
            if exc.code not in (CANNOT_MESSAGE_USER, UNKNOWN_USER):
                raise
            self.refused += 1
            if user_id not in self._told:
                self._told.add(user_id)
                log.info("user %s does not accept direct messages from the bot", user_id)
            return False
        self.sent += 1
        return True
