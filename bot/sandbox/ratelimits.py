"""Optional per-route rate limit buckets, announced in headers the way Discord does.

Off by default (every answer says 49 of 50 left, so tests run at full speed). Benchmarks and
rehearsals can set ``sb.rate_limits`` (e.g. to ``DISCORD_LIKE``) to see how the bot behaves
under bucket limits: discord.py reads the headers and waits by itself; a request beyond the
limit gets a 429 with ``retry_after``. The figures in ``DISCORD_LIKE`` are approximations of
what Discord announces (Discord does not document exact per-route numbers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.sandbox.errors import ApiError

DISCORD_LIKE: dict[str, tuple[int, float]] = {
    "POST /channels/{channel_id}/messages": (5, 5.0),
    "PATCH /channels/{channel_id}/messages/{message_id}": (5, 5.0),
    "DELETE /channels/{channel_id}/messages/{message_id}": (5, 1.0),
    "POST /guilds/{guild_id}/channels": (5, 5.0),
    "PATCH /channels/{channel_id}": (5, 5.0),
    "DELETE /channels/{channel_id}": (5, 5.0),
    "PUT /channels/{channel_id}/permissions/{overwrite_id}": (5, 5.0),
    "POST /guilds/{guild_id}/roles": (5, 5.0),
    "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}": (10, 10.0),
    "PATCH /guilds/{guild_id}/members/{user_id}": (10, 10.0),  # moves, nicknames
    "POST /guilds/{guild_id}/scheduled-events": (5, 5.0),
    "PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}": (5, 5.0),
    "PUT /applications/{application_id}/guilds/{guild_id}/commands": (2, 60.0),
}

# Discord's global limit: 50 requests per second per bot, across all routes (interaction
# responses excepted, which the sandbox does not count either: they need no bot token).
DISCORD_GLOBAL: tuple[int, float] = (50, 1.0)

_MAJOR = ("channel_id", "guild_id", "webhook_id", "application_id")


@dataclass
class _Window:
    start: float
    count: int = 0


class RateLimiter:
    def __init__(self) -> None:
        self.windows: dict[tuple[str, str], _Window] = {}

    def check_global(self, limit: int, per: float) -> None:
        """Count one request against the global limit; a global 429 beyond it."""
        now = time.monotonic()
        window = self.windows.get(("*", ""))
        if window is None or now - window.start >= per:
            window = self.windows[("*", "")] = _Window(now)
        if window.count >= limit:
            reset_after = max(0.001, window.start + per - now)
            raise ApiError(
                429,
                "You are being rate limited.",
                0,
                extra={"retry_after": round(reset_after, 3), "global": True},
                headers={
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                    "Retry-After": str(int(reset_after) + 1),
                },
                detail=f"global limit exhausted ({limit} per {per}s)",
            )
        window.count += 1

    def check(
        self, limits: dict[str, tuple[int, float]], route: str, params: dict[str, str]
    ) -> dict[str, str] | None:
        """Count one request; return its headers, or raise a 429 beyond the limit."""
        if route not in limits:
            return None
        limit, per = limits[route]
        major = next((params[k] for k in _MAJOR if k in params), "")
        now = time.monotonic()
        window = self.windows.get((route, major))
        if window is None or now - window.start >= per:
            window = self.windows[(route, major)] = _Window(now)
        reset_after = max(0.0, window.start + per - now)
        bucket = format(abs(hash(route)) % (1 << 64), "016x")
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if window.count >= limit:
            raise ApiError(
                429,
                "You are being rate limited.",
                0,
                extra={"retry_after": round(reset_after, 3), "global": False},
                headers={
                    **headers,
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Scope": "user",
                    "Retry-After": str(int(reset_after) + 1),
                },
                detail=f"bucket {route} exhausted ({limit} per {per}s)",
            )
        window.count += 1
        headers["X-RateLimit-Remaining"] = str(limit - window.count)
        return headers
