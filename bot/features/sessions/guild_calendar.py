"""A guild's calendar file: the `.ics` of some of its sessions (`/schedule export` all of them,
`/agenda export` one person's), named and linked the same way wherever it is asked for.

The name is the `title` setting, else the title a schedule file gave, else the server's name;
each event links to its session's place on the server. The builder itself is pure
(calendar.py); this adds what only the running bot knows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from bot.domain.clock import Clock
from bot.features.sessions.calendar import calendar_title, schedule_ics
from bot.features.sessions.domain.model import Session

# guild id -> session id -> the Discord id of its place
PlaceIds = Callable[[int], Awaitable[Mapping[int, int]]]


class GuildCalendar:
    def __init__(
        self,
        places: PlaceIds,
        *,
        clock: Clock,
        zone: ZoneInfo,
        title: str | None,
        workshop_title: Callable[[int], Awaitable[str | None]],
    ) -> None:
        self._places = places
        self._clock = clock
        self._zone = zone
        self._title = title  # the setting
        self._workshop_title = workshop_title  # else the one a schedule file named

    async def ics(self, guild_id: int, guild_name: str, sessions: Sequence[Session]) -> bytes:
        channels = await self._places(guild_id)

        def channel_url(session: Session) -> str | None:
            channel = channels.get(session.id)
            return f"https://discord.com/channels/{guild_id}/{channel}" if channel else None

        return schedule_ics(
            sessions,
            guild_id=guild_id,
            calendar_name=calendar_title(
                self._title, await self._workshop_title(guild_id), guild_name
            ),
            channel_url=channel_url,
            now=self._clock.now(),
            zone=self._zone,
        )
