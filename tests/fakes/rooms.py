"""Shared by the rooms tests: a fake Discord for topic rooms and the board (channels, who is in
voice, the board message), a fake programme, and the two services on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.core.problems import Problems
from bot.domain.clock import FakeClock
from bot.domain.errors import DiscordRefused, Refusal
from bot.domain.ports import ChannelRef, ChannelState, GuildStats
from bot.domain.structure import ChannelKind, ItemKind, Purpose, ResolvedOverwrite
from bot.features.rooms.board import BoardService
from bot.features.rooms.board_repo import BoardRepository
from bot.features.rooms.domain.board import RoomBoard
from bot.features.rooms.domain.rooms import RoomLimits
from bot.features.rooms.repo import RoomRepository
from bot.features.rooms.service import RoomsConfig, RoomService
from bot.features.sessions.domain.model import Session
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.job_repo import JobRepository
from bot.store.problem_repo import ProblemRepository
from bot.store.structure_repo import StructureRepository

GUILD = 1000
BOT = 42
IDLE = timedelta(seconds=600)
LIMITS = RoomLimits(
    max_open=5,
    reserve_channels=20,
    per_owner=2,
    opens_per_window=10,
    opens_window=timedelta(minutes=10),
)


def refused() -> DiscordRefused:
    return DiscordRefused(Refusal.PERMISSIONS, status=403, code=50013, detail="Missing Permissions")


class FakeRoomPort:
    """Discord as the rooms feature sees it: every request is recorded in `calls`; `refuse`
    names request kinds ("create", "edit", "delete", "edit board") Discord refuses (403)."""

    def __init__(self) -> None:
        self.channels: dict[int, ChannelRef] = {}
        self.voice: dict[int, tuple[str, ...]] = {}  # channel id -> display names inside
        self.messages: dict[int, set[int]] = {}  # channel id -> message ids
        self.shown: dict[int, tuple[Any, Any]] = {}  # message id -> (embed, view) last sent
        self.calls: list[str] = []
        self.refuse: set[str] = set()
        self._next = 5000

    def _id(self) -> int:
        self._next += 1
        return self._next

    def _request(self, what: str) -> None:
        self.calls.append(what)
        if what.split(" ")[0] in self.refuse or what in self.refuse:
            raise refused()

    def add_channel(self, name: str, kind: ChannelKind, parent_id: int | None = None) -> int:
        """A channel someone else made (a session's, the lobby)."""
        ref = ChannelRef(id=self._id(), kind=kind, name=name, parent_id=parent_id)
        self.channels[ref.id] = ref
        return ref.id

    def post(self, channel_id: int) -> int:
        """A message in a channel (the board as the structure feature posted it)."""
        message_id = self._id()
        self.messages.setdefault(channel_id, set()).add(message_id)
        return message_id

    def named(self, name: str) -> ChannelRef:
        (found,) = [c for c in self.channels.values() if c.name == name]
        return found

    # -- GuildView -------------------------------------------------------------------------------

    @property
    def bot_user_id(self) -> int:
        return BOT

    def channel(self, guild_id: int, channel_id: int) -> ChannelRef | None:
        return self.channels.get(channel_id)

    def find_channel(
        self, guild_id: int, *, name: str, kind: ChannelKind, parent_id: int | None
    ) -> ChannelRef | None:
        for c in self.channels.values():
            if c.name == name and c.kind is kind and c.parent_id == parent_id:
                return c
        return None

    def roles(self, guild_id: int) -> list[tuple[int, str]]:
        return [(GUILD, "@everyone")]

    def children(self, guild_id: int, category_id: int) -> list[int]:
        return [c.id for c in self.channels.values() if c.parent_id == category_id]

    def stats(self, guild_id: int) -> GuildStats:
        inside = [names for names in self.voice.values() if names]
        return GuildStats(
            channels=len(self.channels),
            people_in_voice=sum(len(names) for names in inside),
            voice_channels_in_use=len(inside),
        )

    def is_community(self, guild_id: int) -> bool:
        return True

    def occupants(self, guild_id: int, channel_id: int) -> tuple[str, ...]:
        return self.voice.get(channel_id, ())

    # -- ChannelPort -----------------------------------------------------------------------------

    def channel_state(self, guild_id: int, channel_id: int) -> ChannelState | None:
        ref = self.channels.get(channel_id)
        return None if ref is None else ChannelState(ref=ref, overwrites=frozenset())

    async def create_channel(
        self,
        guild_id: int,
        *,
        name: str,
        kind: ChannelKind,
        parent_id: int | None,
        topic: str | None,
        overwrites: Sequence[ResolvedOverwrite],
        reason: str,
        user_limit: int | None = None,
    ) -> ChannelRef:
        assert not overwrites, "topic rooms and their categories inherit the server's"
        self._request(f"create {name}")
        ref = ChannelRef(id=self._id(), kind=kind, name=name, parent_id=parent_id)
        self.channels[ref.id] = ref
        return ref

    async def edit_channel(
        self,
        channel_id: int,
        *,
        reason: str,
        name: str | None = None,
        parent_id: int | None = None,
        overwrites: Sequence[ResolvedOverwrite] | None = None,
    ) -> None:
        self._request(f"edit {channel_id}")
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = name
        if parent_id is not None:
            changes["parent_id"] = parent_id
        self.channels[channel_id] = self.channels[channel_id].model_copy(update=changes)

    async def delete_channel(self, channel_id: int, reason: str) -> None:
        self._request(f"delete {channel_id}")
        self.channels.pop(channel_id, None)
        self.voice.pop(channel_id, None)

    # -- BoardPort -------------------------------------------------------------------------------

    async def edit_board(self, channel_id: int, message_id: int, embed: Any, view: Any) -> bool:
        self._request("edit board")
        if message_id not in self.messages.get(channel_id, set()):
            return False
        self.shown[message_id] = (embed, view)
        return True


@dataclass
class FakePlaces:
    channels: dict[int, int] = field(default_factory=dict)  # session id -> channel id

    async def discord_ids(self, guild_id: int) -> tuple[dict[int, int], dict[int, int]]:
        return dict(self.channels), {}


@dataclass
class FakeSessions:
    """The programme as the board reads it (SessionService's `programme` and `places`)."""

    sessions: list[Session] = field(default_factory=list)
    places: FakePlaces = field(default_factory=FakePlaces)

    async def programme(self, guild_id: int, *, include_cancelled: bool = True) -> list[Session]:
        return [s for s in self.sessions if include_cancelled or not s.cancelled]


@dataclass
class Signals:
    """What a service told the rest of the bot: scheduler pokes, board touches, recreations."""

    pokes: int = 0
    changed: list[int] = field(default_factory=list)
    recreated: list[tuple[int, int]] = field(default_factory=list)

    def poke(self) -> None:
        self.pokes += 1

    async def recreate(self, guild_id: int, message_id: int) -> None:
        self.recreated.append((guild_id, message_id))


@asynccontextmanager
async def database(path: Path) -> AsyncIterator[Database]:
    db = Database(path)
    await db.open()
    await db.migrate()
    try:
        yield db
    finally:
        await db.close()


def category_name(part: int) -> str:
    return "Topic rooms" if part == 1 else f"Topic rooms ({part})"


def room_service(
    db: Database,
    port: FakeRoomPort,
    clock: FakeClock,
    signals: Signals,
    *,
    limits: RoomLimits = LIMITS,
    per_category: int = 50,
) -> RoomService:
    return RoomService(
        db,
        RoomRepository(db),
        StructureRepository(db),
        JobRepository(db),
        port,
        AuditRepository(db),
        clock,
        RoomsConfig(
            limits=limits, idle=IDLE, category_name=category_name, per_category=per_category
        ),
        poke=signals.poke,
        on_change=signals.changed.append,
    )


def render(board: RoomBoard) -> tuple[Any, Any]:
    """The board "rendered": the fake port keeps what it was given."""
    return board, "view"


def board_service(
    db: Database,
    port: FakeRoomPort,
    clock: FakeClock,
    signals: Signals,
    rooms: RoomService,
    sessions: FakeSessions,
    *,
    poster_summary: Any = None,
) -> BoardService:
    return BoardService(
        BoardRepository(db),
        StructureRepository(db),
        rooms,
        sessions,  # type: ignore[arg-type]
        port,
        Problems(db, ProblemRepository(db), JobRepository(db), clock),
        render=render,
        interval=0,
        locale="en",
        recreate=signals.recreate,
        poster_summary=poster_summary,
    )


async def lobby_with_board(db: Database, port: FakeRoomPort, clock: FakeClock) -> tuple[int, int]:
    """The lobby and its board message, as /workshop setup leaves them: (lobby, message) ids."""
    objects = StructureRepository(db)
    lobby = port.add_channel("lobby", ChannelKind.TEXT)
    message = port.post(lobby)
    await objects.intend(GUILD, Purpose.LOBBY, ItemKind.TEXT, None, clock.now())
    await objects.record(GUILD, Purpose.LOBBY, lobby, clock.now())
    await objects.intend(GUILD, Purpose.LOBBY_BOARD, ItemKind.MESSAGE, Purpose.LOBBY, clock.now())
    await objects.record(GUILD, Purpose.LOBBY_BOARD, message, clock.now())
    return lobby, message
