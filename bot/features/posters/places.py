"""Converging Discord to the poster boards: a post per claimed board in the session's forum (or,
in a server without Community, a thread per board in its text channel), and,
from `prepare` before the start, a voice channel per claimed board in poster categories that
spill before 50 channels. Voice channels follow the session's phase like any session place
(locked before the start, open while it runs, read-only after), and a board's presenter may
always enter their own board. Released boards lose their post and channel.

Owned through guild_structure under the posters' purpose keys (keys.py): a board's post and
voice channel, and the session's categories.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.gate import Gate
from bot.core.owned import ChannelWish, OwnedChannels
from bot.domain.clock import Clock
from bot.domain.limits import CHANNELS_PER_CATEGORY
from bot.domain.organizers import configured_role_ids
from bot.domain.permissions import Perm
from bot.domain.ports import PosterPort
from bot.domain.structure import ChannelKind, ItemKind, ResolvedOverwrite, resolve_overwrites
from bot.features.posters import keys
from bot.features.posters.domain.boards import PosterBoard, post_title, voice_name
from bot.features.sessions.domain.layout import ChannelKind as LayoutKind
from bot.features.sessions.domain.layout import category_with_space
from bot.features.sessions.domain.model import Session, SessionStatus
from bot.features.sessions.domain.places import phase_of, place_overwrites
from bot.features.sessions.keys import channel_purpose
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

PRESENTER_ALLOW = Perm.VIEW_CHANNEL | Perm.CONNECT | Perm.SPEAK


@dataclass(frozen=True)
class PosterPlacesConfig:
    prepare: timedelta  # voice channels exist from this long before the start
    organizer_roles: tuple[str, ...]
    category_name: Callable[[Session, int], str]
    # A board -> its post's first message as the gateway sends it (embed, view), rendered.
    post_message: Callable[[PosterBoard], tuple[Any, Any]]
    per_category: int = CHANNELS_PER_CATEGORY


class PosterPlaces:
    def __init__(
        self,
        port: PosterPort,
        objects: StructureRepository,
        clock: Clock,
        config: PosterPlacesConfig,
        gate: Gate | None = None,
    ) -> None:
        self._port = port
        self._objects = objects
        self._clock = clock
        self.config = config
        self._channels = OwnedChannels(port, objects, clock, gate=gate or Gate.open())

    def prepared(self, session: Session, now: datetime | None = None) -> bool:
        """Whether the boards' voice channels should exist now."""
        now = now or self._clock.now()
        return session.status is not SessionStatus.CANCELLED and (
            now >= session.start - self.config.prepare
        )

    async def place_id(self, guild_id: int, session_id: int) -> int | None:
        """The poster session's own place (its forum or text channel), where posts open."""
        item = await self._objects.get(guild_id, channel_purpose(session_id))
        return None if item is None else item.discord_id

    async def ids(self, guild_id: int, session_id: int) -> dict[tuple[int, str], int]:
        """(board, 'post' | 'voice') -> Discord id, for the session's live objects."""
        found: dict[tuple[int, str], int] = {}
        for item in await self._objects.with_prefix(guild_id, keys.boards_of(session_id)):
            parsed = keys.parse_board(item.purpose)
            if parsed is not None and item.discord_id is not None:
                found[(parsed.number, parsed.what)] = item.discord_id
        return found

    # -- convergence ---------------------------------------------------------------------------

    async def converge(
        self, guild_id: int, session: Session, boards: list[PosterBoard], forum_id: int | None
    ) -> None:
        claimed = {b.number: b for b in boards if b.claimed}
        for item in await self._objects.with_prefix(guild_id, keys.boards_of(session.id)):
            parsed = keys.parse_board(item.purpose)
            if parsed is None:
                continue
            _, number, what = parsed
            if number in claimed and not (what == keys.VOICE and not self.prepared(session)):
                continue
            await self._remove(guild_id, item.purpose, item.discord_id, what)
        for board in claimed.values():
            if forum_id is not None:
                await self.ensure_post(guild_id, board, forum_id)
            if self.prepared(session):
                await self.ensure_voice(guild_id, session, board)
        await self._drop_empty_categories(guild_id, session.id)

    async def ensure_post(self, guild_id: int, board: PosterBoard, place_id: int) -> int:
        purpose = keys.post_key(board.session_id, board.number)
        item = await self._objects.get(guild_id, purpose)
        if item is not None and item.discord_id is not None:
            return item.discord_id
        now = self._clock.now()
        await self._objects.intend(guild_id, purpose, ItemKind.TEXT, None, now)
        embed, view = self.config.post_message(board)
        post_id = await self._port.create_post(
            place_id, post_title(board), embed, view, f"poster board {board.number} claimed"
        )
        await self._objects.record(guild_id, purpose, post_id, self._clock.now())
        return post_id

    async def ensure_voice(self, guild_id: int, session: Session, board: PosterBoard) -> int:
        part, category_id = await self._home(guild_id, session, board)
        if category_id is None:
            _, category_id = await self._channels.ensure(
                guild_id,
                ChannelWish(
                    purpose=keys.category_key(session.id, part),
                    kind=ChannelKind.CATEGORY,
                    name=self.config.category_name(session, part),
                    parent_id=None,
                    parent_purpose=None,
                ),
                f"poster session {session.id}: boards",
            )
        _, channel_id = await self._channels.ensure(
            guild_id,
            ChannelWish(
                purpose=keys.voice_key(session.id, board.number),
                kind=ChannelKind.VOICE,
                name=voice_name(board),
                parent_id=category_id,
                parent_purpose=keys.category_key(session.id, part),
                overwrites=tuple(self._overwrites(guild_id, session, board)),
                enforce_overwrites=True,
            ),
            f"poster board {board.number} of session {session.id}",
        )
        return channel_id

    async def remove_board(self, guild_id: int, session_id: int, number: int) -> None:
        """A released board: its post and its voice channel go."""
        for what in (keys.POST, keys.VOICE):
            purpose = keys.board_key(session_id, number, what)
            item = await self._objects.get(guild_id, purpose)
            if item is not None:
                await self._remove(guild_id, purpose, item.discord_id, what)
        await self._drop_empty_categories(guild_id, session_id)

    # -- internals -------------------------------------------------------------------------------

    async def _remove(self, guild_id: int, purpose: str, discord_id: int | None, what: str) -> None:
        if what == keys.POST:
            if discord_id is not None:
                await self._port.delete_post(discord_id, "poster board released")
            await self._objects.forget(guild_id, purpose)
            # Forgotten first: deleting a text channel's post message is then no hand deletion.
            parsed = keys.parse_board(purpose)
            place_id = await self.place_id(guild_id, parsed.session_id) if parsed else None
            if discord_id is not None and place_id is not None:
                await self._port.delete_post_starter(place_id, discord_id)
        else:
            await self._channels.remove(guild_id, purpose, "poster board released")

    def _overwrites(
        self, guild_id: int, session: Session, board: PosterBoard
    ) -> list[ResolvedOverwrite]:
        organizer_ids, _ = configured_role_ids(
            self.config.organizer_roles, self._port.roles(guild_id)
        )
        overwrites = resolve_overwrites(
            place_overwrites(LayoutKind.VOICE, phase_of(session.status)),
            everyone_role_id=guild_id,
            organizer_role_ids=organizer_ids,
            bot_user_id=self._port.bot_user_id,
        )
        if board.presenter_id is not None and board.presenter_id != self._port.bot_user_id:
            # The presenter can always stand at their own board (also to set up before).
            overwrites.append(
                ResolvedOverwrite(
                    target_id=board.presenter_id,
                    is_role=False,
                    allow=int(PRESENTER_ALLOW),
                    deny=0,
                )
            )
        return overwrites

    async def _categories(self, guild_id: int, session_id: int) -> dict[int, int | None]:
        found: dict[int, int | None] = {}
        for item in await self._objects.with_prefix(guild_id, keys.categories_of(session_id)):
            parsed = keys.parse_category(item.purpose)
            if parsed is None:
                continue
            part = parsed[1]
            alive = item.discord_id is not None and self._port.channel(guild_id, item.discord_id)
            found[part] = item.discord_id if alive else None
        return found

    async def _home(
        self, guild_id: int, session: Session, board: PosterBoard
    ) -> tuple[int, int | None]:
        """The category for a board's channel: where it is, else the first with space."""
        categories = await self._categories(guild_id, session.id)
        item = await self._objects.get(guild_id, keys.voice_key(session.id, board.number))
        if item is not None and item.discord_id is not None:
            current = self._port.channel(guild_id, item.discord_id)
            for part, category_id in categories.items():
                if current is not None and category_id == current.parent_id:
                    return part, category_id
        return category_with_space(
            categories,
            lambda category_id: len(self._port.children(guild_id, category_id)),
            self.config.per_category,
        )

    async def _drop_empty_categories(self, guild_id: int, session_id: int) -> None:
        for part, category_id in (await self._categories(guild_id, session_id)).items():
            if category_id is not None and not self._port.children(guild_id, category_id):
                await self._channels.remove(
                    guild_id, keys.category_key(session_id, part), "no poster boards left"
                )
