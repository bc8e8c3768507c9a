"""Poster sessions: set up boards, see who is where; claims (PosterClaims), the posts' content
(PosterPosts) and convergence (PosterConvergence) are its parts.

A poster session is a session (kind `poster`, source `poster`) that SessionService schedules,
reminds, opens and closes like any other; its place is a Forum channel (a text channel with a
thread per board in a server without Community). This service owns the
boards: claims are atomic in SQLite (one UPDATE on a free board), posts are opened at claim time,
and the boards' voice channels appear `prepare` before the start (a durable job) and follow the
session's phase (PosterPlaces).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.budget import ChannelBudget
from bot.core.bus import BoardTouched, Bus
from bot.core.problems import Problems
from bot.core.ratelimit import MemberLimits
from bot.core.scheduler import Handler
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.limits import board_channels
from bot.domain.ports import PosterPort
from bot.features.posters import keys
from bot.features.posters.claims import PosterClaims
from bot.features.posters.converge import PosterConvergence
from bot.features.posters.domain.boards import PosterBoard, plan_resize
from bot.features.posters.places import PosterPlaces
from bot.features.posters.posts import PosterPosts
from bot.features.posters.repo import PosterRepository
from bot.features.sessions.domain.model import (
    Session,
    SessionDraft,
    SessionKind,
    SessionStatus,
    make_draft,
)
from bot.features.sessions.service import SessionService
from bot.store.audit_repo import AuditRepository
from bot.store.job_repo import JobRepository
from bot.store.structure_repo import StructureRepository
from bot.store.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BoardView:
    board: PosterBoard
    post_id: int | None
    voice_id: int | None
    presenter_here: bool
    people: int


class PosterService:
    def __init__(
        self,
        uow: UnitOfWork,
        repo: PosterRepository,
        sessions: SessionService,
        places: PosterPlaces,
        jobs: JobRepository,
        port: PosterPort,
        audit: AuditRepository,
        clock: Clock,
        *,
        objects: StructureRepository,
        per_presenter: int,
        poke: Callable[[], None],
        problems: Problems,
        budget: ChannelBudget,
        limits: MemberLimits,
        bus: Bus,
    ) -> None:
        self._bus = bus
        self._budget = budget
        self._uow = uow
        self._repo = repo
        self._sessions = sessions
        self.places = places
        self._port = port
        self._audit = audit
        self._clock = clock
        self._poke = poke
        self.sync = PosterConvergence(
            uow, repo, sessions, places, jobs, port, clock, poke=poke, problems=problems, bus=bus
        )
        # Presenters' claims and releases.
        self.claims = PosterClaims(
            uow,
            repo,
            sessions,
            places,
            self.sync,
            audit,
            clock,
            per_presenter=per_presenter,
            limits=limits,
            problems=problems,
            bus=bus,
        )
        # The posts' content: the abstract (edited after the claim) and the poster file.
        self.posts = PosterPosts(repo, places, self.sync, objects, port, audit, clock)

    def jobs(self) -> dict[str, Handler]:
        return self.sync.jobs()

    # -- reads -----------------------------------------------------------------------------------

    async def poster_sessions(self, guild_id: int) -> list[Session]:
        sessions = await self._sessions.programme(guild_id, include_cancelled=False)
        return [s for s in sessions if s.kind is SessionKind.POSTER]

    async def session(self, guild_id: int, session_id: int) -> Session:
        return await self._sessions.get(guild_id, session_id)

    async def resolve(self, guild_id: int, value: str) -> Session:
        """The poster session a `session` option names (its number or exact title)."""
        return await self.pick_session(guild_id, await self._sessions.resolve(guild_id, value))

    async def pick_session(self, guild_id: int, session: Session | None) -> Session:
        """The session given, else the only poster session that has not ended."""
        if session is not None:
            if session.kind is not SessionKind.POSTER:
                raise InvalidInput("errors.poster_not_poster_session", title=session.title)
            return session
        now = self._clock.now()
        every = await self.poster_sessions(guild_id)
        ahead = [s for s in every if s.end > now]
        candidates = ahead or every  # after the last one ended, that one
        if len(candidates) == 1:
            return candidates[0]
        raise NotFound("errors.poster_pick_session" if candidates else "errors.poster_no_session")

    async def boards(self, session: Session) -> list[PosterBoard]:
        return await self._repo.boards(session.id)

    async def views(self, guild_id: int, session: Session) -> list[BoardView]:
        ids = await self.places.ids(guild_id, session.id)
        running = session.status is SessionStatus.OPEN
        views = []
        for board in await self._repo.boards(session.id):
            voice_id = ids.get((board.number, keys.VOICE))
            here = (
                running
                and voice_id is not None
                and board.presenter_id is not None
                and self._port.voice_channel_of(guild_id, board.presenter_id) == voice_id
            )
            people = len(self._port.occupants(guild_id, voice_id)) if voice_id else 0
            post_id = ids.get((board.number, keys.POST))
            views.append(BoardView(board, post_id, voice_id, here, people))
        return views

    async def summary(self, guild_id: int, session: Session) -> tuple[int, int, int]:
        """(claimed boards, people at the boards, presenters at their board)."""
        views = await self.views(guild_id, session)
        claimed = [v for v in views if v.board.claimed]
        return len(claimed), sum(v.people for v in views), sum(v.presenter_here for v in views)

    # -- organizer: set up ------------------------------------------------------------------------

    async def setup(
        self,
        guild_id: int,
        actor_id: int,
        name: str,
        start: datetime,
        end: datetime,
        boards: int,
    ) -> tuple[Session, int, int, bool]:
        """Create the poster session `name` with `boards` boards, or (same name again) change
        its board count: (session, boards added, boards removed, created)."""
        existing = [
            s
            for s in await self.poster_sessions(guild_id)
            if s.title.casefold() == " ".join(name.split()).casefold()
        ]
        created = not existing
        if existing:
            session = existing[0]
            await self._require_board_channels(guild_id, session, boards)
            if (session.start, session.end) != (
                start,
                end,
            ) and session.status is SessionStatus.SCHEDULED:
                session = await self._sessions.edit(
                    guild_id, actor_id, session, {"start": start, "end": end}
                )
        else:
            draft = make_draft(title=name, kind=SessionKind.POSTER, start=start, end=end)
            await self._sessions.check_create(guild_id, draft)
            await self._require_board_channels(guild_id, None, boards, draft)
            session = await self._sessions.create(guild_id, actor_id, draft, source="poster")
        added, removed = await self.set_boards(guild_id, actor_id, session, boards)
        return session, added, removed, created

    async def set_boards(
        self, guild_id: int, actor_id: int, session: Session, boards: int
    ) -> tuple[int, int]:
        """A poster session gets `boards` boards (free ones removed, claimed ones kept: a count
        below a claimed board is refused): (added, removed)."""
        async with self.sync.lock(guild_id):
            resize = plan_resize(await self._repo.boards(session.id), boards)
            now = self._clock.now()
            async with self._uow.transaction() as tx:
                await self._repo.add_boards(tx, guild_id, session.id, resize.add)
                await self._repo.remove_free(tx, session.id, resize.remove)
                await self.sync.schedule_prepare(tx, session, now)
        await self._audit.add(
            guild_id,
            actor_id,
            "poster.setup",
            {"session": session.id, "boards": boards, "added": len(resize.add)},
            now,
        )
        self._poke()
        await self._bus.publish(BoardTouched(guild_id))
        return len(resize.add), len(resize.remove)

    async def board_count(self, session_id: int) -> int:
        return len(await self._repo.boards(session_id))

    async def _require_board_channels(
        self,
        guild_id: int,
        session: Session | None,
        boards: int,
        draft: SessionDraft | None = None,
    ) -> None:
        """Refuse up front a board count whose voice channels (made shortly before the start)
        would not fit Discord's 500 channels, beside what is there and promised already (and,
        for a new poster session `draft`, its own place)."""
        before = len(await self._repo.boards(session.id)) if session is not None else 0
        need = board_channels(boards) - board_channels(before)
        if draft is not None:
            programme = await self._sessions.programme(guild_id, include_cancelled=False)
            need += await self._sessions.places.new_channels(guild_id, [*programme, draft])
        await self._budget.require(guild_id, need)

    # -- convergence (PosterConvergence) ----------------------------------------------------------

    def touch(self, guild_id: int) -> None:
        self.sync.touch(guild_id)

    async def settled(self, guild_id: int) -> None:
        await self.sync.settled(guild_id)

    async def stop(self) -> None:
        await self.sync.stop()

    async def converge(self, guild_id: int) -> None:
        await self.sync.converge(guild_id)

    async def object_gone(self, guild_id: int, purpose: str, discord_id: int) -> None:
        """A board's post or channel was deleted by hand: recreate what a claim still wants
        (a post whose thread lives on, having lost only its first message, is kept)."""
        if await self.posts.gone(guild_id, purpose, discord_id):
            return
        await self.sync.converge(guild_id)
