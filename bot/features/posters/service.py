"""Poster sessions: set up boards, claim and release them, attach posters, see who is where.

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
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.budget import ChannelBudget
from bot.core.bus import BoardTouched, Bus
from bot.core.problems import Problems
from bot.core.ratelimit import POSTER_BOARD, MemberLimits
from bot.core.scheduler import Handler
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, DiscordUnavailable, InvalidInput, NotFound
from bot.domain.ports import PosterPort
from bot.features.posters import keys
from bot.features.posters.converge import PosterConvergence
from bot.features.posters.domain.boards import (
    BoardTaken,
    NoFreeBoard,
    PosterBoard,
    board_channels,
    check_board_exists,
    check_claims_open,
    check_presenter_limit,
    clean_abstract,
    clean_title,
    next_free,
    plan_resize,
)
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
from bot.store.db import Database
from bot.store.job_repo import JobRepository
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)


@dataclass
class ClaimResult:
    board: PosterBoard
    post_id: int | None
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)


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
        db: Database,
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
        self._limits = limits
        self._problems = problems
        self._db = db
        self._repo = repo
        self._sessions = sessions
        self.places = places
        self._port = port
        self._audit = audit
        self._clock = clock
        self.per_presenter = per_presenter
        self._poke = poke
        self.sync = PosterConvergence(
            db, repo, sessions, places, jobs, port, clock, poke=poke, problems=problems, bus=bus
        )
        # The posts' content: the abstract (edited after the claim) and the poster file.
        self.posts = PosterPosts(repo, places, self.sync, objects, port, audit, clock)

    def jobs(self) -> dict[str, Handler]:
        return self.sync.jobs()

    # -- reads -----------------------------------------------------------------------------------

    async def poster_sessions(self, guild_id: int) -> list[Session]:
        sessions = await self._sessions.programme(guild_id, include_cancelled=False)
        return [s for s in sessions if s.kind is SessionKind.POSTER]

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
            async with self._db.transaction() as conn:
                await self._repo.add_boards(conn, guild_id, session.id, resize.add)
                await self._repo.remove_free(conn, session.id, resize.remove)
                await self.sync.schedule_prepare(conn, session, now)
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

    # -- presenters ------------------------------------------------------------------------------

    async def claim(
        self,
        guild_id: int,
        actor_id: int,
        session: Session,
        title: str,
        *,
        number: int | None,
        abstract: str | None,
        presenter_id: int | None,
        organizer: bool,
    ) -> ClaimResult:
        title = clean_title(title)
        abstract = clean_abstract(abstract)
        if presenter_id is not None and presenter_id != actor_id and not organizer:
            raise InvalidInput("errors.poster_presenter_organizers_only")
        presenter = presenter_id or actor_id
        now = self._clock.now()
        if presenter_id is None or not organizer:
            check_claims_open(session.start, now, organizer=False)
        boards = await self._repo.boards(session.id)
        if number is not None:
            check_board_exists(boards, number)
        ticket = await self._limits.take(guild_id, actor_id, POSTER_BOARD, exempt=organizer)
        try:
            return await self._claim(
                guild_id, actor_id, session, title, number, abstract, presenter, now
            )
        except BaseException:
            await self._limits.give_back(ticket)
            raise

    async def _claim(
        self,
        guild_id: int,
        actor_id: int,
        session: Session,
        title: str,
        number: int | None,
        abstract: str | None,
        presenter: int,
        now: datetime,
    ) -> ClaimResult:
        async with self._db.transaction() as conn:
            check_presenter_limit(
                await self._repo.count_claimed_by(conn, session.id, presenter), self.per_presenter
            )
            won = await self._repo.claim(
                conn,
                session.id,
                number,
                presenter_id=presenter,
                title=title,
                abstract=abstract,
                actor_id=actor_id,
                now=now,
            )
        if won is None:
            fresh = await self._repo.boards(session.id)
            suggestion = next_free(fresh, after=number or 0)
            if number is None or suggestion is None:
                raise NoFreeBoard(title=session.title)
            raise BoardTaken(board=number, next=suggestion)
        board = await self._repo.board(session.id, won)
        assert board is not None
        result = ClaimResult(board=board, post_id=None)
        result.warnings = await self._overlaps(guild_id, session, presenter)
        async with self.sync.lock(guild_id):
            try:
                result.post_id = await self._place_board(guild_id, session, board)
            except DiscordUnavailable:
                await self.sync.retry_later(guild_id)
            except DiscordRefused as refusal:
                # Discord refused outright: the claim does not stand half-made.
                async with self._db.transaction() as conn:
                    await self._repo.release(conn, session.id, won)
                try:
                    await self.places.remove_board(guild_id, session.id, won)
                except DiscordRefused as again:
                    refusal.leftovers = True
                    await self._problems.record(guild_id, "posters", again, "problems.what.posters")
                raise
        await self._audit.add(
            guild_id,
            actor_id,
            "poster.claim",
            {"session": session.id, "board": won, "presenter": presenter},
            now,
        )
        await self._bus.publish(BoardTouched(guild_id))
        return result

    async def release(
        self,
        guild_id: int,
        actor_id: int,
        session: Session,
        *,
        number: int | None,
        organizer: bool,
    ) -> PosterBoard:
        boards = await self._repo.boards(session.id)
        if number is None:
            mine = [b for b in boards if b.presenter_id == actor_id]
            if not mine:
                raise NotFound("errors.poster_none_claimed", title=session.title)
            if len(mine) > 1:
                raise InvalidInput("errors.poster_pick_board")
            board = mine[0]
        else:
            check_board_exists(boards, number)
            board = next(b for b in boards if b.number == number)
            if not board.claimed:
                raise InvalidInput("errors.poster_board_free", board=number)
            if board.presenter_id != actor_id and not organizer:
                raise InvalidInput("errors.poster_not_yours", board=number)
        ticket = await self._limits.take(guild_id, actor_id, POSTER_BOARD, exempt=organizer)
        try:
            async with self.sync.lock(guild_id):
                # Discord first: a post or channel it refuses to remove leaves the board as it
                # was; the database follows what was done.
                await self.places.remove_board(guild_id, session.id, board.number)
                async with self._db.transaction() as conn:
                    await self._repo.release(conn, session.id, board.number)
        except BaseException:
            await self._limits.give_back(ticket)
            raise
        await self._audit.add(
            guild_id,
            actor_id,
            "poster.release",
            {"session": session.id, "board": board.number},
            self._clock.now(),
        )
        await self._bus.publish(BoardTouched(guild_id))
        return board

    async def _place_board(self, guild_id: int, session: Session, board: PosterBoard) -> int | None:
        channels, _ = await self._sessions.places.discord_ids(guild_id)
        forum = channels.get(session.id)
        post_id = None
        if forum is not None:
            post_id = await self.places.ensure_post(guild_id, board, forum)
        if self.places.prepared(session):
            await self.places.ensure_voice(guild_id, session, board)
        return post_id

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

    async def _overlaps(
        self, guild_id: int, session: Session, presenter: int
    ) -> list[tuple[str, dict[str, object]]]:
        """Other poster boards of the same presenter at overlapping times."""
        warnings: list[tuple[str, dict[str, object]]] = []
        for other in await self._repo.of_presenter(guild_id, presenter):
            if other.session_id == session.id:
                continue
            other_session = await self._sessions.get_any(other.session_id)
            if (
                other_session is not None
                and not other_session.cancelled
                and other_session.start < session.end
                and session.start < other_session.end
            ):
                warnings.append(
                    (
                        "posters.warn_overlap",
                        {"title": other_session.title, "board": other.number},
                    )
                )
        return warnings
