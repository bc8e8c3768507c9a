"""Voice channel status lines (the corridor in the sidebar), end to end: a topic room shows its
topic and head count, a session's channel what is on, a breakout room when it ends; bursts of
changes are coalesced; the sandbox's per-channel limit is never hit."""

from __future__ import annotations

from datetime import timedelta

from tests.fakes.posters import START, board_channels, claim, members, setup_posters
from tests.features.attendance.attendance_helpers import move, person
from tests.features.breakouts.helpers import breakout_rooms, running_session, start
from tests.world import World, eventually

STATUS = "PUT /channels/{channel_id}/voice-status"


async def test_statuses_follow_rooms_sessions_and_breakouts(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot(breakouts={"voice_status": True, "status_seconds": 1.0})
    statuses = sb.state.voice_statuses
    session_id, home, people = await running_session(world, bot, 2)
    await eventually(lambda: statuses.get(home) == "Now: Causal inference")

    opened = await sb.invoke(
        world.guild_id, world.attendee_id, "room open", options={"topic": "Graph neural nets"}
    )
    await opened.wait_followups(1)
    (room,) = [
        int(c["id"]) for c in sb.channels(world.guild_id) if c["name"] == "Graph neural nets"
    ]
    await eventually(lambda: statuses.get(room) == "Graph neural nets · 0 inside")

    sb.clear_requests()
    crowd = [person(world, f"g{n}") for n in range(6)]
    for one in crowd:  # a burst: six joins, one after the other
        await move(world, bot, {one: room})
    await eventually(lambda: statuses.get(room) == "Graph neural nets · 6 inside")
    sent = [
        r for r in sb.requests if r.route == STATUS and r.path.endswith(f"/{room}/voice-status")
    ]
    assert 1 <= len(sent) <= 3, "coalesced, at most one per second"
    assert all(r.status == 204 for r in sb.requests if r.route == STATUS), "never past the limit"

    await start(world, world.organizer_id, 2, 10, session_id)
    rooms = [int(r["id"]) for r in breakout_rooms(sb, world.guild_id).values()]
    await eventually(
        lambda: all((statuses.get(r) or "").startswith("Breakout · back at") for r in rooms)
    )
    assert people


async def test_poster_boards_show_their_poster_and_whether_the_presenter_is_there(
    world: World,
) -> None:
    sb = world.sb
    await world.start_bot(breakouts={"voice_status": True, "status_seconds": 1.0})
    statuses = sb.state.voice_statuses
    await setup_posters(world, boards=2)
    (alice,) = members(world, 1)
    await claim(world, alice, "Sparse attention")
    await world.run_jobs(START - timedelta(minutes=30))
    board = int(board_channels(sb, world.guild_id)["001 · Sparse attention"]["id"])
    await eventually(lambda: statuses.get(board) == "#1 Sparse attention")
    await world.run_jobs(START)
    sb.set_voice_state(world.guild_id, alice, board)
    await eventually(lambda: statuses.get(board) == "#1 Sparse attention · presenter here")
