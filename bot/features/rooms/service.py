"""Topic rooms: open, rename, close, and close by themselves once nobody has been inside a while.

The database is the truth. A room row is written before its channel is created (the channel is
owned through guild_structure as `room:<id>:channel`, so a crash between the two is adopted, not
duplicated); its idle countdown is the persisted `empty_since` plus a durable job. After a restart
`reconcile()` looks at every open room: deleted by hand while the bot was away -> forgotten;
someone inside -> countdown cancelled; empty -> counting on from the persisted time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.gate import Gate
from bot.core.scheduler import Handler
from bot.core.scheduler import Outcome as JobOutcome
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, DiscordUnavailable, NotFound
from bot.domain.limits import CHANNELS_PER_CATEGORY
from bot.domain.ports import RoomPort
from bot.features.rooms.domain.links import clean_link
from bot.features.rooms.domain.rooms import (
    RENAME_WINDOW,
    CloseReason,
    OpenContext,
    Room,
    RoomLimits,
    check_can_manage,
    check_can_open,
    check_can_rename,
    check_user_limit,
    clean_topic,
    room_channel_name,
)
from bot.features.rooms.keys import category_part_of, room_id_of, room_purpose
from bot.features.rooms.places import RoomPlaces
from bot.features.rooms.repo import RoomRepository
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

JOB_ROOM_IDLE = "room.idle"


@dataclass(frozen=True)
class RoomsConfig:
    limits: RoomLimits
    idle: timedelta
    category_name: Callable[[int], str]  # part (1, 2, ...) -> localized category name
    per_category: int = CHANNELS_PER_CATEGORY
    # (topic, link) -> what the room's chat says about its link (in the workshop's language)
    link_text: Callable[[str, str], str] = lambda topic, link: link


@dataclass(frozen=True)
class RoomView:
    """An open room as lists show it."""

    room: Room
    channel_id: int | None
    occupants: tuple[str, ...]


class RoomService:
    def __init__(
        self,
        db: Database,
        repo: RoomRepository,
        objects: StructureRepository,
        jobs: JobRepository,
        port: RoomPort,
        audit: AuditRepository,
        clock: Clock,
        config: RoomsConfig,
        *,
        poke: Callable[[], None],
        on_change: Callable[[int], None],
        gate: Gate | None = None,
    ) -> None:
        self._db = db
        self._repo = repo
        self._objects = objects
        self._jobs = jobs
        self._port = port
        self._audit = audit
        self._clock = clock
        self.config = config
        self._poke = poke
        self._on_change = on_change  # the live room board should look again
        self._places = RoomPlaces(port, objects, clock, config, gate)
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # channel id -> (guild id, room id) of open rooms, and whether each room was empty:
        # voice events touch the database only when a room turns empty or occupied.
        self._by_channel: dict[int, tuple[int, int]] = {}
        self._empty: dict[int, bool] = {}

    def jobs(self) -> dict[str, Handler]:
        return {JOB_ROOM_IDLE: self._idle_job}

    # -- reads -----------------------------------------------------------------------------------

    def room_of_channel(self, channel_id: int) -> int | None:
        found = self._by_channel.get(channel_id)
        return None if found is None else found[1]

    async def get(self, guild_id: int, room_id: int) -> Room:
        room = await self._repo.get(room_id)
        if room is None or room.guild_id != guild_id or not room.is_open:
            raise NotFound("errors.room_not_found", value=str(room_id))
        return room

    async def open_rooms(self, guild_id: int) -> list[RoomView]:
        views = []
        for room in await self._repo.open_rooms(guild_id):
            channel_id = await self.channel_id(guild_id, room.id)
            occupants = () if channel_id is None else self._port.occupants(guild_id, channel_id)
            views.append(RoomView(room, channel_id, occupants))
        return views

    async def channel_id(self, guild_id: int, room_id: int) -> int | None:
        item = await self._objects.get(guild_id, room_purpose(room_id))
        return None if item is None else item.discord_id

    async def resolve(self, guild_id: int, text: str) -> Room:
        """A room from an option: its id, or its exact topic (case-insensitive)."""
        value = text.strip()
        rooms = await self._repo.open_rooms(guild_id)
        if value.isdigit():
            for room in rooms:
                if room.id == int(value):
                    return room
        matches = [r for r in rooms if r.topic.casefold() == value.casefold()]
        if len(matches) == 1:
            return matches[0]
        raise NotFound("errors.room_not_found", value=value[:50])

    async def search(self, guild_id: int, text: str, limit: int = 25) -> list[Room]:
        needle = text.strip().casefold()
        rooms = await self._repo.open_rooms(guild_id)
        return [r for r in rooms if needle in r.topic.casefold()][:limit]

    async def owned_by(self, guild_id: int, user_id: int) -> list[Room]:
        return [r for r in await self._repo.open_rooms(guild_id) if r.owner_id == user_id]

    # -- commands --------------------------------------------------------------------------------

    async def open(
        self,
        guild_id: int,
        owner_id: int,
        topic: str,
        user_limit: int | None,
        link: str | None = None,
    ) -> tuple[Room, int]:
        """Open a room (checked against every limit first); returns it and its channel id. A
        link (https only) is kept with the room and posted in its chat."""
        topic = clean_topic(topic)
        check_user_limit(user_limit)
        link = clean_link(link)
        async with self._locks[guild_id]:
            now = self._clock.now()
            limits = self.config.limits
            rooms = await self._repo.open_rooms(guild_id)
            part, category_id = await self._places.category_with_room(guild_id)
            check_can_open(
                OpenContext(
                    open_rooms=len(rooms),
                    owned_open=sum(1 for r in rooms if r.owner_id == owner_id),
                    opened_recently=await self._repo.opened_since(
                        guild_id, owner_id, now - limits.opens_window
                    ),
                    guild_channels=self._port.stats(guild_id).channels,
                    needs_category=category_id is None,
                    now=now,
                ),
                limits,
            )
            async with self._db.transaction() as conn:
                room_id = await self._repo.add(
                    conn, guild_id, owner_id, topic, user_limit, now, link
                )
                await self._jobs.schedule(
                    conn, guild_id, JOB_ROOM_IDLE, room_id, now + self.config.idle, now
                )
            room = await self._repo.get(room_id)
            assert room is not None
            try:
                channel_id = await self._places.ensure_channel(guild_id, room, part)
            except Exception:
                # Discord refused (permissions, a limit) or failed: the room never existed.
                async with self._db.transaction() as conn:
                    await self._repo.delete(conn, room_id)
                    await self._jobs.cancel(conn, room_id, (JOB_ROOM_IDLE,))
                await self._objects.forget(guild_id, room_purpose(room_id))
                raise
            self._by_channel[channel_id] = (guild_id, room_id)
            self._empty[room_id] = True
        if link is not None:
            await self._post_link(room, channel_id)
        await self._audit.add(
            guild_id, owner_id, "room.open", {"room": room_id, "topic": topic}, now
        )
        self._poke()
        self._on_change(guild_id)
        return room, channel_id

    async def rename(
        self, guild_id: int, actor_id: int, room: Room, topic: str, *, organizer: bool
    ) -> Room:
        check_can_manage(room, actor_id, organizer=organizer)
        topic = clean_topic(topic)
        async with self._locks[guild_id]:
            now = self._clock.now()
            check_can_rename(await self._repo.renames_since(room.id, now - RENAME_WINDOW), now)
            channel_id = await self.channel_id(guild_id, room.id)
            if channel_id is not None:
                # Discord first: a rename it refuses (RenameLimited) changes nothing here.
                await self._port.edit_channel(
                    channel_id, reason=f"room {room.id} renamed", name=room_channel_name(topic)
                )
            async with self._db.transaction() as conn:
                await self._repo.set_topic(conn, room.id, topic, now)
        await self._audit.add(
            guild_id, actor_id, "room.rename", {"room": room.id, "topic": topic}, now
        )
        self._on_change(guild_id)
        return room.model_copy(update={"topic": topic})

    async def close(self, guild_id: int, actor_id: int, room: Room, *, organizer: bool) -> None:
        reason = check_can_manage(room, actor_id, organizer=organizer)
        async with self._locks[guild_id]:
            await self._close(guild_id, room.id, reason)
        await self._audit.add(
            guild_id, actor_id, "room.close", {"room": room.id}, self._clock.now()
        )

    # -- voice, jobs and reconciliation ------------------------------------------------------------

    async def voice_changed(self, guild_id: int, channel_ids: Iterable[int]) -> None:
        """People joined or left these channels: start or cancel idle countdowns."""
        for channel_id in channel_ids:
            found = self._by_channel.get(channel_id)
            if found is None or found[0] != guild_id:
                continue
            room_id = found[1]
            empty = not self._port.occupants(guild_id, channel_id)
            if self._empty.get(room_id) == empty:
                continue
            self._empty[room_id] = empty
            await self._set_empty(guild_id, room_id, self._clock.now() if empty else None)

    async def channel_gone(self, guild_id: int, purpose: str) -> None:
        """A room's channel was deleted by hand: the room is forgotten (never recreated)."""
        room_id = room_id_of(purpose)
        if room_id is None:
            if category_part_of(purpose) is not None:
                await self.reconcile(guild_id)  # its rooms go back into a rooms category
            return
        async with self._locks[guild_id]:
            await self._close(guild_id, room_id, CloseReason.DELETED)

    async def reconcile(self, guild_id: int) -> None:
        """On start and after a new gateway session: converge rooms to what happened while away."""
        async with self._locks[guild_id]:
            for room in await self._repo.open_rooms(guild_id):
                await self._reconcile_one(guild_id, room)
            await self._places.drop_empty_categories(guild_id)
        self._poke()
        self._on_change(guild_id)

    async def _reconcile_one(self, guild_id: int, room: Room) -> None:
        item = await self._objects.get(guild_id, room_purpose(room.id))
        gone = (
            item is None
            or (item.discord_id is None and not item.pending)
            or (
                item.discord_id is not None
                and self._port.channel(guild_id, item.discord_id) is None
            )
        )
        if gone and not (item is not None and item.pending):
            log.info("room %s (%s) was deleted while the bot was away", room.id, room.topic)
            await self._close(guild_id, room.id, CloseReason.DELETED)
            return
        # A room whose creation a crash interrupted is adopted or created now; a room whose
        # category was deleted by hand goes back into a rooms category.
        channel_id = await self._places.ensure_channel(guild_id, room, None)
        self._by_channel[channel_id] = (guild_id, room.id)
        empty = not self._port.occupants(guild_id, channel_id)
        self._empty[room.id] = empty
        if not empty:
            await self._set_empty(guild_id, room.id, None)
        elif room.empty_since is None:
            await self._set_empty(guild_id, room.id, self._clock.now())
        else:
            # Counting on from the persisted time (the job may be due already).
            await self._set_empty(guild_id, room.id, room.empty_since)

    async def _idle_job(self, job: Job) -> JobOutcome:
        room = await self._repo.get(job.subject_id)
        if room is None or not room.is_open:
            return JobOutcome.DROPPED
        guild_id = room.guild_id
        async with self._locks[guild_id]:
            channel_id = await self.channel_id(guild_id, room.id)
            if channel_id is not None and self._port.occupants(guild_id, channel_id):
                await self._set_empty(guild_id, room.id, None)
                return JobOutcome.DROPPED
            deadline = room.idle_deadline(self.config.idle)
            now = self._clock.now()
            if deadline is not None and deadline > now:
                await self._set_empty(guild_id, room.id, room.empty_since)  # re-arm
                return JobOutcome.DROPPED
            await self._close(guild_id, room.id, CloseReason.IDLE)
        log.info("room %s (%s) closed after being empty", room.id, room.topic)
        return JobOutcome.DONE

    # -- internals -------------------------------------------------------------------------------

    async def _post_link(self, room: Room, channel_id: int) -> None:
        """The room's link in its chat; a refusal leaves the room open (the board shows it)."""
        assert room.link is not None
        try:
            await self._port.post(
                channel_id,
                self.config.link_text(room.topic, room.link),
                marker=f"room {room.id}: link",
            )
        except (DiscordRefused, DiscordUnavailable) as exc:
            log.warning("could not post the link of room %s: %s", room.id, exc)

    async def _set_empty(self, guild_id: int, room_id: int, since: datetime | None) -> None:
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await self._repo.set_empty_since(conn, room_id, since)
            if since is None:
                await self._jobs.cancel(conn, room_id, (JOB_ROOM_IDLE,))
            else:
                await self._jobs.schedule(
                    conn, guild_id, JOB_ROOM_IDLE, room_id, since + self.config.idle, now
                )
        self._poke()

    async def _close(self, guild_id: int, room_id: int, reason: CloseReason) -> None:
        """Discord first: a channel Discord refuses to delete leaves the room open (and the
        idle job tries again); a crash after the delete is seen as 'deleted' on restart."""
        if reason is CloseReason.DELETED:
            await self._objects.forget(guild_id, room_purpose(room_id))
        else:
            await self._places.remove_room(guild_id, room_id, f"room {reason.value}")
        now = self._clock.now()
        async with self._db.transaction() as conn:
            await self._repo.close(conn, room_id, reason, now)
            await self._jobs.cancel(conn, room_id, (JOB_ROOM_IDLE,))
        for channel_id, (_, rid) in list(self._by_channel.items()):
            if rid == room_id:
                del self._by_channel[channel_id]
        self._empty.pop(room_id, None)
        if reason is not CloseReason.DELETED:
            await self._places.drop_empty_categories(guild_id)
        self._on_change(guild_id)
