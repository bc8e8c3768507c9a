"""Topic rooms end to end: open, list, rename, close, limits, and the idle countdown (with an
injected clock), including restarts in every state."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from bot.features.rooms.service import JOB_ROOM_IDLE
from bot.sandbox.sandbox import Sandbox
from tests.world import World

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "POST /webhooks/{application_id}/{interaction_token}"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
EDIT_CHANNEL = "PATCH /channels/{channel_id}"
DELETE_CHANNEL = "DELETE /channels/{channel_id}"
IDLE = timedelta(seconds=600)


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests if r.method != "GET")


def voice_rooms(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in sb.channels(guild_id) if c["type"] == 2}


def category_named(sb: Sandbox, guild_id: int, name: str) -> dict[str, Any]:
    (found,) = [c for c in sb.channels(guild_id) if c["type"] == 4 and c["name"] == name]
    return found


async def open_room(
    world: World, user: int, topic: str, limit: int | None = None, locale: str = "en-US"
) -> Any:
    options: dict[str, Any] = {"topic": topic}
    if limit is not None:
        options["limit"] = limit
    result = await world.sb.invoke(
        world.guild_id, user, "room open", options=options, locale=locale
    )
    if result.response_type == 5:
        await result.wait_followups(1)
    return result


def reply(result: Any) -> str:
    return result.followups[0]["content"] if result.followups else (result.content or "")


async def answer(result: Any) -> str:
    """The text of an ephemeral answer, whether it came directly or after a defer."""
    if result.response_type == 5:
        await result.wait_followups(1)
    assert result.ephemeral
    return reply(result)


async def run_jobs(world: World, delta: timedelta) -> None:
    world.clock.advance(delta)
    await world.bots[-1].services.scheduler.idle()
    await world.settle(0.1)


async def test_open_makes_one_voice_channel_in_a_topic_rooms_category(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    sb.clear_requests()
    result = await open_room(world, world.attendee_id, "LLM 評価 🍣 chat", limit=8)
    assert result.ephemeral
    rooms = voice_rooms(sb, world.guild_id)
    assert set(rooms) == {"LLM 評価 🍣 chat"}, "Japanese and emoji are kept"
    room = rooms["LLM 評価 🍣 chat"]
    assert room["user_limit"] == 8
    assert room["parent_id"] == category_named(sb, world.guild_id, "Topic rooms")["id"]
    assert f"<#{room['id']}>" in reply(result)
    # defer, the category, the channel (one request each), the answer
    assert routes(sb) == Counter({CALLBACK: 1, CREATE_CHANNEL: 2, FOLLOWUP: 1})

    sb.clear_requests()
    await open_room(world, world.organizer_id, "Tokenizers")
    assert routes(sb) == Counter({CALLBACK: 1, CREATE_CHANNEL: 1, FOLLOWUP: 1})


async def test_list_rename_and_close(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await open_room(world, world.attendee_id, "Diffusion models")
    room_id = int(voice_rooms(sb, world.guild_id)["Diffusion models"]["id"])
    sb.set_voice_state(world.guild_id, world.admin_id, room_id)
    await world.settle(0.1)

    listed = await sb.invoke(world.guild_id, world.organizer_id, "room list", locale="en-US")
    description = listed.embeds[0]["description"]
    assert f"<#{room_id}>" in description and "Diffusion models" in description
    assert "1 inside" in description and "admin" in description
    assert f"<@{world.attendee_id}>" in description
    assert listed.ephemeral
    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status", locale="en-US")
    assert any("Topic rooms: 1" in f["value"] for f in status.embeds[0]["fields"])

    other = sb.add_member(world.guild_id, name="other")
    refused = await sb.invoke(
        world.guild_id,
        int(other["id"]),
        "room rename",
        options={"topic": "Hijacked", "room": "Diffusion models"},
        locale="en-US",
    )
    assert "Only the room's owner" in await answer(refused)
    assert "Diffusion models" in voice_rooms(sb, world.guild_id)

    for topic in ("Diffusion 2", "Diffusion 3"):
        renamed = await sb.invoke(
            world.guild_id, world.attendee_id, "room rename", options={"topic": topic}
        )
        await renamed.wait_followups(1)
        assert topic in voice_rooms(sb, world.guild_id)
    sb.clear_requests()
    third = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "room rename",
        options={"topic": "Diffusion 4"},
        locale="en-US",
    )
    assert "two renames" in await answer(third), "refused before Discord's limit, not hanging"
    assert routes(sb)[EDIT_CHANNEL] == 0
    assert "Diffusion 3" in voice_rooms(sb, world.guild_id)

    world.clock.advance(timedelta(minutes=10, seconds=1))
    later = await sb.invoke(
        world.guild_id, world.attendee_id, "room rename", options={"topic": "Diffusion 4"}
    )
    await later.wait_followups(1)
    assert "Diffusion 4" in voice_rooms(sb, world.guild_id)

    closed = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "room close",
        options={"room": "Diffusion 4"},
        locale="en-US",
    )
    await closed.wait_followups(1)
    assert "Closed" in reply(closed)
    assert voice_rooms(sb, world.guild_id) == {}
    empty = await sb.invoke(world.guild_id, world.attendee_id, "room list", locale="en-US")
    assert "No topic room is open" in empty.embeds[0]["description"]


async def test_a_rename_at_discords_limit_is_refused_and_nothing_is_left_to_happen(
    world: World,
) -> None:
    """The bot counts its own renames, but Discord counts every rename (an organizer may have
    renamed the channel twice by hand): Discord's 429 refuses the rename there and then. The
    answer says so, the room keeps its topic everywhere, and nothing renames it later."""
    sb = world.sb
    bot = await world.start_bot()
    await open_room(world, world.attendee_id, "Diffusion models")
    channel = int(voice_rooms(sb, world.guild_id)["Diffusion models"]["id"])
    now = sb.clock()
    sb.state.rename_log[channel] = [now - 60, now - 30]  # two renames by hand in Discord
    sb.clear_requests()
    refused = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "room rename",
        options={"topic": "Diffusion 2"},
        locale="ja",
    )
    text = await answer(refused)
    assert text == (
        "Discord ではチャンネル名の変更は10分間に2回までのため、名前は変更していません。"
        "約9分後にもう一度お試しください。"  # Discord: 540 s until the first falls out
    )
    assert routes(sb)[EDIT_CHANNEL] == 1, "Discord was asked once and said no"
    assert [r.status for r in sb.requests if r.route == EDIT_CHANNEL] == [429]
    (view,) = await bot.services.rooms.open_rooms(world.guild_id)
    assert view.room.topic == "Diffusion models"
    pending = await bot.db.fetch_all("SELECT kind FROM jobs WHERE state = 'pending'")
    assert {r["kind"] for r in pending} <= {JOB_ROOM_IDLE}, "no rename is queued"

    sb.set_voice_state(world.guild_id, world.attendee_id, channel)  # keep the room open
    await world.settle(0.1)
    await run_jobs(world, timedelta(minutes=11))  # past Discord's window: nothing was queued
    assert "Diffusion models" in voice_rooms(sb, world.guild_id)
    later = await sb.invoke(
        world.guild_id, world.attendee_id, "room rename", options={"topic": "Diffusion 2"}
    )
    await later.wait_followups(1)
    assert "Diffusion 2" in voice_rooms(sb, world.guild_id), "asked again, it is renamed"


async def test_owner_closes_the_room_they_are_in_without_naming_it(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await open_room(world, world.attendee_id, "Robotics")
    await open_room(world, world.attendee_id, "Vision")
    vision = int(voice_rooms(sb, world.guild_id)["Vision"]["id"])
    ambiguous = await sb.invoke(world.guild_id, world.attendee_id, "room close", locale="en-US")
    assert "several rooms" in (ambiguous.content or "")
    sb.set_voice_state(world.guild_id, world.attendee_id, vision)
    await world.settle(0.1)
    closed = await sb.invoke(world.guild_id, world.attendee_id, "room close")
    await closed.wait_followups(1)
    assert set(voice_rooms(sb, world.guild_id)) == {"Robotics"}


async def test_limits_refuse_clearly_and_create_nothing(world: World) -> None:
    sb = world.sb
    await world.start_bot(
        rooms={"max_open": 3, "per_owner": 2, "opens_per_window": 3, "opens_window_minutes": 10}
    )
    await open_room(world, world.attendee_id, "one")
    await open_room(world, world.attendee_id, "two")

    sb.clear_requests()
    third = await open_room(world, world.attendee_id, "three", locale="en-US")
    assert "already own 2 open rooms" in reply(third)
    assert routes(sb)[CREATE_CHANNEL] == 0

    await open_room(world, world.organizer_id, "org")
    sb.clear_requests()
    full = await open_room(world, world.admin_id, "four", locale="en-US")
    assert "3 topic rooms are open already" in reply(full)
    assert routes(sb)[CREATE_CHANNEL] == 0

    assert set(voice_rooms(sb, world.guild_id)) == {"one", "two", "org"}


async def test_opens_per_person_are_rate_limited(world: World) -> None:
    sb = world.sb
    await world.start_bot(rooms={"per_owner": 5, "opens_per_window": 2})
    for topic in ("a", "b"):
        await open_room(world, world.attendee_id, topic)
    sb.clear_requests()
    third = await open_room(world, world.attendee_id, "c", locale="en-US")
    assert "2 rooms per 10 minutes" in reply(third) and "<t:" in reply(third)
    assert routes(sb)[CREATE_CHANNEL] == 0
    world.clock.advance(timedelta(minutes=10, seconds=1))
    await open_room(world, world.attendee_id, "c")
    assert "c" in voice_rooms(sb, world.guild_id)


async def test_guild_channel_reserve_is_kept_for_sessions_and_posters(world: World) -> None:
    sb = world.sb
    for n in range(348):  # the guild nearly at 500 - 150 reserved
        sb.add_channel(world.guild_id, f"filler-{n}", type=0)
    await world.start_bot()
    await open_room(world, world.attendee_id, "fits")  # category + channel: 350
    sb.clear_requests()
    refused = await open_room(world, world.organizer_id, "does not fit", locale="en-US")
    assert "kept for sessions and posters" in reply(refused)
    assert routes(sb)[CREATE_CHANNEL] == 0


async def test_idle_room_closes_and_a_join_cancels_the_countdown(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await open_room(world, world.attendee_id, "Idle one")
    await open_room(world, world.organizer_id, "Busy one")
    busy = int(voice_rooms(sb, world.guild_id)["Busy one"]["id"])

    await run_jobs(world, timedelta(minutes=5))
    sb.set_voice_state(world.guild_id, world.admin_id, busy)  # joining cancels its countdown
    await world.settle(0.1)
    await run_jobs(world, timedelta(minutes=5, seconds=1))
    assert set(voice_rooms(sb, world.guild_id)) == {"Busy one"}, "the empty one closed on time"

    await run_jobs(world, timedelta(minutes=30))
    assert set(voice_rooms(sb, world.guild_id)) == {"Busy one"}, "occupied: kept"
    sb.set_voice_state(world.guild_id, world.admin_id, None)
    await world.settle(0.1)
    await run_jobs(world, timedelta(minutes=9))
    assert set(voice_rooms(sb, world.guild_id)) == {"Busy one"}
    await run_jobs(world, timedelta(minutes=1, seconds=1))
    assert voice_rooms(sb, world.guild_id) == {}
    # The first rooms category stays for the next room.
    category_named(sb, world.guild_id, "Topic rooms")


async def test_restart_keeps_counting_keeps_occupied_and_forgets_deleted(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    owners = [world.attendee_id, world.attendee_id, world.admin_id, world.organizer_id]
    for owner, topic in zip(
        owners,
        ("counting", "filled while down", "deleted while down", "left while down"),
        strict=True,
    ):
        await open_room(world, owner, topic)
    rooms = voice_rooms(sb, world.guild_id)
    sb.set_voice_state(world.guild_id, world.organizer_id, int(rooms["left while down"]["id"]))
    await world.settle(0.1)
    await run_jobs(world, timedelta(minutes=4))
    await world.stop_bot(bot)

    sb.set_voice_state(world.guild_id, world.admin_id, int(rooms["filled while down"]["id"]))
    sb.set_voice_state(world.guild_id, world.organizer_id, None)
    sb.delete_channel(int(rooms["deleted while down"]["id"]))
    world.clock.advance(timedelta(minutes=3))  # 7 minutes since the rooms opened

    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    assert set(voice_rooms(sb, world.guild_id)) == {
        "counting",
        "filled while down",
        "left while down",
    }, "nothing recreated, nothing closed early"
    assert routes(sb)[CREATE_CHANNEL] == 0

    await run_jobs(world, timedelta(minutes=3, seconds=1))  # 10 min after opening
    assert set(voice_rooms(sb, world.guild_id)) == {"filled while down", "left while down"}, (
        "the empty room kept counting from the persisted time"
    )
    await run_jobs(world, timedelta(minutes=7))  # 10 min after the restart saw it empty
    assert set(voice_rooms(sb, world.guild_id)) == {"filled while down"}
    listed = await sb.invoke(world.guild_id, world.attendee_id, "room list", locale="en-US")
    assert "deleted while down" not in listed.embeds[0]["description"]


async def test_room_deleted_by_hand_is_forgotten_not_recreated(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await open_room(world, world.attendee_id, "ephemeral")
    sb.clear_requests()
    sb.delete_channel(int(voice_rooms(sb, world.guild_id)["ephemeral"]["id"]))
    await world.settle(0.3)
    assert voice_rooms(sb, world.guild_id) == {}
    assert routes(sb)[CREATE_CHANNEL] == 0
    assert await bot.services.rooms.open_rooms(world.guild_id) == []
    # and the owner may open another one right away
    await open_room(world, world.attendee_id, "again")
    assert set(voice_rooms(sb, world.guild_id)) == {"again"}


async def test_a_deleted_rooms_category_is_recreated_with_its_rooms_moved_back(
    world: World,
) -> None:
    sb = world.sb
    await world.start_bot()
    await open_room(world, world.attendee_id, "kept")
    sb.delete_channel(int(category_named(sb, world.guild_id, "Topic rooms")["id"]))
    await world.settle(0.5)
    category = category_named(sb, world.guild_id, "Topic rooms")
    assert voice_rooms(sb, world.guild_id)["kept"]["parent_id"] == category["id"]


async def test_rooms_spill_into_a_second_category_before_fifty(world: World) -> None:
    sb = world.sb
    await world.start_bot(rooms={"max_open": 60, "per_owner": 25, "opens_per_window": 100})
    people = [int(sb.add_member(world.guild_id, name=f"p{n}")["id"]) for n in range(3)]
    for n in range(52):
        await open_room(world, people[n % 3], f"room {n}")
    first = category_named(sb, world.guild_id, "Topic rooms")
    second = category_named(sb, world.guild_id, "Topic rooms (2)")
    parents = Counter(c["parent_id"] for c in voice_rooms(sb, world.guild_id).values())
    assert parents == {first["id"]: 50, second["id"]: 2}
    assert not sb.rejected
