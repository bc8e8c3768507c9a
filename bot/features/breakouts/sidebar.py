"""Voice channel status lines: the corridor in Discord's sidebar.

Each voice channel the bot knows shows what is going on inside: a topic room its topic and head
count, a session's channel "Now: <title>" while it runs (or when it starts, the same day), a
breakout room when its time is up. `touch(guild)` asks for a look; looks are coalesced (one per
`delay`) and a channel's status is sent only when it changed, and never more often than once
per `interval` per channel (a later change waits, then the newest text goes). Only the bot's own
statuses are cleared (a channel whose status the bot set and that should show none now).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.domain.errors import DiscordRefused, DiscordUnavailable
from bot.domain.text_safety import plain_line

log = logging.getLogger(__name__)

STATUS_MAX = 500  # Discord's limit
HOLD = 300.0  # seconds without statuses after Discord refused one
Wanted = Callable[[int], Awaitable[dict[int, str]]]  # guild -> channel id -> status text


class StatusPort(Protocol):
    async def set_voice_status(self, channel_id: int, status: str | None, reason: str) -> bool: ...


class Sidebar:
    def __init__(
        self,
        port: StatusPort,
        wanted: Wanted,
        *,
        interval: float,
        delay: float = 1.0,
        enabled: bool = True,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._port = port
        self._wanted = wanted
        self.interval = interval
        self.delay = delay
        self.enabled = enabled
        self._now = now
        self._sent: dict[int, str | None] = {}  # channel -> what it shows (set by the bot)
        self._at: dict[int, float] = {}  # channel -> when the bot last set it
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._stopped = False
        self._held_until = float("-inf")
        self.requests = 0  # statuses sent (for benchmarks and tests)

    def touch(self, guild_id: int) -> None:
        if not self.enabled or self._stopped or guild_id in self._tasks:
            return
        self._tasks[guild_id] = asyncio.get_running_loop().create_task(self._later(guild_id))

    async def _later(self, guild_id: int, wait: float | None = None) -> None:
        try:
            await asyncio.sleep(self.delay if wait is None else wait)
            del self._tasks[guild_id]
            again = await self.flush(guild_id)
            if again is not None and not self._stopped and guild_id not in self._tasks:
                self._tasks[guild_id] = asyncio.get_running_loop().create_task(
                    self._later(guild_id, again)
                )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("updating the voice statuses of guild %s failed", guild_id)

    async def flush(self, guild_id: int) -> float | None:
        """Send what changed (within the per-channel interval); returns in how many seconds a
        held-back change can go, or None."""
        if self._now() < self._held_until:
            return self._held_until - self._now()
        wanted: dict[int, str | None] = {
            channel: plain_line(text, STATUS_MAX)
            for channel, text in (await self._wanted(guild_id)).items()
        }
        for channel, shown in self._sent.items():
            if shown is not None and channel not in wanted:
                wanted[channel] = None  # the bot's own status, no longer meaningful
        wait: float | None = None
        for channel, text in wanted.items():
            if channel in self._sent and self._sent[channel] == text:
                continue
            since = self._now() - self._at.get(channel, float("-inf"))
            if since < self.interval:
                left = self.interval - since
                wait = left if wait is None else min(wait, left)
                continue
            try:
                alive = await self._port.set_voice_status(channel, text, "what is on in the room")
            except (DiscordRefused, DiscordUnavailable) as exc:
                # Likely the permission: one line, then a pause before trying again.
                log.warning("voice statuses paused for %.0f s: %s", HOLD, exc)
                self._held_until = self._now() + HOLD
                return HOLD
            self.requests += 1
            self._at[channel] = self._now()
            if alive:
                self._sent[channel] = text
            else:
                self._forget(channel)
        return wait

    def _forget(self, channel: int) -> None:
        self._sent.pop(channel, None)

    async def stop(self) -> None:
        self._stopped = True
        for task in list(self._tasks.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
