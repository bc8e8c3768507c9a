"""`/hallway`, the board's "Join a conversation" button, and links for topic rooms, end to end."""

from __future__ import annotations

from typing import Any

from bot.features.rooms.domain.hallway import Conversation, pick
from bot.features.rooms.domain.links import clean_link
from bot.sandbox import permissions as p
from tests.features.attendance.attendance_helpers import move, person
from tests.features.rooms.test_board import board_message, board_text, set_up
from tests.world import World, eventually

MOVE = "PATCH /guilds/{guild_id}/members/{user_id}"


async def room(world: World, user: int, topic: str, **options: Any) -> tuple[Any, int | None]:
    result = await world.sb.invoke(
        world.guild_id, user, "room open", options={"topic": topic, **options}, locale="en-US"
    )
    if result.response_type == 5:
        await result.wait_followups(1)
    ids = [int(c["id"]) for c in world.sb.channels(world.guild_id) if c["name"] == topic]
    return result, (ids[0] if ids else None)


async def hallway(world: World, user: int) -> Any:
    result = await world.sb.invoke(world.guild_id, user, "hallway", locale="en-US")
    await result.wait_followups(1)
    assert result.ephemeral
    return result


def test_the_pick_prefers_small_conversations_with_room_to_spare() -> None:
    rooms = [
        Conversation(1, 101, 0, None),  # empty: no conversation
        Conversation(2, 102, 6, None),
        Conversation(3, 103, 3, 3),  # full
        Conversation(4, 104, 2, None),
        Conversation(5, 105, 1, 8),
    ]
    assert pick(rooms) == rooms[4]  # fewest people first, within 1-3
    assert pick(rooms, current=105) == rooms[3]
    assert pick(rooms[:3]) == rooms[1]  # only a big one left: still better than none
    assert pick(rooms[:1]) is None


def test_links_are_https_and_cannot_break_a_line() -> None:
    assert (
        clean_link("  https://miro.com/app/board/uXjV_k=/  ")
        == "https://miro.com/app/board/uXjV_k=/"
    )
    assert clean_link("") is None and clean_link(None) is None
    for bad in (
        "http://example.com",
        "javascript:alert(1)",
        "https://evil.com/a)[click](https://x.y",
        "https://exa mple.com",
        "https://localhost",
        "https://user:pw@example.com",
        "https://example.com/\u202e",
        "https://example.com/" + "a" * 300,
    ):
        try:
            clean_link(bad)
        except Exception:
            continue
        raise AssertionError(bad)


async def test_hallway_moves_someone_in_voice_and_links_someone_outside(world: World) -> None:
    sb = world.sb
    bot = await set_up(world)
    # Nobody talking anywhere: offered to open a room (the existing modal's button).
    none = await hallway(world, world.attendee_id)
    assert "Open one" in none.followups[0]["content"]
    button = none.followups[0]["components"][0]["components"][0]
    assert button["custom_id"] == "board:open-room"

    _, busy = await room(world, world.organizer_id, "Transformers")
    _, quiet = await room(world, world.admin_id, "Bayesian methods")
    assert busy is not None and quiet is not None
    talkers = [person(world, f"t{n}") for n in range(5)]
    await move(world, bot, {**dict.fromkeys(talkers[:4], busy), talkers[4]: quiet})
    walker = person(world, "walker")
    corridor = int(sb.add_channel(world.guild_id, "Corridor", type=2)["id"])
    await move(world, bot, {walker: corridor})

    sb.clear_requests()
    moved = await hallway(world, walker)
    assert f"<#{quiet}>" in moved.followups[0]["content"]
    await eventually(lambda: bot.services.gateway.voice_channel_of(world.guild_id, walker) == quiet)
    assert sum(1 for r in sb.requests if r.route == MOVE) == 1

    # Not in voice: the link, nobody moved.
    sb.clear_requests()
    linked = await hallway(world, world.attendee_id)
    assert f"<#{quiet}>" in linked.followups[0]["content"]  # 2 inside now: still the smallest
    assert not [r for r in sb.requests if r.route == MOVE]

    # Without Move Members the bot gives the link instead.
    sb.set_bot_permissions(world.guild_id, sb.default_bot_permissions & ~p.MOVE_MEMBERS)
    await world.settle(0.2)
    linked = await hallway(world, talkers[0])
    assert f"<#{quiet}>" in linked.followups[0]["content"]
    assert "You are in" not in linked.followups[0]["content"]

    # The board's button does the same.
    sb.set_bot_permissions(world.guild_id, sb.default_bot_permissions)
    await world.settle(0.2)
    message = board_message(sb, world.guild_id)
    (join,) = [
        c
        for row in message["components"]
        for c in row["components"]
        if c["label"] == "Join a conversation"
    ]
    clicked = await sb.click(
        world.guild_id, talkers[1], int(message["id"]), join["custom_id"], locale="en-US"
    )
    await clicked.wait_followups(1)
    assert f"<#{quiet}>" in clicked.followups[0]["content"]
    await eventually(
        lambda: bot.services.gateway.voice_channel_of(world.guild_id, talkers[1]) == quiet
    )


async def test_a_room_link_is_shown_on_the_board_in_the_list_and_in_the_chat(world: World) -> None:
    sb = world.sb
    await set_up(world)
    link = "https://miro.com/app/board/uXjVN1_abc=/"
    _, channel = await room(world, world.attendee_id, "Diffusion", link=link)
    assert channel is not None
    (post,) = sb.messages(channel)
    assert link in post["embeds"][0]["description"]
    await eventually(lambda: f"[🔗]({link})" in board_text(sb, world.guild_id))
    listed = await sb.invoke(world.guild_id, world.attendee_id, "room list", locale="en-US")
    assert f"[🔗]({link})" in listed.embeds[0]["description"]

    sb.clear_requests()
    bad, made = await room(world, world.attendee_id, "Sneaky", link="http://example.com")
    assert made is None and "https://" in (bad.content or "")
    assert bad.ephemeral and not [
        r for r in sb.requests if r.method == "POST" and "channels" in r.path
    ]
