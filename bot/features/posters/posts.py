"""What a board's post shows: its abstract (added or edited after the claim, through the post's
button) and the poster file (verified before it is reposted), and a post whose first message or
thread was deleted by hand.

A post is edited in place (one edit of its first message), never reposted. Changes of one guild's
posts take the same lock as claims and convergence (PosterConvergence.lock).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.ports import PosterPort
from bot.features.posters import keys
from bot.features.posters.converge import PosterConvergence
from bot.features.posters.domain.boards import PosterBoard, check_board_exists, clean_abstract
from bot.features.posters.domain.files import check_poster_file, verify_poster_file
from bot.features.posters.places import PosterPlaces
from bot.features.posters.repo import PosterRepository
from bot.features.sessions.domain.model import Session
from bot.store.audit_repo import AuditRepository
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)


class PosterPosts:
    def __init__(
        self,
        repo: PosterRepository,
        places: PosterPlaces,
        sync: PosterConvergence,
        objects: StructureRepository,
        port: PosterPort,
        audit: AuditRepository,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._places = places
        self._sync = sync
        self._objects = objects
        self._port = port
        self._audit = audit
        self._clock = clock

    # -- the abstract ----------------------------------------------------------------------------

    async def editable_board(
        self, session: Session, number: int, actor_id: int, *, organizer: bool
    ) -> PosterBoard:
        """The board whose abstract `actor_id` may edit: its presenter's, or any for organizers."""
        boards = await self._repo.boards(session.id)
        check_board_exists(boards, number)
        board = next(b for b in boards if b.number == number)
        if not board.claimed:
            raise InvalidInput("errors.poster_board_free", board=number)
        if board.presenter_id != actor_id and not organizer:
            raise InvalidInput("errors.poster_abstract_not_yours", board=number)
        return board

    async def set_abstract(
        self,
        guild_id: int,
        actor_id: int,
        session: Session,
        number: int,
        text: str | None,
        *,
        organizer: bool,
    ) -> tuple[PosterBoard, int | None]:
        """Save the board's abstract (empty: none) and show it in the board's post with one
        edit: (the board, its post id, None while the post does not exist yet)."""
        abstract = clean_abstract(text)
        board = await self.editable_board(session, number, actor_id, organizer=organizer)
        assert board.presenter_id is not None
        async with self._sync.lock(guild_id):
            if not await self._repo.set_abstract(
                session.id, number, presenter_id=board.presenter_id, abstract=abstract
            ):
                raise InvalidInput("errors.poster_board_changed", board=number)
            updated = board.model_copy(update={"abstract": abstract})
            ids = await self._places.ids(guild_id, session.id)
            post_id = ids.get((number, keys.POST))
            place_id = await self._places.place_id(guild_id, session.id)
            if post_id is not None and place_id is not None:
                try:
                    embed, view = self._places.config.post_message(updated)
                    shown = await self._port.edit_post(
                        place_id, post_id, embed, view, f"abstract of poster board {number}"
                    )
                except Exception:
                    # Discord refused: the abstract is as it was, and the user is told.
                    await self._repo.set_abstract(
                        session.id, number, presenter_id=board.presenter_id, abstract=board.abstract
                    )
                    raise
                if not shown:
                    post_id = None  # gone: convergence opens it again, with this abstract
                    self._sync.touch(guild_id)
        await self._audit.add(
            guild_id,
            actor_id,
            "poster.abstract",
            {"session": session.id, "board": number, "length": len(abstract or "")},
            self._clock.now(),
        )
        return updated, post_id

    # -- the poster file -------------------------------------------------------------------------

    async def upload(
        self,
        guild_id: int,
        actor_id: int,
        session: Session,
        *,
        filename: str,
        content_type: str | None,
        size: int,
        read: Callable[[], Awaitable[bytes]],
        caption: str,
    ) -> PosterBoard:
        """Attach the caller's poster file to their board's post (replacing an earlier one),
        once its bytes are shown to be the PDF or image its name says."""
        limit = self._port.upload_limit(guild_id)
        check_poster_file(filename, content_type, size, limit)
        mine = [b for b in await self._repo.boards(session.id) if b.presenter_id == actor_id]
        if not mine:
            raise NotFound("errors.poster_none_claimed", title=session.title)
        board = mine[0]
        ids = await self._places.ids(guild_id, session.id)
        post_id = ids.get((board.number, keys.POST))
        if post_id is None:
            raise NotFound("errors.poster_post_missing", board=board.number)
        data = await read()
        verify_poster_file(filename, data, limit)
        message_id = await self._port.post_file(post_id, filename, data, caption)
        if board.file_message_id is not None:
            await self._port.delete_post_message(post_id, board.file_message_id)
        await self._repo.set_file(board.id, filename, message_id)
        return board.model_copy(update={"file_name": filename, "file_message_id": message_id})

    # -- deleted by hand -------------------------------------------------------------------------

    async def gone(self, guild_id: int, purpose: str, discord_id: int) -> bool:
        """Discord reported a post's id deleted (`purpose` already marked gone). Its thread may
        live on (only the first message was deleted): the post is kept, True. Otherwise the
        message a text-channel post was started from goes too, and the post is to be opened
        again (False)."""
        parsed = keys.parse_board(purpose)
        if parsed is None or parsed.what != keys.POST:
            return False
        if await self._port.post_exists(guild_id, discord_id):
            log.info("post %s lost its first message; its thread is kept", discord_id)
            await self._objects.record(guild_id, purpose, discord_id, self._clock.now())
            return True
        place_id = await self._places.place_id(guild_id, parsed.session_id)
        if place_id is not None:
            await self._port.delete_post_starter(place_id, discord_id)
        return False
