"""Attendance recording end to end: joins, moves and leaves become stays attributed to sessions,
topic rooms, poster boards or other channels; a burst keeps every intermediate stay; restarts
(graceful and kill -9), RESUME and re-IDENTIFY lose nothing and count nothing twice."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from bot.core.bot import WorkshopBot
from bot.domain.clock import FakeClock
from tests.e2e.test_process import ready_count
from tests.fakes.posters import board_channels, claim, members, setup_posters
from tests.features.attendance.attendance_helpers import (
    JST_10,
    cli,
    epoch,
    move,
    open_room,
    person,
    session_channel,
    stays,
    until,
    voice,
)
from tests.world import World, eventually


def summary(rows: list[dict], base: int) -> list[tuple]:  # type: ignore[type-arg]
    """(user, channel, kind, place, joined, left, recovered) with times relative to `base`."""
    return [
        (
            r["user_id"],
            r["channel_id"],
            r["place_kind"],
            r["place_id"],
            r["joined_at"] - base,
            None if r["left_at"] is None else r["left_at"] - base,
            r["recovered"],
        )
        for r in rows
    ]


async def test_joins_moves_and_leaves_become_stays_attributed_to_what_each_channel_is(
    world: World,
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, talk = await session_channel(world, bot, "Graph learning")
    await world.run_jobs(JST_10)  # the session opens
    ana = person(world, "ana", "Ana 🎓")
    robot = person(world, "recorder", bot=True)
    hangout = voice(world, "hangout")
    base = epoch(world.clock.now())

    await move(world, bot, {ana: talk, robot: talk})
    world.clock.advance(600)
    sb.set_voice_state(world.guild_id, ana, talk)  # a mute/deafen update: not a move
    await world.settle(0.1)
    world.clock.advance(300)
    room = await open_room(world, world.admin_id, "LLM eval")  # (empty rooms close when idle)
    room_id = bot.services.rooms.room_of_channel(room)
    await move(world, bot, {ana: room})
    world.clock.advance(120)
    await move(world, bot, {ana: hangout, robot: None})
    world.clock.advance(61)
    await move(world, bot, {ana: None})

    rows = await stays(bot)
    assert summary(rows, base) == [
        (ana, talk, "session", session_id, 0, 900, 0),
        (ana, room, "room", room_id, 900, 1020, 0),
        (ana, hangout, "other", None, 1020, 1081, 0),
    ], "bots are ignored"
    assert {r["display_name"] for r in rows} == {"Ana 🎓"}
    assert [r["channel_name"] for r in rows] == ["Graph learning", "LLM eval", "hangout"]


async def test_poster_board_voice_channels_count_for_their_poster_session(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    await setup_posters(world, boards=2)
    alice, bob, visitor = members(world, 3)
    await claim(world, alice, "Alice's poster")
    await claim(world, bob, "Bob's poster")
    start = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # the posters' 14:00 in Tokyo
    await world.run_jobs(start)
    boards = board_channels(sb, world.guild_id)
    one, two = int(boards["001 · Alice's poster"]["id"]), int(boards["002 · Bob's poster"]["id"])
    poster_session = next(
        s for s in await bot.services.sessions.programme(world.guild_id) if s.title == "Posters A"
    )

    await move(world, bot, {alice: one, bob: two, visitor: one})
    world.clock.advance(300)
    await move(world, bot, {visitor: two})
    world.clock.advance(200)
    await move(world, bot, {visitor: None})

    rows = await stays(bot)
    assert {(r["place_kind"], r["place_id"]) for r in rows} == {("poster", poster_session.id)}
    totals = await bot.services.attendance.session_totals(world.guild_id)
    # alice and bob are still at their boards (500 s each so far); the visitor 300 + 200 s.
    assert totals == {poster_session.id: (3, 500 + 500 + 500)}


class TickingClock(FakeClock):
    """Each reading is one second later: every voice event gets its own second."""

    def now(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now


async def test_a_burst_of_moves_keeps_every_intermediate_stay_in_order(world: World) -> None:
    """The listener-based trap: under a burst `after.channel` may already show a later move.
    Stays are read at parse time, so every one of 600 moves is its own stay, in order."""
    sb = world.sb
    world.clock = TickingClock(world.clock.now())
    sb.wall_clock = world.clock.now
    sb.clock = lambda: world.clock.now().timestamp()
    bot = await world.start_bot()
    channels = [voice(world, f"corridor {n}") for n in range(5)]
    people = [person(world, f"walker{n}") for n in range(30)]
    paths: dict[int, list[int | None]] = {}
    for step in range(20):  # dispatched back to back, no waiting in between
        for index, user in enumerate(people):
            target = None if step == 19 and index % 2 else channels[(index + step) % 5]
            sb.set_voice_state(world.guild_id, user, target)
            paths.setdefault(user, []).append(target)
    await move(world, bot, {u: path[-1] for u, path in paths.items()})

    rows = await stays(bot)
    for user in people:
        mine = [r for r in rows if r["user_id"] == user]
        expected = [c for c in paths[user] if c is not None]
        assert [r["channel_id"] for r in mine] == expected
        for earlier, following in pairwise(mine):
            assert earlier["left_at"] == following["joined_at"], "a move ends one, starts the next"
        assert (mine[-1]["left_at"] is None) == (paths[user][-1] is not None)


async def test_graceful_restart_keeps_who_stayed_in_voice_and_ends_who_left_at_the_stop(
    world: World,
) -> None:
    sb = world.sb
    stays_put, leaves, arrives = (person(world, n) for n in ("stays", "leaves", "arrives"))
    returns = person(world, "returns")
    hall, side = voice(world, "hall"), voice(world, "side room")
    bot = await world.start_bot()
    t0 = epoch(world.clock.now())
    await move(world, bot, {stays_put: hall, leaves: side, returns: hall})
    kept = {r["user_id"]: r["id"] for r in await stays(bot)}
    world.clock.advance(600)
    stopped = epoch(world.clock.now())
    await world.stop_bot(bot)  # what was queued is written; the heartbeat is the stop

    world.clock.advance(300)  # while the bot is down
    sb.set_voice_state(world.guild_id, leaves, None)
    sb.set_voice_state(world.guild_id, arrives, side)
    sb.set_voice_state(world.guild_id, returns, None)  # out of voice and back: a new session
    sb.set_voice_state(world.guild_id, returns, hall)
    world.clock.advance(60)
    restarted = epoch(world.clock.now())
    bot = await world.start_bot(sync=False)
    await until(lambda: _open_rows(bot, 3))

    rows = await stays(bot)
    assert summary(rows, t0) == [
        (stays_put, hall, "other", None, 0, None, 0),
        (leaves, side, "other", None, 0, stopped - t0, 1),
        (arrives, side, "other", None, restarted - t0, None, 1),
        (returns, hall, "other", None, 0, stopped - t0, 1),
        (returns, hall, "other", None, restarted - t0, None, 1),
    ]
    assert rows[0]["id"] == kept[stays_put], "never out of voice: one continuous stay"


async def _open_rows(bot: WorkshopBot, count: int) -> bool:
    await bot.services.attendance.flush()
    value = await bot.db.fetch_value("SELECT count(*) FROM attendance WHERE left_at IS NULL")
    return bool(value == count)


async def _rows(bot: WorkshopBot, count: int) -> bool:
    await bot.services.attendance.flush()
    return bool(await bot.db.fetch_value("SELECT count(*) FROM attendance") == count)


async def test_resume_replays_what_was_missed_and_counts_nothing_twice(world: World) -> None:
    sb = world.sb
    ana, ben = person(world, "ana"), person(world, "ben")
    hall, side = voice(world, "hall"), voice(world, "side room")
    bot = await world.start_bot()
    t0 = epoch(world.clock.now())
    await move(world, bot, {ana: hall, ben: side})
    world.clock.advance(120)
    before = await stays(bot)

    await sb.drop_websocket(resume=True)
    sb.set_voice_state(world.guild_id, ana, side)  # while disconnected: replayed on RESUME
    await sb.wait_for_gateway_ready()
    await move(world, bot, {ana: side})
    world.clock.advance(60)

    rows = await stays(bot)
    assert summary(rows, t0) == [
        (ana, hall, "other", None, 0, 120, 0),
        (ana, side, "other", None, 120, None, 0),
        (ben, side, "other", None, 0, None, 0),
    ]
    assert rows[2]["id"] == next(r["id"] for r in before if r["user_id"] == ben)
    assert sum(1 for _op, t, _d in sb.gateway_events if t == "RESUMED") == 1
    assert ready_count(sb) == 1


async def test_reidentify_reconciles_like_a_start_but_keeps_who_stayed(world: World) -> None:
    sb = world.sb
    ana, ben, cat = person(world, "ana"), person(world, "ben"), person(world, "cat")
    hall, side = voice(world, "hall"), voice(world, "side room")
    bot = await world.start_bot()
    t0 = epoch(world.clock.now())
    await move(world, bot, {ana: hall, ben: side})
    ana_row = next(r for r in await stays(bot) if r["user_id"] == ana)
    world.clock.advance(600)

    await sb.drop_websocket(resume=False)  # the session is invalid: a new IDENTIFY follows
    sb.set_voice_state(world.guild_id, ben, None)  # never delivered: only the new state
    sb.set_voice_state(world.guild_id, cat, hall)
    await sb.wait_for_gateway_ready()
    await eventually(lambda: ready_count(sb) == 2)
    await until(lambda: _rows(bot, 3))

    rows = await stays(bot)
    assert summary(rows, t0) == [
        (ana, hall, "other", None, 0, None, 0),
        (ben, side, "other", None, 0, 600, 1),
        (cat, hall, "other", None, 600, None, 1),
    ]
    assert rows[0]["id"] == ana_row["id"], "who stayed keeps their stay"


async def test_kill_9_with_people_in_voice_then_restart(world: World) -> None:
    """The bot process is killed with SIGKILL (default settings) right after it wrote that
    someone joined; they leave and someone else joins while it is down. The restarted bot keeps
    the stay of whoever never left voice, ends the leaver's at the last sign of life (the batch
    that recorded the join: not dropped, at least its first second), flagged recovered, and
    opens a stay for the newcomer."""
    sb = world.sb
    stays_put, leaves = person(world, "stays"), person(world, "leaves")
    arrives = person(world, "arrives")
    hall, side = voice(world, "hall"), voice(world, "side room")
    sb.set_voice_state(world.guild_id, stays_put, hall)  # in voice before the bot starts
    log = world.tmp / "bot.log"

    proc = await cli(world, "run", log=log)
    await eventually(lambda: ready_count(sb) >= 1)
    await eventually(lambda: len(_db(world.database, "SELECT id FROM attendance")) == 1)
    (kept,) = _db(world.database, "SELECT id FROM attendance")
    sb.set_voice_state(world.guild_id, leaves, side)
    await eventually(lambda: len(_db(world.database, "SELECT id FROM attendance")) == 2)
    proc.send_signal(signal.SIGKILL)  # at once: no heartbeat after the join
    await proc.wait()
    killed = int(time.time())
    joined = int(_db(world.database, "SELECT max(joined_at) FROM attendance")[0][0])
    beat = _heartbeat(world.database)
    assert joined <= beat <= killed, "the batch that wrote the join is a sign of life"

    sb.set_voice_state(world.guild_id, leaves, None)
    sb.set_voice_state(world.guild_id, arrives, side)
    await asyncio.sleep(1.1)  # so that "opened at the restart" is later than the kill
    restarted = int(time.time())
    proc = await cli(world, "run", log=log)
    try:
        await eventually(lambda: ready_count(sb) >= 2)
        await eventually(
            lambda: len(_db(world.database, "SELECT id FROM attendance WHERE left_at IS NULL")) == 2
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0

    rows = _db(
        world.database,
        "SELECT user_id, channel_id, joined_at, left_at, recovered, id FROM attendance "
        "ORDER BY user_id, joined_at",
    )
    by_user: dict[int, list[tuple[int, int, int | None, int, int]]] = {}
    for user, channel, joined_at, left_at, recovered, row_id in rows:
        by_user.setdefault(user, []).append((channel, joined_at, left_at, recovered, row_id))
    (same,) = by_user[stays_put]  # (flagged: the first run found them inside when it started)
    assert same[0] == hall and same[2] is None and same[4] == kept[0], "one continuous stay"
    (gone,) = by_user[leaves]
    assert gone[:4] == (side, joined, max(beat, joined + 1), 1), "ends at the last sign of life"
    (new,) = by_user[arrives]
    assert new[0] == side and new[1] >= restarted and new[3] == 1
    assert "Traceback" not in log.read_text()


def _db(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    """Read the bot's database from outside its process (read-only, WAL)."""
    if not path.exists():
        return []
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []


def _heartbeat(path: Path) -> int:
    rows = _db(path, "SELECT beat_at FROM attendance_heartbeat")
    return int(rows[0][0]) if rows else 0
