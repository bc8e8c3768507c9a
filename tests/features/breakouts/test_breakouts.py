"""Breakouts end to end through the sandbox: split a session's voice channel into rooms, tell
late comers where the rooms are, warn a minute before the end, call everyone back and delete
the rooms; refusals; attendance counting the rooms toward the session."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from bot.sandbox import permissions as p
from tests.features.attendance.attendance_helpers import move, person, stays
from tests.features.breakouts.helpers import (
    CREATE_CHANNEL,
    DELETE_CHANNEL,
    MOVE,
    POST,
    breakout_rooms,
    end,
    routes,
    running_session,
    start,
    where,
)
from tests.world import World


async def test_a_chair_splits_a_session_and_everyone_comes_back_on_time(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, home, people = await running_session(world, bot, 7)
    sb.clear_requests()
    reply = await start(world, world.organizer_id, 3, 10, session_id)
    assert "7 people are in 3 rooms" in reply
    rooms = breakout_rooms(sb, world.guild_id)
    assert sorted(rooms) == [f"Breakout {n}/3 · Causal inference" for n in (1, 2, 3)]
    home_parent = sb.channel(home)["parent_id"]  # type: ignore[index]
    assert {r["parent_id"] for r in rooms.values()} == {home_parent}, "beside the session"
    room_ids = {int(r["id"]) for r in rooms.values()}
    now = where(sb, world.guild_id)
    assert all(now[u] in room_ids for u in people)
    assert sorted(Counter(now[u] for u in people).values()) == [2, 2, 3], "evenly"
    sent = routes(sb)
    # The minimum: N creates, one move per person, one post per room.
    assert (sent[CREATE_CHANNEL], sent[MOVE], sent[POST]) == (3, 7, 3)
    for room in rooms.values():
        (post,) = sb.messages(int(room["id"]))
        text = post["embeds"][0]["description"]
        assert "Causal inference" in text and "<t:" in text and f"<#{home}>" in text

    # A late comer in the session's channel is told where the rooms are (once, pinged alone).
    late = person(world, "late")
    await move(world, bot, {late: home})
    await world.settle(0.3)
    told = [m for m in sb.messages(home) if m.get("content") == f"<@{late}>"]
    assert len(told) == 1
    (sent_to_home,) = [
        r.json for r in sb.requests if r.route == POST and r.path.endswith(f"/{home}/messages")
    ]
    assert sent_to_home["allowed_mentions"] == {"parse": [], "users": [late]}
    assert all(f"<#{r}>" in told[0]["embeds"][0]["description"] for r in room_ids)

    # Someone walks out of voice: not pulled back later.
    await move(world, bot, {people[0]: None})
    sb.clear_requests()
    await world.run_jobs(world.clock.now() + timedelta(minutes=9))
    for room in rooms.values():
        assert "One minute left" in sb.messages(int(room["id"]))[-1]["embeds"][0]["description"]
    await world.run_jobs(world.clock.now() + timedelta(minutes=1))
    back = where(sb, world.guild_id)
    assert all(back[u] == home for u in people[1:]) and people[0] not in back
    assert breakout_rooms(sb, world.guild_id) == {}
    sent = routes(sb)
    assert (sent[MOVE], sent[DELETE_CHANNEL]) == (6, 3)

    # Attendance counted the rooms toward the session: nobody left it during the breakout.
    rows = await stays(bot)
    in_rooms = [r for r in rows if r["channel_id"] in room_ids]
    assert in_rooms and {(r["place_kind"], r["place_id"]) for r in in_rooms} == {
        ("session", session_id)
    }


async def test_refusals_change_nothing(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _, people = await running_session(world, bot, 2)
    # Not an organizer, not the chair.
    assert "chair" in await start(world, people[0], 2, 5, session_id)
    # Nobody to split in another session.
    other, _, _ = await running_session(world, bot, 0, title="Empty room", start="12:00")
    assert "Nobody is in" in await start(world, world.organizer_id, 2, 5, other)
    # Without Move Members: refused up front, naming it.
    sb.set_bot_permissions(world.guild_id, sb.default_bot_permissions & ~p.MOVE_MEMBERS)
    await world.settle(0.2)
    assert "Move Members" in await start(world, world.organizer_id, 2, 5, session_id)
    sb.set_bot_permissions(world.guild_id, sb.default_bot_permissions)
    await world.settle(0.2)
    assert breakout_rooms(sb, world.guild_id) == {}
    # Running already.
    assert "2 people are in 2 rooms" in await start(world, world.admin_id, 2, 5, session_id)
    assert "already running" in await start(world, world.organizer_id, 3, 5, session_id)
    assert len(breakout_rooms(sb, world.guild_id)) == 2
    # Ended early by an organizer; ending again finds none.
    assert "2 people are back" in await end(world, world.organizer_id, session_id)
    assert breakout_rooms(sb, world.guild_id) == {}
    assert "No breakout" in await end(world, world.organizer_id, session_id)
    rows = await bot.db.fetch_all("SELECT state, end_reason FROM breakouts")
    assert [tuple(r) for r in rows] == [("ended", "early")]


async def test_rooms_spill_out_of_a_full_category_and_must_fit_the_budget(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, home, people = await running_session(world, bot, 3)
    parent = int(sb.channel(home)["parent_id"])  # type: ignore[index]
    used = sum(1 for c in sb.channels(world.guild_id) if c.get("parent_id") == str(parent))
    for n in range(49 - used):
        sb.add_channel(world.guild_id, f"hand {n}", type=2, parent_id=parent)
    # The guild's budget: 500 channels; leave room for 2 more only.
    for n in range(498 - len(sb.channels(world.guild_id))):
        sb.add_channel(world.guild_id, f"filler {n}", type=0)
    await world.settle(0.3)
    sb.clear_requests()
    reply = await start(world, world.organizer_id, 3, 5, session_id)
    assert "500" in reply, reply  # 3 rooms + 1 category do not fit: refused up front
    assert routes(sb)["POST /guilds/{guild_id}/channels"] == 0
    for channel in [c for c in sb.channels(world.guild_id) if c["name"].startswith("filler")][:10]:
        sb.delete_channel(int(channel["id"]))
    await world.settle(0.3)
    assert "3 people are in 3 rooms" in await start(world, world.organizer_id, 3, 5, session_id)
    rooms = breakout_rooms(sb, world.guild_id)
    parents = Counter(r["parent_id"] for r in rooms.values())
    (spill,) = [c for c in sb.channels(world.guild_id) if c["name"].startswith("Breakouts · ")]
    assert parents == {str(parent): 1, spill["id"]: 2}
    assert "1 people are back" not in await end(world, world.organizer_id, session_id)
    assert breakout_rooms(sb, world.guild_id) == {}
    assert not [c for c in sb.channels(world.guild_id) if c["name"].startswith("Breakouts · ")]
    assert all(where(sb, world.guild_id)[u] == home for u in people)


async def test_a_429_on_moves_is_waited_out_and_nobody_is_moved_twice(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _, people = await running_session(world, bot, 4)
    sb.clear_requests()
    sb.inject_fault(MOVE, status=429, retry_after=0.2, times=2)
    assert "4 people are in 2 rooms" in await start(world, world.organizer_id, 2, 5, session_id)
    moves = [r for r in sb.requests if r.route == MOVE]
    assert [r.status for r in moves].count(429) == 2 and len(moves) == 6
    moved = Counter(r.path for r in moves if r.status == 200)
    assert sorted(moved.values()) == [1, 1, 1, 1], "each person moved once"
    assert len(people) == 4


async def test_someone_gone_from_voice_at_their_turn_is_skipped(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _, _ = await running_session(world, bot, 3)
    sb.clear_requests()
    # Discord answers the first move "not connected to voice" (they left a moment ago).
    sb.inject_fault(MOVE, status=400, code=40032, message="Target user is not connected to voice.")
    reply = await start(world, world.organizer_id, 2, 5, session_id)
    assert "2 people are in 2 rooms" in reply
    assert "Not moved (they left the session's channel first): 1" in reply
    assert sum(1 for r in sb.requests if r.route == MOVE) == 3, "no second try"


async def test_forget_me_deletes_a_persons_breakout_assignments(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _, people = await running_session(world, bot, 2)
    await start(world, world.organizer_id, 2, 5, session_id)
    await end(world, world.organizer_id, session_id)
    asked = await sb.invoke(world.guild_id, people[0], "attendance forget-me", locale="en-US")
    assert "breakout room assignments: 1" in (asked.content or "")
    await sb.click(world.guild_id, people[0], asked.message_id, f"att:forget:yes:{people[0]}")
    rows = await bot.db.fetch_all("SELECT user_id FROM breakout_people")
    assert [r[0] for r in rows] == [people[1]]
