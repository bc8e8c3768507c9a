"""Shared by the poster tests. End to end (through the sandbox): the REST routes a board costs,
the sandbox's posts and board channels, and `/poster setup` and `/poster claim` as a member
types them. Unit: a PosterService on a real SQLite file with Discord and the sessions faked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.budget import ChannelBudget
from bot.core.bus import BoardTouched, Bus
from bot.core.problems import Problems
from bot.core.ratelimit import POSTER_BOARD, MemberLimits
from bot.domain.clock import FakeClock
from bot.domain.errors import NotFound
from bot.domain.ratelimit import Rule
from bot.domain.structure import ResolvedOverwrite
from bot.features.posters.budget_repo import BudgetRepository
from bot.features.posters.domain.boards import PosterBoard
from bot.features.posters.places import PosterPlaces, PosterPlacesConfig
from bot.features.posters.repo import PosterRepository
from bot.features.posters.service import PosterService
from bot.features.sessions.domain.model import Session, SessionDraft, SessionStatus, make_draft
from bot.features.sessions.repo import SessionRepository
from bot.sandbox.sandbox import Sandbox
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.job_repo import JobRepository
from bot.store.member_action_repo import MemberActionRepository
from bot.store.problem_repo import ProblemRepository
from bot.store.structure_repo import StructureRepository
from bot.store.uow import UnitOfWork
from tests.fakes import structure
from tests.world import World

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "POST /webhooks/{application_id}/{interaction_token}"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
CREATE_POST = "POST /channels/{channel_id}/threads"
POST_MESSAGE = "POST /channels/{channel_id}/messages"
THREAD_FROM_MESSAGE = "POST /channels/{channel_id}/messages/{message_id}/threads"
DELETE_CHANNEL = "DELETE /channels/{channel_id}"
EDIT_MESSAGE = "PATCH /channels/{channel_id}/messages/{message_id}"
START = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
FORUM, TEXT = 15, 0


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests if r.method != "GET")


def place_type(community: bool) -> int:
    return FORUM if community else TEXT


def opening_a_post(community: bool) -> Counter[str]:
    """The requests that open one post: a forum post, or a message and its thread."""
    if community:
        return Counter({CREATE_POST: 1})
    return Counter({POST_MESSAGE: 1, THREAD_FROM_MESSAGE: 1})


def posts_opened(sb: Sandbox, community: bool) -> int:
    return routes(sb)[CREATE_POST if community else THREAD_FROM_MESSAGE]


def first_message(sb: Sandbox, post: dict[str, Any]) -> dict[str, Any]:
    """A post's first message: in the forum post itself, or in the text channel (same id)."""
    for channel_id in (int(post["id"]), int(post["parent_id"])):
        for message in sb.messages(channel_id):
            if message["id"] == post["id"]:
                return message
    raise AssertionError(f"post {post['id']} has no first message")


def channels_of(sb: Sandbox, guild_id: int, kind: int) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in sb.channels(guild_id) if c["type"] == kind}


def posts(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return channels_of(sb, guild_id, 11)


def board_channels(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return {n: c for n, c in channels_of(sb, guild_id, 2).items() if " · " in n}


async def text_of(result: Any) -> str:
    if result.response_type == 5:
        await result.wait_followups(1)
        return str(result.followups[0]["content"])
    return str(result.content or "")


async def setup_posters(world: World, boards: int = 10, name: str = "Posters A") -> str:
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "poster setup",
        options={"name": name, "start": "14:00", "duration": 90, "boards": boards},
        locale="en-US",
    )
    return await text_of(result)


async def claim(
    world: World, user: int, title: str, *, board: int | None = None, **extra: Any
) -> str:
    options: dict[str, Any] = {"title": title, "abstract": f"About {title}.", **extra}
    if board is not None:
        options["board"] = board
    result = await world.sb.invoke(
        world.guild_id, user, "poster claim", options=options, locale="en-US"
    )
    return await text_of(result)


def members(world: World, count: int, prefix: str = "presenter") -> list[int]:
    return [
        int(world.sb.add_member(world.guild_id, name=f"{prefix}{n}")["id"]) for n in range(count)
    ]


# -- unit tests: PosterService on a real SQLite file, Discord faked ---------------------------

GUILD = structure.GUILD
T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo


class FakePosterPort(structure.FakePort):
    """The poster port: channels (from the structure fake), posts with their first message's
    payload, who is in which voice channel; `refuse` makes the next post creation fail."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: dict[int, tuple[str, Any]] = {}  # post id -> (title, its first embed)
        self.edits: list[tuple[int, Any]] = []
        self.deleted_posts: list[int] = []
        self.voice: dict[int, int] = {}  # user -> voice channel
        self.refuse: Exception | None = None

    def children(self, guild_id: int, category_id: int) -> list[int]:
        return [c.id for c in self.channels.values() if c.parent_id == category_id]

    def is_community(self, guild_id: int) -> bool:
        return True

    async def edit_channel(
        self,
        channel_id: int,
        *,
        reason: str,
        name: str | None = None,
        parent_id: int | None = None,
        overwrites: Sequence[ResolvedOverwrite] | None = None,
    ) -> None:
        self.calls.append(f"edit {channel_id}")
        if overwrites is not None:
            self.overwrites[channel_id] = list(overwrites)

    def occupants(self, guild_id: int, channel_id: int) -> tuple[str, ...]:
        return tuple(f"user {u}" for u, c in self.voice.items() if c == channel_id)

    def voice_channel_of(self, guild_id: int, user_id: int) -> int | None:
        return self.voice.get(user_id)

    def upload_limit(self, guild_id: int) -> int:
        return 10 * 1024 * 1024

    async def create_post(
        self, place_id: int, title: str, embed: Any, view: Any, reason: str
    ) -> int:
        if self.refuse is not None:
            refusal, self.refuse = self.refuse, None
            raise refusal
        self.calls.append(f"post {title}")
        post_id = self._id()
        self.posts[post_id] = (title, embed)
        return post_id

    async def edit_post(
        self, place_id: int, post_id: int, embed: Any, view: Any, reason: str
    ) -> bool:
        self.calls.append(f"edit post {post_id}")
        if post_id not in self.posts:
            return False
        self.edits.append((post_id, embed))
        self.posts[post_id] = (self.posts[post_id][0], embed)
        return True

    async def post_exists(self, guild_id: int, post_id: int) -> bool:
        return post_id in self.posts

    async def delete_post(self, post_id: int, reason: str) -> None:
        self.calls.append(f"delete post {post_id}")
        self.deleted_posts.append(post_id)
        self.posts.pop(post_id, None)

    async def delete_post_starter(self, place_id: int, post_id: int) -> None:
        return None  # a forum: the first message went with the post

    async def post_file(self, post_id: int, filename: str, data: bytes, text: str) -> int:
        return self._id()

    async def delete_post_message(self, post_id: int, message_id: int) -> None:
        return None


class FakeSessionPlaces:
    def __init__(self) -> None:
        self.forums: dict[int, int] = {}  # session -> its forum channel

    async def discord_ids(self, guild_id: int) -> tuple[dict[int, int], dict[int, int]]:
        return dict(self.forums), {}

    async def new_channels(self, guild_id: int, sessions: Sequence[Any]) -> int:
        return 1


class FakeSessions:
    """What PosterService asks of the sessions feature, over the real sessions table."""

    def __init__(self, db: Database, clock: FakeClock) -> None:
        self._uow = UnitOfWork(db)
        self._repo = SessionRepository(db)
        self._clock = clock
        self.places = FakeSessionPlaces()

    async def programme(
        self, guild_id: int, day: Any = None, *, include_cancelled: bool = True
    ) -> list[Session]:
        return await self._repo.in_guild(guild_id, include_cancelled=include_cancelled)

    async def get(self, guild_id: int, session_id: int) -> Session:
        session = await self._repo.get(session_id)
        if session is None or session.guild_id != guild_id:
            raise NotFound("errors.session_not_found", value=str(session_id))
        return session

    async def get_any(self, session_id: int) -> Session | None:
        return await self._repo.get(session_id)

    async def resolve(self, guild_id: int, text: str) -> Session:
        return await self.get(guild_id, int(text))

    async def check_create(self, guild_id: int, draft: SessionDraft) -> None:
        return None

    async def create(
        self, guild_id: int, actor_id: int, draft: SessionDraft, *, source: str = "command"
    ) -> Session:
        async with self._uow.transaction() as tx:
            session_id = await self._repo.add(tx, guild_id, draft, self._clock.now(), source)
        return await self.get(guild_id, session_id)

    async def edit(
        self, guild_id: int, actor_id: int, session: Session, changes: dict[str, Any]
    ) -> Session:
        draft = make_draft(**{**session.draft_fields(), **changes})
        async with self._uow.transaction() as tx:
            await self._repo.update(tx, session.id, draft, self._clock.now())
        return await self.get(guild_id, session.id)

    async def set_status(self, session: Session, status: SessionStatus) -> Session:
        async with self._uow.transaction() as tx:
            await self._repo.set_status(tx, session.id, status, self._clock.now())
        return await self.get(session.guild_id, session.id)


@dataclass
class PosterParts:
    """A PosterService and what a test looks at beside it."""

    posters: PosterService
    db: Database
    port: FakePosterPort
    sessions: FakeSessions
    clock: FakeClock
    touched: list[BoardTouched]
    pokes: list[int]


def message_of(board: PosterBoard) -> tuple[Any, Any]:
    """What render.py would build (embed, view): here the board's number and abstract."""
    return (board.number, board.abstract), None


def poster_service(
    db: Database, *, per_presenter: int = 1, changes: int = 100, clock: FakeClock | None = None
) -> PosterParts:
    clock = clock or FakeClock(T0)
    port = FakePosterPort()
    sessions = FakeSessions(db, clock)
    objects = StructureRepository(db)
    jobs = JobRepository(db)
    bus = Bus()
    touched: list[BoardTouched] = []
    bus.subscribe(BoardTouched, touched.append)
    pokes: list[int] = []
    places = PosterPlaces(
        port,
        objects,
        clock,
        PosterPlacesConfig(
            prepare=timedelta(minutes=30),
            organizer_roles=("Organizer",),
            category_name=lambda session, part: f"Posters {part}",
            post_message=message_of,
        ),
    )
    posters = PosterService(
        UnitOfWork(db),
        PosterRepository(db),
        sessions,  # type: ignore[arg-type]
        places,
        jobs,
        port,
        AuditRepository(db),
        clock,
        objects=objects,
        per_presenter=per_presenter,
        poke=lambda: pokes.append(1),
        problems=Problems(db, ProblemRepository(db), jobs, clock),
        budget=ChannelBudget(port, BudgetRepository(db).promised_channels),
        limits=MemberLimits(
            MemberActionRepository(db),
            clock,
            {POSTER_BOARD: Rule(changes, timedelta(minutes=10), "errors.poster_changes_rate")},
        ),
        bus=bus,
    )
    return PosterParts(posters, db, port, sessions, clock, touched, pokes)
