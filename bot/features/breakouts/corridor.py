"""What each voice channel's status line should say (the sidebar's texts), from the rooms, the
programme and the running breakouts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock
from bot.domain.ports import GuildView
from bot.domain.structure import ChannelKind
from bot.features.breakouts.service import BreakoutService
from bot.features.posters.service import PosterService
from bot.features.rooms.service import RoomService
from bot.features.sessions.domain.model import SessionStatus
from bot.features.sessions.service import SessionService

Text = Callable[..., str]


class Corridor:
    def __init__(
        self,
        port: GuildView,
        clock: Clock,
        zone: ZoneInfo,
        text: Text,
        *,
        sessions: SessionService,
        rooms: RoomService | None,
        posters: PosterService | None,
        breakouts: BreakoutService,
    ) -> None:
        self._posters = posters
        self._port = port
        self._clock = clock
        self._zone = zone
        self._text = text
        self._sessions = sessions
        self._rooms = rooms
        self._breakouts = breakouts

    def _voice(self, guild_id: int, channel_id: int) -> bool:
        ref = self._port.channel(guild_id, channel_id)
        return ref is not None and ref.kind is ChannelKind.VOICE

    def _hhmm(self, when: datetime) -> str:
        return f"{when.astimezone(self._zone):%H:%M}"

    async def statuses(self, guild_id: int) -> dict[int, str]:
        found: dict[int, str] = {}
        now = self._clock.now()
        today = now.astimezone(self._zone).date()
        channels, _ = await self._sessions.places.discord_ids(guild_id)
        for session in await self._sessions.programme(guild_id, include_cancelled=False):
            channel = channels.get(session.id)
            if channel is None or not self._voice(guild_id, channel):
                continue
            if session.status is SessionStatus.OPEN:
                found[channel] = self._text("breakouts.status_now", title=session.title)
            elif (
                session.status is SessionStatus.SCHEDULED
                and session.start > now
                and session.start.astimezone(self._zone).date() == today
            ):
                found[channel] = self._text(
                    "breakouts.status_next", time=self._hhmm(session.start), title=session.title
                )
        if self._rooms is not None:
            for view in await self._rooms.open_rooms(guild_id):
                if view.channel_id is None:
                    continue
                found[view.channel_id] = self._text(
                    "breakouts.status_room", topic=view.room.topic, count=len(view.occupants)
                )
        if self._posters is not None:
            for session in await self._posters.poster_sessions(guild_id):
                if session.status not in (SessionStatus.OPEN, SessionStatus.SCHEDULED):
                    continue
                for spot in await self._posters.views(guild_id, session):
                    board = spot.board
                    if spot.voice_id is None or not board.claimed:
                        continue
                    here = spot.presenter_here
                    key = "breakouts.status_poster_here" if here else "breakouts.status_poster"
                    found[spot.voice_id] = self._text(
                        key, number=board.number, title=board.title or ""
                    )
        for breakout in await self._breakouts.running(guild_id):
            back = self._text("breakouts.status_breakout", time=self._hhmm(breakout.ends_at))
            for channel in (await self._breakouts.places.rooms(breakout)).values():
                found[channel] = back
        return found
