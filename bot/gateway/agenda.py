"""What the personal agenda asks of Discord: the raw Interested payloads, the events' subscriber
lists (paged, at most 100 a request), and a reminder that pings exactly its users."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.gateway.base import GatewayBase, translate_errors
from bot.gateway.messages import HISTORY_LOOKBACK, POSTING, READING

log = logging.getLogger(__name__)

PAGE = 100  # Discord: at most 100 users per GET .../scheduled-events/{id}/users
RAW_EVENTS = {
    "GUILD_SCHEDULED_EVENT_USER_ADD": True,
    "GUILD_SCHEDULED_EVENT_USER_REMOVE": False,
}
RAW_DISPATCH = "raw_scheduled_event_interest"


@dataclass(frozen=True)
class InterestPayload:
    """One GUILD_SCHEDULED_EVENT_USER_ADD/_REMOVE as Discord sent it."""

    guild_id: int
    event_id: int
    user_id: int
    interested: bool


def tap_raw_interest(client: discord.Client) -> None:
    """Make discord.py dispatch `raw_scheduled_event_interest` with the raw payload, in gateway
    order, before its own parser (which drops the event for users it has not cached: without
    the members intent that is most of them). The core's taps see it in `dispatch`."""
    state: Any = client._connection  # discord.py keeps its parsers there, by gateway event name
    parsers: dict[str, Callable[[Any], None]] = state.parsers
    for name, interested in RAW_EVENTS.items():
        original = parsers[name]

        def parse(
            data: Any, _original: Callable[[Any], None] = original, _add: bool = interested
        ) -> None:
            try:
                payload = InterestPayload(
                    guild_id=int(data["guild_id"]),
                    event_id=int(data["guild_scheduled_event_id"]),
                    user_id=int(data["user_id"]),
                    interested=_add,
                )
            except (KeyError, TypeError, ValueError):
                log.info("an Interested payload without ids: %r", data)
            else:
                client.dispatch(RAW_DISPATCH, payload)
            _original(data)

        parsers[name] = parse


@dataclass(frozen=True)
class EventUsers:
    members: set[int]  # subscribers still in the server
    gone: set[int]  # subscribers Discord returned without member data (left the server)
    requests: int


class AgendaGateway(GatewayBase):
    @translate_errors
    async def event_user_counts(self, guild_id: int) -> dict[int, int]:
        """Every event of the guild -> its number of subscribers (one request)."""
        data = await self._client.http.get_scheduled_events(guild_id, with_user_count=True)
        return {int(e["id"]): int(e.get("user_count") or 0) for e in data}

    @translate_errors
    async def event_users(self, guild_id: int, event_id: int) -> EventUsers:
        """The event's subscribers, 100 a page, in ascending user id (`after` the last)."""
        members: set[int] = set()
        gone: set[int] = set()
        after: int | None = None
        requests = 0
        while True:
            page = await self._client.http.get_scheduled_event_users(
                guild_id, event_id, limit=PAGE, with_member=True, after=after
            )
            requests += 1
            entries: list[Any] = list(page)
            for entry in entries:
                user = int(entry.get("user_id") or entry["user"]["id"])
                (members if entry.get("member") else gone).add(user)
                after = user if after is None else max(after, user)
            if len(entries) < PAGE:
                return EventUsers(members, gone, requests)

    @translate_errors
    async def remind(
        self,
        channel_id: int,
        content: str,
        users: list[int],
        *,
        embed: discord.Embed,
        view: discord.ui.View | None,
    ) -> int:
        """A message that pings exactly `users` (nobody else, whatever the text says)."""
        mentions = discord.AllowedMentions(
            everyone=False,
            roles=False,
            replied_user=False,
            users=[discord.Object(u) for u in users],
        )
        with self._needs(None, POSTING, channel_id):
            message = await self._messageable(channel_id).send(
                content, embed=embed, view=view or discord.utils.MISSING, allowed_mentions=mentions
            )
        return message.id

    @translate_errors
    async def find_marked(self, channel_id: int, marker: str) -> int | None:
        """The bot's recent message whose embed footer is `marker` (posted before a crash)."""
        with self._needs(None, READING, channel_id):
            async for message in self._messageable(channel_id).history(limit=HISTORY_LOOKBACK):
                if message.author.id == self.bot_user_id and any(
                    e.footer.text == marker for e in message.embeds
                ):
                    return message.id
        return None

    def can_post(self, channel_id: int) -> bool:
        return isinstance(self._client.get_channel(channel_id), discord.abc.Messageable)
