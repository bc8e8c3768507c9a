"""RoomService with a fake Discord port, a fake clock and a real SQLite file: what it asks
Discord for, what it records, and how the idle countdown and reconciliation behave."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.scheduler import Outcome
from bot.domain.clock import FakeClock
from bot.domain.errors import DiscordRefused, LimitReached
from bot.features.rooms.domain.rooms import NotRoomOwner, RoomState, room_channel_name
from bot.features.rooms.keys import category_purpose, room_purpose
from bot.features.rooms.repo import RoomRepository
from bot.features.rooms.service import JOB_ROOM_IDLE, RoomService
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.job_repo import Job, JobRepository
from bot.store.structure_repo import StructureRepository
from tests.fakes.rooms import GUILD, IDLE, LIMITS, FakeRoomPort, Signals, room_service

OWNER, OTHER = 11, 22


async def idle_jobs(db: Database) -> list[Job]:
    return await JobRepository(db).pending_of(GUILD, (JOB_ROOM_IDLE,))


async def setup(
    db: Database, **options: object
) -> tuple[RoomService, FakeRoomPort, FakeClock, Signals]:
    port, clock, signals = FakeRoomPort(), FakeClock(), Signals()
    return room_service(db, port, clock, signals, **options), port, clock, signals  # type: ignore[arg-type]


async def test_open_makes_the_category_and_the_channel_once_and_starts_the_countdown(
    db: Database,
) -> None:
    rooms, port, clock, signals = await setup(db)
    room, channel_id = await rooms.open(GUILD, OWNER, "  LLM evaluation ", 8)
    assert room.topic == "LLM evaluation" and room.user_limit == 8
    assert port.calls == ["create Topic rooms", f"create {room_channel_name('LLM evaluation')}"]
    assert port.channels[channel_id].parent_id == port.named("Topic rooms").id
    item = await StructureRepository(db).get(GUILD, room_purpose(room.id))
    assert item is not None and item.discord_id == channel_id
    (job,) = await idle_jobs(db)
    assert job.subject_id == room.id and job.due_at == clock.now() + IDLE
    assert rooms.room_of_channel(channel_id) == room.id
    assert signals.changed == [GUILD] and signals.pokes >= 1
    (entry,) = await AuditRepository(db).recent(GUILD)
    assert entry.action == "room.open"

    port.calls.clear()
    await rooms.open(GUILD, OTHER, "Lunch", None)
    assert port.calls == [f"create {room_channel_name('Lunch')}"], "the category is reused"


async def test_a_refused_channel_leaves_no_room_behind(db: Database) -> None:
    rooms, port, _, signals = await setup(db)
    port.refuse.add("create")
    with pytest.raises(DiscordRefused):
        await rooms.open(GUILD, OWNER, "Refused", None)
    assert await rooms.open_rooms(GUILD) == []
    assert await idle_jobs(db) == []
    assert await StructureRepository(db).with_prefix(GUILD, "room:") == []
    assert signals.changed == []


async def test_limits_are_checked_before_discord_is_asked(db: Database) -> None:
    rooms, port, _, _ = await setup(db)
    for n in range(LIMITS.per_owner):
        await rooms.open(GUILD, OWNER, f"mine {n}", None)
    port.calls.clear()
    with pytest.raises(LimitReached):
        await rooms.open(GUILD, OWNER, "one too many", None)
    assert port.calls == []
    assert len(await rooms.open_rooms(GUILD)) == LIMITS.per_owner


async def test_voice_touches_the_database_only_when_a_room_turns_empty_or_occupied(
    db: Database,
) -> None:
    rooms, port, clock, _ = await setup(db)
    room, channel_id = await rooms.open(GUILD, OWNER, "Voice", None)
    port.voice[channel_id] = ("alice",)
    await rooms.voice_changed(GUILD, [channel_id, 999_999])  # an unknown channel is ignored
    assert await idle_jobs(db) == []
    stored = await RoomRepository(db).get(room.id)
    assert stored is not None and stored.empty_since is None

    port.voice[channel_id] = ("alice", "bob")
    await rooms.voice_changed(GUILD, [channel_id])  # still occupied: nothing to write
    assert await idle_jobs(db) == []

    clock.set(clock.now() + timedelta(minutes=3))
    port.voice[channel_id] = ()
    await rooms.voice_changed(GUILD, [channel_id])
    (job,) = await idle_jobs(db)
    assert job.due_at == clock.now() + IDLE
    stored = await RoomRepository(db).get(room.id)
    assert stored is not None and stored.empty_since == clock.now()


async def test_the_idle_job_closes_an_empty_room_and_spares_an_occupied_one(
    db: Database,
) -> None:
    rooms, port, clock, _ = await setup(db)
    handler = rooms.jobs()[JOB_ROOM_IDLE]
    quiet, quiet_channel = await rooms.open(GUILD, OWNER, "Quiet", None)
    busy, busy_channel = await rooms.open(GUILD, OTHER, "Busy", None)
    port.voice[busy_channel] = ("carol",)

    early = {job.subject_id: job for job in await idle_jobs(db)}
    assert await handler(early[quiet.id]) is Outcome.DROPPED, "not due yet: re-armed"
    assert quiet_channel in port.channels

    clock.set(clock.now() + IDLE)
    due = {job.subject_id: job for job in await idle_jobs(db)}
    assert await handler(due[busy.id]) is Outcome.DROPPED
    assert busy_channel in port.channels
    port.calls.clear()
    assert await handler(due[quiet.id]) is Outcome.DONE
    assert port.calls == [f"delete {quiet_channel}"]
    closed = await RoomRepository(db).get(quiet.id)
    assert closed is not None and closed.state is RoomState.CLOSED
    assert [v.room.id for v in await rooms.open_rooms(GUILD)] == [busy.id]
    assert await idle_jobs(db) == []
    assert await handler(due[quiet.id]) is Outcome.DROPPED, "a closed room is not closed twice"


async def test_rename_asks_discord_first_and_only_the_owner_or_an_organizer_may(
    db: Database,
) -> None:
    rooms, port, _, _ = await setup(db)
    room, channel_id = await rooms.open(GUILD, OWNER, "Before", None)
    with pytest.raises(NotRoomOwner):
        await rooms.rename(GUILD, OTHER, room, "Hijacked", organizer=False)
    port.calls.clear()
    port.refuse.add("edit")
    with pytest.raises(DiscordRefused):
        await rooms.rename(GUILD, OWNER, room, "After", organizer=False)
    stored = await RoomRepository(db).get(room.id)
    assert stored is not None and stored.topic == "Before", "a refused rename changes nothing"
    port.refuse.clear()
    renamed = await rooms.rename(GUILD, OTHER, room, "After", organizer=True)
    assert renamed.topic == "After"
    assert port.channels[channel_id].name == room_channel_name("After")
    assert port.calls == [f"edit {channel_id}", f"edit {channel_id}"]


async def test_rooms_spill_into_a_continuation_category_that_goes_when_empty(
    db: Database,
) -> None:
    rooms, port, _, _ = await setup(db, per_category=2)
    opened = [await rooms.open(GUILD, n, f"room {n}", None) for n in range(3)]
    second = port.named("Topic rooms (2)")
    assert port.channels[opened[2][1]].parent_id == second.id
    await rooms.close(GUILD, 2, opened[2][0], organizer=False)
    assert second.id not in port.channels
    assert await StructureRepository(db).get(GUILD, category_purpose(2)) is None
    assert "Topic rooms" in {c.name for c in port.channels.values()}, "the first one stays"


async def test_a_channel_deleted_by_hand_forgets_its_room_without_asking_discord(
    db: Database,
) -> None:
    rooms, port, _, _ = await setup(db)
    room, channel_id = await rooms.open(GUILD, OWNER, "Gone", None)
    port.channels.pop(channel_id)
    port.calls.clear()
    await rooms.channel_gone(GUILD, room_purpose(room.id))
    assert port.calls == []
    assert await rooms.open_rooms(GUILD) == []
    gone = await RoomRepository(db).get(room.id)
    assert gone is not None and gone.state is RoomState.GONE
    assert await StructureRepository(db).get(GUILD, room_purpose(room.id)) is None
    assert rooms.room_of_channel(channel_id) is None


async def test_a_category_deleted_by_hand_gets_its_rooms_back_in_a_new_one(
    db: Database,
) -> None:
    rooms, port, _, _ = await setup(db)
    _, channel_id = await rooms.open(GUILD, OWNER, "Homeless", None)
    old = port.named("Topic rooms").id
    port.channels.pop(old)
    port.calls.clear()
    await rooms.channel_gone(GUILD, category_purpose(1))
    new = port.named("Topic rooms").id
    assert new != old and port.channels[channel_id].parent_id == new
    assert port.calls == ["create Topic rooms", f"edit {channel_id}"]


async def test_reconcile_after_a_restart_follows_what_happened_while_away(db: Database) -> None:
    before, port, clock, _ = await setup(db)
    deleted, deleted_channel = await before.open(GUILD, OWNER, "Deleted", None)
    occupied, occupied_channel = await before.open(GUILD, OTHER, "Occupied", None)
    empty, _ = await before.open(GUILD, 33, "Empty", None)
    clock.set(clock.now() + timedelta(minutes=4))
    # While the bot was away: one channel deleted by hand, someone joined another.
    port.channels.pop(deleted_channel)
    port.voice[occupied_channel] = ("dave",)

    signals = Signals()
    after = room_service(db, port, clock, signals)
    port.calls.clear()
    await after.reconcile(GUILD)
    assert port.calls == [], "nothing to create or move"
    assert {v.room.id for v in await after.open_rooms(GUILD)} == {occupied.id, empty.id}
    gone = await RoomRepository(db).get(deleted.id)
    assert gone is not None and gone.state is RoomState.GONE, "forgotten, never recreated"
    (job,) = await idle_jobs(db)
    assert job.subject_id == empty.id
    assert job.due_at == clock.now() - timedelta(minutes=4) + IDLE, "counting on, not anew"
    assert after.room_of_channel(occupied_channel) == occupied.id
    assert signals.changed[-1] == GUILD
