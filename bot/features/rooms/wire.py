"""The rooms feature: topic rooms anyone can open (closed when idle), and the live room board
in the lobby that shows the rooms and running sessions with who is inside."""

from __future__ import annotations

from datetime import timedelta

from bot.core.bus import BoardPosted, BoardTouched, SessionChanged
from bot.core.feature import Core, Feature
from bot.core.reconcile import Converge, Repair
from bot.features.rooms.board import BoardService
from bot.features.rooms.board_repo import BoardRepository
from bot.features.rooms.cog import HallwayCog, RoomCog, VoiceEvents
from bot.features.rooms.domain.rooms import RoomLimits
from bot.features.rooms.hallway import Hallway
from bot.features.rooms.keys import PREFIXES
from bot.features.rooms.render import RoomsRender
from bot.features.rooms.repo import RoomRepository
from bot.features.rooms.service import RoomsConfig, RoomService
from bot.features.rooms.views import (
    HallwayGuide,
    JoinConversationButton,
    OpenRoomButton,
    RoomOpener,
)
from bot.features.sessions.service import SessionService

PROBLEM = "rooms"
WHAT = "problems.what.rooms"


def wire(core: Core) -> Feature:
    config = core.settings.rooms

    def category_name(part: int) -> str:
        name = core.text("structure.rooms_category")
        return name if part == 1 else f"{name} ({part})"

    board: BoardService
    rooms = RoomService(
        core.db,
        RoomRepository(core.db),
        core.objects,
        core.jobs,
        core.gateway,
        core.audit,
        core.clock,
        RoomsConfig(
            limits=RoomLimits(
                max_open=config.max_open,
                reserve_channels=config.reserve_channels,
                per_owner=config.per_owner,
                opens_per_window=config.opens_per_window,
                opens_window=timedelta(minutes=config.opens_window_minutes),
            ),
            idle=timedelta(seconds=config.idle_close_seconds),
            category_name=category_name,
            link_text=lambda topic, link: core.text("rooms.link_posted", link=link),
        ),
        poke=core.scheduler.poke,
        on_change=lambda guild_id: board.touch(guild_id),  # the board should look again
        gate=core.gate,
    )
    # The posters feature, when present, tells how busy a running poster session is.
    posters = core.services.find("posters", object)
    opener = RoomOpener(rooms, core.catalog, config.idle_close_seconds)
    open_button = OpenRoomButton.bound(opener)
    hallway = Hallway(rooms, core.gateway)
    guide = HallwayGuide(hallway, core.catalog, open_button)
    join_button = JoinConversationButton.bound(guide)
    render = RoomsRender(core.catalog, open_button=open_button, join_button=join_button)
    board = BoardService(
        BoardRepository(core.db),
        core.objects,
        rooms,
        core.services.get("sessions", SessionService),
        core.gateway,
        core.problems,
        render=render.board_message,
        interval=config.board_edit_seconds,
        locale=core.settings.locale,
        recreate=core.reconciler.object_deleted,
        poster_summary=getattr(posters, "summary", None),
    )
    bus = core.bus
    bus.subscribe(SessionChanged, lambda event: board.touch(event.guild_id))
    bus.subscribe(BoardTouched, lambda event: board.touch(event.guild_id))
    bus.subscribe(
        BoardPosted, lambda event: board.posted(event.guild_id, event.message_id, event.board)
    )

    async def channel_gone(guild_id: int, purpose: str, discord_id: int) -> None:
        await rooms.channel_gone(guild_id, purpose)

    return Feature(
        name="rooms",
        cogs=(
            lambda bot: RoomCog(rooms, render, opener),
            lambda bot: VoiceEvents(bot, rooms, board),
            lambda bot: HallwayCog(guide),
        ),
        dynamic_items=(open_button, join_button),
        jobs=rooms.jobs(),
        converge=(Converge(rooms.reconcile, PROBLEM, WHAT),),
        repairs=(Repair(channel_gone, PREFIXES, PROBLEM, WHAT),),
        stop=(board.stop,),
        exposes={"rooms": rooms, "board": board, "hallway": hallway},
    )
