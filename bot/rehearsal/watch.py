"""The progress display of a rehearsal: after every step, what changed in the bot's world
(sessions opening and closing, topic rooms appearing and closing, reminders posted) is printed,
and the peaks the summary compares with Discord's limits are kept, with samples of what people
saw: the first reminder, and the live room board when it showed the most."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.domain.structure import Purpose
from bot.features.attendance.service import NOTICE_MARKER
from bot.features.sessions.domain.model import SessionStatus
from bot.rehearsal.show import Plain
from bot.rehearsal.summary import Observed, pad
from bot.rehearsal.text import Text
from bot.sandbox.sandbox import Sandbox

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

TOKYO = ZoneInfo("Asia/Tokyo")
MARKS = {"open": "mark_open", "closed": "mark_closed", "cancelled": "mark_cancelled"}
MARK_WIDTH = 8


@dataclass
class Sample:
    """A message as people saw it at a moment of the rehearsal, flattened to plain text then
    (the message may be edited later, the channels it names deleted)."""

    lines: list[str]
    stamp: str


class Watcher:
    def __init__(
        self,
        sb: Sandbox,
        say: Callable[[str], None],
        text: Text | None = None,
        zone: ZoneInfo = TOKYO,
    ) -> None:
        self.sb = sb
        self.say = say
        self.text = text or Text()
        self.zone = zone
        self.observed = Observed()
        self._statuses: dict[int, SessionStatus] = {}
        self._rooms: dict[int, str] = {}
        self._reminders = 0
        self._places: dict[str, int] = {}  # purpose -> Discord id, as the bot recorded them
        self.first_reminder: Sample | None = None
        self.fullest_board: Sample | None = None
        self._board_seen = ""
        self._fullest_size = 0

    async def step(self, bot: WorkshopBot, guild_id: int, stamp: str) -> None:
        """Print what changed since the last step."""
        t = self.text
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
                key = MARKS.get(session.status.value)
                mark = pad(t(key) if key else session.status.value, MARK_WIDTH)
                self.say(f"{stamp}  {mark} {session.title}")
            self._statuses[session.id] = session.status
        rooms = {v.room.id: v.room.topic for v in await bot.services.rooms.open_rooms(guild_id)}
        for room_id, topic in rooms.items():
            if room_id not in self._rooms:
                self.say(f"{stamp}  {t('room_opened', topic=topic)}")
        for room_id, topic in self._rooms.items():
            if room_id not in rooms:
                self.say(f"{stamp}  {t('room_closed', topic=topic)}")
                observed.rooms_closed += 1
        self._rooms = rooms
        await self._find_places(bot, guild_id)
        plain = Plain(self.sb, guild_id, self.zone, t)
        reminders = self._reminders_posted(bot, plain, stamp)
        if len(reminders) > self._reminders:
            self.say(f"{stamp}  {t('reminders_posted', count=len(reminders) - self._reminders)}")
            self._reminders = len(reminders)
        observed.reminders = self._reminders
        self._watch_board(bot, plain, stamp)

    async def _find_places(self, bot: WorkshopBot, guild_id: int) -> None:
        """#announcements and the board by the purpose the bot recorded them for (their names
        depend on the workshop's locale, and organizers may rename them)."""
        wanted = (Purpose.ANNOUNCEMENTS, Purpose.LOBBY, Purpose.LOBBY_BOARD)
        if all(p in self._places for p in wanted):
            return
        for item in await bot.services.structure.items(guild_id):
            if item.purpose in wanted and item.discord_id is not None:
                self._places[item.purpose] = item.discord_id

    def _reminders_posted(self, bot: WorkshopBot, plain: Plain, stamp: str) -> list[dict[str, Any]]:
        """Reminders in #announcements: the embeds there, except the attendance notice."""
        channel = self._places.get(Purpose.ANNOUNCEMENTS)
        if channel is None:
            return []
        messages = self.sb.state.messages.get(channel, {})
        found = [
            m
            for m in messages.values()
            if m.get("embeds")
            and not any((e.get("footer") or {}).get("text") == NOTICE_MARKER for e in m["embeds"])
        ]
        if found and self.first_reminder is None:
            first = min(found, key=lambda m: int(m["id"]))
            self.first_reminder = Sample(plain.lines(first, bot.clock.now()), stamp)
        return found

    def _watch_board(self, bot: WorkshopBot, plain: Plain, stamp: str) -> None:
        """Keep the board as it was when it showed the most (it is edited in place)."""
        message = self.board_message()
        if message is None:
            return
        shown = repr((message.get("content"), message.get("embeds")))
        if shown == self._board_seen:
            return
        self._board_seen = shown
        if len(shown) > self._fullest_size:
            self._fullest_size = len(shown)
            self.fullest_board = Sample(plain.lines(message, bot.clock.now()), stamp)

    def board_message(self) -> dict[str, Any] | None:
        """The live room board as Discord (the sandbox) holds it now."""
        lobby = self._places.get(Purpose.LOBBY)
        board = self._places.get(Purpose.LOBBY_BOARD)
        if lobby is None or board is None:
            return None
        return self.sb.state.messages.get(lobby, {}).get(board)
