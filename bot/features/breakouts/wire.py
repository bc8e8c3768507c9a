"""The breakouts feature: `/breakout start|end`, the rooms beside a session's channel, the end
and its warning as jobs, and attendance counting the rooms toward their session."""

from __future__ import annotations

from bot.core.bus import BoardTouched, SessionChanged
from bot.core.feature import Core, Feature
from bot.core.privacy import PersonalData
from bot.core.reconcile import Converge, Repair
from bot.domain.limits import CHANNELS_PER_CATEGORY
from bot.features.attendance.service import AttendanceService
from bot.features.breakouts import keys
from bot.features.breakouts.cog import BreakoutCog, BreakoutVoice
from bot.features.breakouts.corridor import Corridor
from bot.features.breakouts.places import BreakoutPlaces
from bot.features.breakouts.repo import BreakoutRepository
from bot.features.breakouts.service import BreakoutService
from bot.features.breakouts.sidebar import Sidebar
from bot.features.posters.service import PosterService
from bot.features.rooms.service import RoomService
from bot.features.sessions.service import SessionService

PROBLEM = "breakouts"
WHAT = "problems.what.breakouts"


def wire(core: Core) -> Feature:
    sessions = core.services.get("sessions", SessionService)
    breakouts = BreakoutService(
        core.db,
        BreakoutRepository(core.db),
        BreakoutPlaces(
            core.gateway, core.objects, core.clock, CHANNELS_PER_CATEGORY, gate=core.gate
        ),
        core.jobs,
        core.gateway,
        core.audit,
        core.clock,
        core.budget,
        session_channel=sessions.places.channel_id,
        text=core.text,
        poke=core.scheduler.poke,
    )
    attendance = core.services.find("attendance", AttendanceService)
    if attendance is not None:
        attendance.count_toward_session(keys.session_of_room)

    corridor = Corridor(
        core.gateway,
        core.clock,
        core.settings.zone,
        core.text,
        sessions=sessions,
        rooms=core.services.find("rooms", RoomService),
        posters=core.services.find("posters", PosterService),
        breakouts=breakouts,
    )
    config = core.settings.breakouts
    sidebar = Sidebar(
        core.gateway,
        corridor.statuses,
        interval=config.status_seconds,
        enabled=config.voice_status,
    )
    core.bus.subscribe(SessionChanged, lambda event: sidebar.touch(event.guild_id))
    core.bus.subscribe(BoardTouched, lambda event: sidebar.touch(event.guild_id))

    async def converge_sidebar(guild_id: int) -> None:
        sidebar.touch(guild_id)

    async def channel_gone(guild_id: int, purpose: str, discord_id: int) -> None:
        await breakouts.channel_gone(guild_id, purpose)

    return Feature(
        name="breakouts",
        cogs=(
            lambda bot: BreakoutCog(breakouts, sessions, core.catalog),
            lambda bot: BreakoutVoice(bot, breakouts, sidebar),
        ),
        jobs=breakouts.jobs(),
        converge=(Converge(breakouts.reconcile, PROBLEM, WHAT), Converge(converge_sidebar)),
        repairs=(Repair(channel_gone, keys.PREFIXES, PROBLEM, WHAT),),
        stop=(sidebar.stop,),
        exposes={"breakouts": breakouts, "sidebar": sidebar},
        personal=(
            PersonalData(
                "breakouts",
                breakouts.count_person,
                breakouts.forget_person,
                "breakouts.personal_label",
            ),
        ),
    )
