"""The live room board in #lobby end to end: it follows joins, leaves and moves, shows running
sessions, coalesces bursts, skips invisible changes, comes back when deleted, and its "Open a
room" button and modal work (also after a restart)."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from bot.sandbox.sandbox import Sandbox
from tests.world import World, eventually

EDIT_MESSAGE = "PATCH /channels/{channel_id}/messages/{message_id}"
POST_MESSAGE = "POST /channels/{channel_id}/messages"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"


def lobby(sb: Sandbox, guild_id: int) -> dict[str, Any]:
    (found,) = [c for c in sb.channels(guild_id) if c["name"] == "lobby"]
    return found


def board_message(sb: Sandbox, guild_id: int) -> dict[str, Any]:
    (message,) = sb.messages(int(lobby(sb, guild_id)["id"]))
    return message


def board_text(sb: Sandbox, guild_id: int) -> str:
    return str(board_message(sb, guild_id)["embeds"][0]["description"])


def voice_rooms(sb: Sandbox, guild_id: int) -> dict[str, int]:
    return {c["name"]: int(c["id"]) for c in sb.channels(guild_id) if c["type"] == 2}


async def set_up(world: World, **overrides: Any) -> Any:
    bot = await world.start_bot(**overrides)
    setup = await world.sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await setup.wait_followups(1)
    return bot


async def open_room(world: World, user: int, topic: str) -> int:
    result = await world.sb.invoke(world.guild_id, user, "room open", options={"topic": topic})
    await result.wait_followups(1)
    return voice_rooms(world.sb, world.guild_id)[topic]


async def settled(world: World) -> None:
    await world.settle(0.05)
    await world.bots[-1].services.board.settled(world.guild_id)


async def test_board_follows_joins_moves_and_leaves(world: World) -> None:
    sb = world.sb
    await set_up(world)
    assert "No session is running" in board_text(sb, world.guild_id)
    ml = await open_room(world, world.attendee_id, "ML ops")
    nlp = await open_room(world, world.organizer_id, "NLP *bold* @everyone")
    aki = int(sb.add_member(world.guild_id, name="Aki")["id"])
    ben = int(sb.add_member(world.guild_id, name="Ben")["id"])

    sb.set_voice_state(world.guild_id, aki, ml)
    sb.set_voice_state(world.guild_id, ben, ml)
    await settled(world)
    text = board_text(sb, world.guild_id)
    assert f"<#{ml}> ML ops · 2 inside: Aki, Ben" in text
    assert "2 open · 2 inside" in text
    assert "NLP \\*bold\\* \\@everyone · empty" in text, "user text is shown, never formatted"

    sb.set_voice_state(world.guild_id, ben, nlp)  # a move
    await settled(world)
    text = board_text(sb, world.guild_id)
    assert f"<#{ml}> ML ops · 1 inside: Aki" in text
    assert "· 1 inside: Ben" in text

    sb.set_voice_state(world.guild_id, aki, None)
    sb.set_voice_state(world.guild_id, ben, None)
    await settled(world)
    assert "2 open · 0 inside" in board_text(sb, world.guild_id)
    components = board_message(sb, world.guild_id)["components"]
    assert components[0]["components"][0]["label"] == "Open a room"


async def test_invisible_changes_do_not_edit_the_board(world: World) -> None:
    sb = world.sb
    await set_up(world)
    await open_room(world, world.attendee_id, "Quiet")
    await settled(world)
    elsewhere = sb.add_channel(world.guild_id, "afk", type=2)
    sb.clear_requests()
    sb.set_voice_state(world.guild_id, world.admin_id, int(elsewhere["id"]))
    sb.set_voice_state(world.guild_id, world.admin_id, None)
    await settled(world)
    assert sb.count(EDIT_MESSAGE) == 0
    assert world.bots[-1].services.board.skipped >= 1


async def test_board_shows_running_sessions_with_people(world: World) -> None:
    sb = world.sb
    await set_up(world)
    created = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": "Keynote on agents", "start": "10:00", "duration": 60},
    )
    await created.wait_followups(1)
    session = await world.bots[-1].services.sessions.resolve(world.guild_id, "Keynote on agents")
    opened = await sb.invoke(
        world.guild_id, world.organizer_id, "session open", options={"session": str(session.id)}
    )
    await opened.wait_followups(1)
    channel = voice_rooms(sb, world.guild_id)["Keynote on agents"]
    sb.set_voice_state(world.guild_id, world.attendee_id, channel)
    await settled(world)
    text = board_text(sb, world.guild_id)
    assert "**Running now**" in text
    assert f"<#{channel}> Keynote on agents · 1 inside: attendee" in text


async def test_deleted_board_comes_back_filled_in_and_its_id_is_kept(world: World) -> None:
    sb = world.sb
    bot = await set_up(world)
    await open_room(world, world.attendee_id, "Survivor")
    await settled(world)
    lobby_id = int(lobby(sb, world.guild_id)["id"])
    sb.delete_message(lobby_id, int(board_message(sb, world.guild_id)["id"]))
    await eventually(lambda: len(sb.messages(lobby_id)) == 1)
    await settled(world)
    assert "Survivor" in board_text(sb, world.guild_id)
    new_id = int(board_message(sb, world.guild_id)["id"])

    await world.stop_bot(bot)
    sb.clear_requests()
    await world.start_bot(sync=False)
    await settled(world)
    assert int(board_message(sb, world.guild_id)["id"]) == new_id
    assert sb.count(POST_MESSAGE) == 0
    assert sb.count(EDIT_MESSAGE) == 0, "nothing changed while away: no edit after the restart"


async def test_open_a_room_button_and_modal_also_after_a_restart(world: World) -> None:
    sb = world.sb
    bot = await set_up(world)
    await world.stop_bot(bot)
    await world.start_bot(sync=False)
    message = board_message(sb, world.guild_id)
    button = message["components"][0]["components"][0]

    clicked = await sb.click(
        world.guild_id, world.attendee_id, int(message["id"]), button["custom_id"], locale="ja"
    )
    assert clicked.response_type == 9
    assert clicked.modal is not None and clicked.modal["title"] == "トピックルームを開く"

    sb.clear_requests()
    bad = await sb.submit_modal(
        world.guild_id,
        world.attendee_id,
        clicked.modal["custom_id"],
        {"topic": "Too many", "limit": "150"},
        locale="en-US",
    )
    assert bad.ephemeral and "from 2 to 99" in (bad.content or "")
    assert sb.count(CREATE_CHANNEL) == 0

    clicked = await sb.click(
        world.guild_id, world.attendee_id, int(message["id"]), button["custom_id"]
    )
    assert clicked.modal is not None
    submitted = await sb.submit_modal(
        world.guild_id,
        world.attendee_id,
        clicked.modal["custom_id"],
        {"topic": "強化学習 🤖", "limit": "6"},
    )
    await submitted.wait_followups(1)
    assert submitted.ephemeral
    channel = next(c for c in world.sb.channels(world.guild_id) if c["name"] == "強化学習 🤖")
    assert channel["user_limit"] == 6
    await settled(world)
    assert "強化学習 🤖" in board_text(sb, world.guild_id)


async def test_a_burst_of_300_moves_gives_few_edits_and_a_true_final_board(world: World) -> None:
    sb = world.sb
    interval = 1.0
    await set_up(
        world,
        rooms={
            "board_edit_seconds": interval,
            "per_owner": 25,
            "max_open": 60,
            "opens_per_window": 100,
        },
    )
    rooms = [await open_room(world, world.organizer_id, f"room {n}") for n in range(10)]
    people = [int(sb.add_member(world.guild_id, name=f"p{n:03}")["id"]) for n in range(100)]
    await settled(world)
    rng = random.Random(7)
    sb.clear_requests()

    started = time.monotonic()
    for move in range(300):
        target = rng.choice([*rooms, None])
        sb.set_voice_state(world.guild_id, people[move % 100], target)
        if move % 25 == 0:
            await asyncio.sleep(0.2)  # spread over about 2.4 s, like a busy corridor
    await settled(world)
    elapsed = time.monotonic() - started

    edits = sb.count(EDIT_MESSAGE)
    # One edit right away, then at most one per interval while events keep coming, plus the last.
    assert 1 <= edits <= int(elapsed / interval) + 2, (edits, elapsed)

    truth: dict[int, set[str]] = {room: set() for room in rooms}
    names = {int(m["user"]["id"]): m["user"]["username"] for m in sb.members(world.guild_id)}
    for state in sb.voice_states(world.guild_id):
        truth[int(state["channel_id"])].add(names[int(state["user_id"])])
    shown = await world.bots[-1].services.board.snapshot(world.guild_id)
    assert {r.channel_id: set(r.occupants) for r in shown.rooms} == truth
    text = board_text(sb, world.guild_id)
    for room, inside in truth.items():
        if inside:
            assert f"<#{room}> room {rooms.index(room)} · {len(inside)} inside" in text
    assert len(text) <= 4096
