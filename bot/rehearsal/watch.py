"""The progress display of a rehearsal: after every step, what changed in the bot's world
(sessions opening and closing, topic rooms appearing and closing, reminders posted) is printed,
and the peaks the summary compares with Discord's limits are kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.domain.sessions.model import SessionStatus
from bot.rehearsal.summary import Observed
from bot.sandbox.sandbox import Sandbox
from bot.services.attendance import NOTICE_MARKER

if TYPE_CHECKING:
    from bot.app import WorkshopBot

MARKS = {"open": "▶ open  ", "closed": "■ closed", "cancelled": "✖ cancel"}


class Watcher:
    def __init__(self, sb: Sandbox, say: Callable[[str], None]) -> None:
        self.sb = sb
        self.say = say
        self.observed = Observed()
        self._statuses: dict[int, SessionStatus] = {}
        self._rooms: dict[int, str] = {}
        self._reminders = 0

    async def step(self, bot: WorkshopBot, guild_id: int, stamp: str) -> None:
        """Print what changed since the last step."""
        observed = self.observed
        # The sandbox's own state, read without copying it (this runs after every step).
        state = self.sb.state.guild(guild_id)
        observed.peak_events = max(observed.peak_events, len(state.events))
        observed.peak_channels = max(
            observed.peak_channels, self.sb.state.guild_channel_count(state)
        )
        for session in await bot.services.sessions.programme(guild_id):
            before = self._statuses.get(session.id)
            if before is not None and before is not session.status:
                mark = MARKS.get(session.status.value, session.status.value)
                self.say(f"{stamp}  {mark} {session.title}")
            self._statuses[session.id] = session.status
        rooms = {v.room.id: v.room.topic for v in await bot.services.rooms.open_rooms(guild_id)}
        for room_id, topic in rooms.items():
            if room_id not in self._rooms:
                self.say(f"{stamp}  ＋ room   {topic}")
        for room_id, topic in self._rooms.items():
            if room_id not in rooms:
                self.say(f"{stamp}  － room   {topic} (closed)")
                observed.rooms_closed += 1
        self._rooms = rooms
        reminders = self._reminder_count(guild_id)
        if reminders > self._reminders:
            self.say(f"{stamp}  ⏰ {reminders - self._reminders} reminder(s) posted")
            self._reminders = reminders
        observed.reminders = self._reminders

    def _reminder_count(self, guild_id: int) -> int:
        """Reminders in #announcements: the embeds there, except the attendance notice."""
        state = self.sb.state
        channel = next(
            (c for c in state.guild(guild_id).channels.values() if c["name"] == "announcements"),
            None,
        )
        if channel is None:
            return 0
        messages = state.messages.get(int(channel["id"]), {})
        return sum(
            1
            for m in messages.values()
            if m.get("embeds")
            and not any((e.get("footer") or {}).get("text") == NOTICE_MARKER for e in m["embeds"])
        )
