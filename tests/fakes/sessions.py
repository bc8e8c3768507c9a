"""Shared helpers of the sessions tests: upload a schedule file with `/session import`, read a
message's buttons, press Confirm, the names of the sessions' places."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core.budget import ChannelBudget
from bot.core.bus import Bus, SessionChanged
from bot.core.problems import Problems
from bot.domain.clock import FakeClock
from bot.domain.errors import DiscordRefused, DiscordUnavailable, Refusal
from bot.domain.ports import GuildStats
from bot.domain.structure import ItemKind, Purpose
from bot.features.sessions.announcer import Announcer
from bot.features.sessions.domain.model import SessionDraft
from bot.features.sessions.jobs import SessionJobs
from bot.features.sessions.repo import SessionRepository
from bot.features.sessions.service import SessionService
from bot.features.sessions.texts import SessionTexts
from bot.features.sessions.timers import SessionsConfig
from bot.i18n import Catalog
from bot.sandbox.sandbox import Sandbox
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository
from bot.store.problem_repo import ProblemRepository
from bot.store.structure_repo import StructureRepository
from bot.store.uow import UnitOfWork

if TYPE_CHECKING:
    from tests.world import World


def session_channels(sb: Sandbox, guild_id: int) -> set[str]:
    return {c["name"] for c in sb.channels(guild_id) if c["type"] in (2, 13)}


async def upload(world: World, filename: str, data: bytes, user: int | None = None):  # type: ignore[no-untyped-def]
    result = await world.sb.invoke(
        world.guild_id,
        user or world.organizer_id,
        "session import",
        options={"file": (filename, data)},
        locale="en-US",
    )
    if result.response_type == 5:
        await result.wait_followups(1)
    return result


def buttons(message: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["label"]: c for row in message["components"] for c in row["components"]}


async def confirm(world: World, preview_message: dict) -> dict:  # type: ignore[type-arg]
    button = buttons(preview_message)["Confirm"]
    assert not button.get("disabled")
    clicked = await world.sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview_message["id"]),
        button["custom_id"],
        locale="en-US",
    )
    await world.settle(0.3)
    return clicked


TOKYO = ZoneInfo("Asia/Tokyo")

# -- the sessions feature's services without Discord (unit tests: a real SQLite file) ---------

GUILD = 1000
ANNOUNCEMENTS = 7001


class FakePlaces:
    """Stands in for `SessionPlaces`: records each convergence; `refuse` / `unavailable` make the
    next one(s) fail the way Discord would (a permanent refusal, a server error)."""

    def __init__(self) -> None:
        self.converged: list[tuple[int, set[int] | None]] = []
        self.channels: dict[int, int] = {}  # session id -> its channel
        self.refuse = 0  # the next `refuse` convergences raise DiscordRefused
        self.unavailable = 0  # the next `unavailable` convergences raise DiscordUnavailable
        self.rolling = False
        self.need = 0  # new channels a programme needs

    async def converge(self, guild_id: int, only: set[int] | None = None) -> None:
        self.converged.append((guild_id, None if only is None else set(only)))
        if self.refuse:
            self.refuse -= 1
            raise DiscordRefused(Refusal.PERMISSIONS, status=403, code=50013)
        if self.unavailable:
            self.unavailable -= 1
            raise DiscordUnavailable(status=503)

    async def new_channels(self, guild_id: int, programme: list[SessionDraft]) -> int:
        return self.need

    async def channel_id(self, session_id: int, guild_id: int) -> int | None:
        return self.channels.get(session_id)

    async def discord_ids(self, guild_id: int) -> tuple[dict[int, int], dict[int, int]]:
        return dict(self.channels), {}

    def take_rename_retry(self) -> datetime | None:
        return None


class FakePosts:
    """What the jobs and the announcer post: `post` / `find_post` of the SessionPort, and the
    guild's channel count for the channel budget."""

    def __init__(self) -> None:
        self.posts: list[tuple[int, str, str]] = []  # (channel, text, marker)
        self.channel_count = 0

    async def post(self, channel_id: int, text: str, *, marker: str) -> int:
        self.posts.append((channel_id, text, marker))
        return len(self.posts)

    async def find_post(self, channel_id: int, marker: str) -> int | None:
        for index, (channel, _, posted) in enumerate(self.posts, start=1):
            if channel == channel_id and posted == marker:
                return index
        return None

    def stats(self, guild_id: int) -> GuildStats:
        return GuildStats(channels=self.channel_count, people_in_voice=0, voice_channels_in_use=0)


@dataclass
class SessionsKit:
    """A `SessionService` and its `SessionJobs` on a real database, Discord faked."""

    db: Database
    clock: FakeClock
    places: FakePlaces
    posts: FakePosts
    service: SessionService
    jobs: SessionJobs
    repo: SessionRepository
    job_repo: JobRepository
    changed: list[SessionChanged] = field(default_factory=list)
    pokes: list[None] = field(default_factory=list)

    async def job(self, kind: str, session_id: int) -> Job:
        (found,) = [j for j in await self.job_repo.for_subject(session_id) if j.kind == kind]
        return found

    async def pending(self, session_id: int) -> dict[str, datetime]:
        return {
            j.kind: j.due_at
            for j in await self.job_repo.for_subject(session_id)
            if j.state == "pending"
        }


async def sessions_kit(
    db: Database, clock: FakeClock, *, announcements: bool = True
) -> SessionsKit:
    places, posts = FakePlaces(), FakePosts()
    objects = StructureRepository(db)
    if announcements:
        await objects.intend(GUILD, Purpose.ANNOUNCEMENTS, ItemKind.TEXT, None, clock.now())
        await objects.record(GUILD, Purpose.ANNOUNCEMENTS, ANNOUNCEMENTS, clock.now())
    repo, job_repo = SessionRepository(db), JobRepository(db)
    texts = SessionTexts(Catalog.load("en"), "en")
    announcer = Announcer(objects, posts)  # type: ignore[arg-type]
    bus = Bus()
    kit_changed: list[SessionChanged] = []
    bus.subscribe(SessionChanged, kit_changed.append)
    pokes: list[None] = []
    service = SessionService(
        UnitOfWork(db),
        repo,
        job_repo,
        places,  # type: ignore[arg-type]
        AuditRepository(db),
        clock,
        SessionsConfig(
            zone=TOKYO, reminder=timedelta(minutes=10), grace=timedelta(minutes=15), window=None
        ),
        poke=lambda: pokes.append(None),
        announcer=announcer,
        texts=texts,
        problems=Problems(db, ProblemRepository(db), job_repo, clock),
        budget=ChannelBudget(posts, lambda guild_id: _none()),  # type: ignore[arg-type]
        bus=bus,
    )
    jobs = SessionJobs(service, repo, announcer, posts, clock, texts)  # type: ignore[arg-type]
    return SessionsKit(db, clock, places, posts, service, jobs, repo, job_repo, kit_changed, pokes)


async def _none() -> int:
    return 0
