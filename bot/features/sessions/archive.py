"""The programme's files in the wrap-up archive: `programme.ics` (every session, cancelled ones
marked so) and `programme.csv` (the columns `/session import` reads plus status, cancelled
sessions included), made from the database alone (the same bytes online and offline)."""

from __future__ import annotations

import io

from bot.domain.clock import Clock
from bot.features.sessions import keys
from bot.features.sessions.calendar import calendar_title, schedule_ics, write_schedule_csv
from bot.features.sessions.domain.model import Session
from bot.features.sessions.repo import SessionRepository
from bot.features.sessions.workshop_repo import WorkshopRepository
from bot.i18n import Catalog
from bot.settings import Settings
from bot.store.structure_repo import StructureRepository

BOM = "\ufeff"


class ProgrammeFiles:
    def __init__(
        self,
        sessions: SessionRepository,
        objects: StructureRepository,
        workshops: WorkshopRepository,
        clock: Clock,
        settings: Settings,
        catalog: Catalog,
    ) -> None:
        self._sessions = sessions
        self._objects = objects
        self._workshops = workshops
        self._clock = clock
        self._settings = settings
        self._catalog = catalog

    async def _channels(self, guild_id: int) -> dict[int, int]:
        channels: dict[int, int] = {}
        for item in await self._objects.with_prefix(guild_id, keys.SESSION_PREFIX):
            session_id = keys.channel_session(item.purpose)
            if session_id is not None and item.discord_id is not None:
                channels[session_id] = item.discord_id
        return channels

    async def ics(self, guild_id: int) -> tuple[bytes, int]:
        sessions = await self._sessions.in_guild(guild_id, include_cancelled=True)
        channels = await self._channels(guild_id)

        def channel_url(session: Session) -> str | None:
            channel = channels.get(session.id)
            return f"https://discord.com/channels/{guild_id}/{channel}" if channel else None

        name = calendar_title(
            self._settings.title,
            await self._workshops.title(guild_id),
            self._catalog.t("cli.export.calendar_name", self._settings.locale),
        )
        data = schedule_ics(
            sessions,
            guild_id=guild_id,
            calendar_name=name,
            channel_url=channel_url,
            now=self._clock.now(),
            zone=self._settings.zone,
        )
        return data, len(sessions)

    async def csv(self, guild_id: int) -> tuple[bytes, int]:
        sessions = await self._sessions.in_guild(guild_id, include_cancelled=True)
        out = io.StringIO()
        out.write(BOM)
        rows = write_schedule_csv(out, sessions, self._settings.zone, include_cancelled=True)
        return out.getvalue().encode("utf-8"), rows
