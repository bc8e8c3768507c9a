"""The REST requests of a rehearsal, told in an organizer's words: what each route does, the
busiest simulated minute against Discord's 50 requests a second, and the busiest single kind of
request against the (tighter) limit Discord keeps for it.

Times are the simulated clock's (the sandbox records each request at the rehearsal's "now"), so a
minute here is a minute of the camp; discord.py paces a burst by Discord's answers on its own.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.sandbox.ratelimits import DISCORD_LIKE
from bot.sandbox.recorder import RecordedRequest

GLOBAL_PER_SECOND = 50  # Discord: 50 requests per second per bot, every route together

#: route -> key of `cli.rehearse.route.*`: what the request does, for people.
ROUTE_KEYS = {
    "PATCH /channels/{channel_id}": "edit_channel",
    "POST /guilds/{guild_id}/channels": "create_channel",
    "DELETE /channels/{channel_id}": "delete_channel",
    "PUT /channels/{channel_id}/permissions/{overwrite_id}": "set_permissions",
    "POST /interactions/{interaction_id}/{interaction_token}/callback": "answer",
    "POST /webhooks/{application_id}/{interaction_token}": "follow_up",
    "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original": "edit_answer",
    "POST /guilds/{guild_id}/scheduled-events": "create_event",
    "PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}": "edit_event",
    "DELETE /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}": "delete_event",
    "POST /channels/{channel_id}/messages": "post_message",
    "PATCH /channels/{channel_id}/messages/{message_id}": "edit_message",
    "DELETE /channels/{channel_id}/messages/{message_id}": "delete_message",
    "POST /channels/{channel_id}/threads": "create_thread",
    "POST /channels/{channel_id}/messages/{message_id}/threads": "create_thread",
    "PATCH /guilds/{guild_id}/members/{user_id}": "move_member",
    "PUT /channels/{channel_id}/voice-status": "voice_status",
    "GET /users/@me": "log_in",
    "GET /oauth2/applications/@me": "log_in",
    "PUT /applications/{application_id}/guilds/{guild_id}/commands": "register_commands",
}


@dataclass(frozen=True)
class Burst:
    route: str | None  # None: every route together
    minute: int  # simulated epoch minute
    count: int

    @property
    def per_second(self) -> float:
        return self.count / 60


@dataclass(frozen=True)
class Load:
    total: int
    by_route: Counter[str]
    busiest: Burst | None  # the busiest minute, every route together
    busiest_route: Burst | None  # the busiest minute of a single route

    def paced(self) -> tuple[int, float, int] | None:
        """(requests, per seconds, minutes): the pace Discord roughly allows the busiest route,
        and how long discord.py would take for its burst at that pace (None: no known limit)."""
        burst = self.busiest_route
        if burst is None or burst.route not in DISCORD_LIKE:
            return None
        limit, per = DISCORD_LIKE[burst.route]
        return limit, per, max(1, math.ceil(burst.count * per / limit / 60))


def load(requests: Iterable[RecordedRequest]) -> Load:
    by_route: Counter[str] = Counter()
    minutes: Counter[int] = Counter()
    route_minutes: Counter[tuple[str, int]] = Counter()
    for request in requests:
        minute = int(request.at // 60)
        by_route[request.route] += 1
        minutes[minute] += 1
        route_minutes[(request.route, minute)] += 1
    busiest = None
    if minutes:
        minute, count = min(minutes.items(), key=lambda kv: (-kv[1], kv[0]))
        busiest = Burst(None, minute, count)
    busiest_route = None
    if route_minutes:
        (route, minute), count = min(route_minutes.items(), key=lambda kv: (-kv[1], kv[0]))
        busiest_route = Burst(route, minute, count)
    return Load(sum(by_route.values()), by_route, busiest, busiest_route)


def route_key(route: str) -> str | None:
    return ROUTE_KEYS.get(route)
