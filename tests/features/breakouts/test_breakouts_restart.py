"""Breakouts across restarts: the bot down during a breakout still calls everyone back on time
and deletes the rooms, exactly once, also when the end job itself was interrupted; a split that
a crash cut short is finished at start-up; rooms an ended breakout left behind are deleted."""

from __future__ import annotations

from datetime import timedelta

from bot.features.breakouts.service import JOB_END
from bot.store.db import Database
from tests.features.breakouts.helpers import (
    DELETE_CHANNEL,
    MOVE,
    breakout_rooms,
    routes,
    running_session,
    start,
    where,
)
from tests.world import World


async def test_down_during_the_breakout_and_back_after_its_end(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, home, people = await running_session(world, bot, 4)
    assert "4 people are in 2 rooms" in await start(world, world.organizer_id, 2, 5, session_id)
    await world.stop_bot(bot)  # the bot is away from here on

    world.clock.advance(timedelta(minutes=10))  # past the end
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    assert all(where(sb, world.guild_id)[u] == home for u in people)
    assert breakout_rooms(sb, world.guild_id) == {}
    assert (routes(sb)[MOVE], routes(sb)[DELETE_CHANNEL]) == (4, 2)

    await world.stop_bot(bot)
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    assert routes(sb)[MOVE] == routes(sb)[DELETE_CHANNEL] == 0, "exactly once"


async def test_an_interrupted_end_is_finished_not_repeated(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, home, people = await running_session(world, bot, 4)
    await start(world, world.organizer_id, 2, 5, session_id)
    await world.stop_bot(bot)
    # As if the bot had claimed the end job, moved one person back and then died (kill -9).
    sb.set_voice_state(world.guild_id, people[0], home)
    db = Database(world.database)
    await db.open()
    async with db.transaction() as conn:
        await conn.execute("UPDATE jobs SET state = 'running' WHERE kind = ?", (JOB_END,))
    await db.close()

    world.clock.advance(timedelta(minutes=6))
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    assert all(where(sb, world.guild_id)[u] == home for u in people)
    assert breakout_rooms(sb, world.guild_id) == {}
    assert (routes(sb)[MOVE], routes(sb)[DELETE_CHANNEL]) == (3, 2), "nobody moved twice"
    rows = await bot.db.fetch_all("SELECT state FROM jobs WHERE kind = ?", (JOB_END,))
    assert [r[0] for r in rows] == ["done"]


async def test_a_split_cut_short_is_finished_at_start_up(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, home, people = await running_session(world, bot, 4)
    await start(world, world.organizer_id, 2, 30, session_id)
    await world.stop_bot(bot)
    # As if the bot died after moving two people: the other two are still in the session's
    # channel, not marked as moved (and one of the rooms was never created).
    rooms = breakout_rooms(sb, world.guild_id)
    db = Database(world.database)
    await db.open()
    moved = await db.fetch_all(
        "SELECT user_id, room FROM breakout_people WHERE room = 2 ORDER BY user_id"
    )
    async with db.transaction() as conn:
        await conn.execute("UPDATE breakout_people SET moved_out = NULL WHERE room = 2")
        await conn.execute(
            "UPDATE guild_structure SET discord_id = NULL, state = 'pending' "
            "WHERE purpose LIKE 'breakout:%:room:2'"
        )
    await db.close()
    sb.delete_channel(int(rooms["Breakout 2/2 · Causal inference"]["id"]))
    for row in moved:
        sb.set_voice_state(world.guild_id, int(row["user_id"]), home)

    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    rooms = breakout_rooms(sb, world.guild_id)
    assert len(rooms) == 2
    room2 = int(rooms["Breakout 2/2 · Causal inference"]["id"])
    assert all(where(sb, world.guild_id)[int(r["user_id"])] == room2 for r in moved)
    assert routes(sb)[MOVE] == len(moved) == 2, "only those not moved yet"
    assert len(people) == 4


async def test_rooms_an_ended_breakout_left_behind_are_deleted_at_start_up(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _, _ = await running_session(world, bot, 2)
    await start(world, world.organizer_id, 2, 30, session_id)
    await world.stop_bot(bot)
    # As if the bot died after ending the breakout in the database, before deleting its rooms.
    db = Database(world.database)
    await db.open()
    async with db.transaction() as conn:
        await conn.execute("UPDATE breakouts SET state = 'ended', end_reason = 'early'")
    await db.close()
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    assert breakout_rooms(sb, world.guild_id) == {}
    assert routes(sb)[DELETE_CHANNEL] == 2
