"""Presenters' boards: a claim (atomic in SQLite: one UPDATE on a free board), its post opened
at once (and its voice channel when the boards are prepared), a release; both counted against
the member's rate of board changes. A claim Discord refuses outright does not stand half-made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.bus import BoardTouched, Bus
from bot.core.problems import Problems
from bot.core.ratelimit import POSTER_BOARD, MemberLimits
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, DiscordUnavailable, InvalidInput, NotFound
from bot.features.posters.converge import PosterConvergence
from bot.features.posters.domain.boards import (
    BoardTaken,
    NoFreeBoard,
    PosterBoard,
    check_board_exists,
    check_claims_open,
    check_presenter_limit,
    clean_abstract,
    clean_title,
    next_free,
)
from bot.features.posters.places import PosterPlaces
from bot.features.posters.repo import PosterRepository
from bot.features.sessions.domain.model import Session
from bot.features.sessions.service import SessionService
from bot.store.audit_repo import AuditRepository
from bot.store.uow import UnitOfWork


@dataclass
class ClaimResult:
    board: PosterBoard
    post_id: int | None
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)


class PosterClaims:
    def __init__(
        self,
        uow: UnitOfWork,
        repo: PosterRepository,
        sessions: SessionService,
        places: PosterPlaces,
        sync: PosterConvergence,
        audit: AuditRepository,
        clock: Clock,
        *,
        per_presenter: int,
        limits: MemberLimits,
        problems: Problems,
        bus: Bus,
    ) -> None:
        self._uow = uow
        self._repo = repo
        self._sessions = sessions
        self._places = places
        self._sync = sync
        self._audit = audit
        self._clock = clock
        self._per_presenter = per_presenter
        self._limits = limits
        self._problems = problems
        self._bus = bus

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
        async with self._uow.transaction() as tx:
            check_presenter_limit(
                await self._repo.count_claimed_by(tx, session.id, presenter), self._per_presenter
            )
            won = await self._repo.claim(
                tx,
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
        async with self._sync.lock(guild_id):
            try:
                result.post_id = await self._place_board(guild_id, session, board)
            except DiscordUnavailable:
                await self._sync.retry_later(guild_id)
            except DiscordRefused as refusal:
                # Discord refused outright: the claim does not stand half-made.
                async with self._uow.transaction() as tx:
                    await self._repo.release(tx, session.id, won)
                try:
                    await self._places.remove_board(guild_id, session.id, won)
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
            async with self._sync.lock(guild_id):
                # Discord first: a post or channel it refuses to remove leaves the board as it
                # was; the database follows what was done.
                await self._places.remove_board(guild_id, session.id, board.number)
                async with self._uow.transaction() as tx:
                    await self._repo.release(tx, session.id, board.number)
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
            post_id = await self._places.ensure_post(guild_id, board, forum)
        if self._places.prepared(session):
            await self._places.ensure_voice(guild_id, session, board)
        return post_id

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
