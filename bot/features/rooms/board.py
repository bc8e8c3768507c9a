"""The live room board in #lobby: one message, kept up to date, never edited more than needed.

`touch(guild)` says "something may have changed" (a voice event, a room opened, a session
opened); it is cheap and can be called for every event. One task per guild then rebuilds the board
from the database and the gateway cache and edits the message at most once per `interval` seconds
(however many events arrive), and not at all when nothing visible changed. A deleted board message
is posted again (its id persisted by the structure service) and filled in.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.core.problems import Problems
from bot.domain.errors import DiscordUnavailable
from bot.domain.ports import BoardPort
from bot.domain.structure import ChannelKind, Purpose
from bot.features.rooms.board_repo import BoardRepository
from bot.features.rooms.domain.board import BoardRoom, RoomBoard
from bot.features.rooms.service import RoomService
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.service import SessionService
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

VOICE_KINDS = (ChannelKind.VOICE, ChannelKind.STAGE)


def digest(board: RoomBoard, locale: str) -> str:
    """Equal digests: the message looks the same (the board is rendered in `locale`)."""
    return hashlib.sha256(f"{locale}\n{board.model_dump_json()}".encode()).hexdigest()


PosterSummary = Callable[[int, Session], Awaitable[tuple[int, int, int]]]
# A board -> its message as the gateway posts it (embed, view), in the workshop's locale.
BoardRender = Callable[[RoomBoard], tuple[Any, Any]]


@dataclass(frozen=True)
class BoardPost:
    """The board message as it is first posted (nothing on it yet), rendered: the structure
    feature posts `embed` and `view`, then announces `board` (BoardPosted)."""

    board: RoomBoard
    embed: Any
    view: Any


class BoardService:
    def __init__(
        self,
        shown: BoardRepository,
        objects: StructureRepository,
        rooms: RoomService,
        sessions: SessionService,
        port: BoardPort,
        problems: Problems,
        *,
        render: BoardRender,
        interval: float,
        locale: str,
        recreate: Callable[[int, int], Awaitable[object]],
        poster_summary: PosterSummary | None = None,
    ) -> None:
        self._problems = problems
        self._shown_repo = shown
        self._locale = locale
        self._objects = objects
        self._rooms = rooms
        self._sessions = sessions
        self._port = port
        self._render = render
        self.interval = interval
        # The board message is gone -> post it again (guild id, message id).
        self._recreate = recreate
        # (claimed boards, people at boards, presenters present) of a poster session, shown
        # instead of a head count (None: no posters feature).
        self._poster_summary = poster_summary
        self._dirty: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._last_edit: dict[int, float] = {}
        self._shown: dict[int, tuple[int, str]] = {}  # guild -> (message id, digest)
        self._stopped = False
        self.edits = 0  # board edits sent (benchmarks read these)
        self.skipped = 0  # rebuilds that changed nothing visible

    def first_post(self) -> BoardPost:
        """The board message to post in a new (or emptied) lobby."""
        board = RoomBoard()
        embed, view = self._render(board)
        return BoardPost(board, embed, view)

    async def posted(self, guild_id: int, message_id: int, board: RoomBoard) -> None:
        """The structure service (re)posted the board message showing `board`: fill it in."""
        await self._remember(guild_id, message_id, digest(board, self._locale))
        self.touch(guild_id)

    async def _remember(self, guild_id: int, message_id: int, value: str) -> None:
        self._shown[guild_id] = (message_id, value)
        await self._shown_repo.record(guild_id, message_id, value)

    def touch(self, guild_id: int) -> None:
        """Something the board shows may have changed: look again soon."""
        if self._stopped:
            return
        self._dirty.add(guild_id)
        if guild_id not in self._tasks:
            self._tasks[guild_id] = asyncio.create_task(
                self._run(guild_id), name=f"room-board-{guild_id}"
            )

    async def settled(self, guild_id: int) -> None:
        """Until the board of `guild_id` shows everything touched so far (tests, benchmarks)."""
        while (task := self._tasks.get(guild_id)) is not None:
            await asyncio.shield(task)

    async def stop(self) -> None:
        self._stopped = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def snapshot(self, guild_id: int) -> RoomBoard:
        """What the board should show now."""
        running = []
        channels, _ = await self._sessions.places.discord_ids(guild_id)
        for session in await self._sessions.programme(guild_id, include_cancelled=False):
            channel_id = channels.get(session.id)
            if session.status is not SessionStatus.OPEN or channel_id is None:
                continue
            ref = self._port.channel(guild_id, channel_id)
            voice = ref is not None and ref.kind in VOICE_KINDS
            if session.kind is SessionKind.POSTER and self._poster_summary is not None:
                summary = await self._poster_summary(guild_id, session)
                running.append(
                    BoardRoom(
                        channel_id=channel_id, title=session.title, has_voice=False, poster=summary
                    )
                )
                continue
            running.append(
                BoardRoom(
                    channel_id=channel_id,
                    title=session.title,
                    occupants=self._port.occupants(guild_id, channel_id) if voice else (),
                    has_voice=voice,
                )
            )
        rooms = [
            BoardRoom(
                channel_id=view.channel_id,
                title=view.room.topic,
                occupants=view.occupants,
                user_limit=view.room.user_limit,
                link=view.room.link,
            )
            for view in await self._rooms.open_rooms(guild_id)
            if view.channel_id is not None
        ]
        return RoomBoard(running_sessions=tuple(running), rooms=tuple(rooms))

    async def _run(self, guild_id: int) -> None:
        loop = asyncio.get_running_loop()
        try:
            while guild_id in self._dirty and not self._stopped:
                wait = self._last_edit.get(guild_id, float("-inf")) + self.interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._dirty.discard(guild_id)
                try:
                    async with self._problems.background(guild_id, "board", "problems.what.board"):
                        await self._refresh(guild_id)
                except DiscordUnavailable:
                    log.warning("Discord failed editing the room board; trying again")
                    self._dirty.add(guild_id)
                    self._last_edit[guild_id] = loop.time()
                except Exception:
                    log.exception("the room board of guild %s could not be updated", guild_id)
        finally:
            self._tasks.pop(guild_id, None)

    async def _refresh(self, guild_id: int) -> None:
        lobby = await self._objects.get(guild_id, Purpose.LOBBY)
        message = await self._objects.get(guild_id, Purpose.LOBBY_BOARD)
        if lobby is None or message is None or lobby.discord_id is None:
            return  # not set up (yet)
        if message.discord_id is None:
            return  # being posted again: the structure service touches the board after
        board = await self.snapshot(guild_id)
        wanted = digest(board, self._locale)
        if guild_id not in self._shown:
            stored = await self._shown_repo.shown(guild_id)
            if stored is not None:
                self._shown[guild_id] = stored
        if self._shown.get(guild_id) == (message.discord_id, wanted):
            self.skipped += 1
            return
        self._last_edit[guild_id] = asyncio.get_running_loop().time()
        self.edits += 1
        embed, view = self._render(board)
        if await self._port.edit_board(lobby.discord_id, message.discord_id, embed, view):
            await self._remember(guild_id, message.discord_id, wanted)
        else:
            log.warning("the room board message of guild %s is gone: posting it again", guild_id)
            await self._recreate(guild_id, message.discord_id)
