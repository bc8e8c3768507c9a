"""Poster sessions end to end: setup, claims (also 50 at once), posts, uploads, the boards' voice
channels before the start, open, presence, close, release, restarts, and 120 boards."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.permissions import Perm
from bot.sandbox.sandbox import Sandbox
from tests.e2e.conftest import World

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "POST /webhooks/{application_id}/{interaction_token}"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
CREATE_POST = "POST /channels/{channel_id}/threads"
DELETE_CHANNEL = "DELETE /channels/{channel_id}"
START = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests if r.method != "GET")


def channels_of(sb: Sandbox, guild_id: int, kind: int) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in sb.channels(guild_id) if c["type"] == kind}


def posts(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return channels_of(sb, guild_id, 11)


def board_channels(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return {n: c for n, c in channels_of(sb, guild_id, 2).items() if " · " in n}


async def text_of(result: Any) -> str:
    if result.response_type == 5:
        await result.wait_followups(1)
        return str(result.followups[0]["content"])
    return str(result.content or "")


async def setup_posters(world: World, boards: int = 10, name: str = "Posters A") -> str:
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "poster setup",
        options={"name": name, "start": "14:00", "duration": 90, "boards": boards},
        locale="en-US",
    )
    return await text_of(result)


async def claim(
    world: World, user: int, title: str, *, board: int | None = None, **extra: Any
) -> str:
    options: dict[str, Any] = {"title": title, "abstract": f"About {title}.", **extra}
    if board is not None:
        options["board"] = board
    result = await world.sb.invoke(
        world.guild_id, user, "poster claim", options=options, locale="en-US"
    )
    return await text_of(result)


def members(world: World, count: int, prefix: str = "presenter") -> list[int]:
    return [
        int(world.sb.add_member(world.guild_id, name=f"{prefix}{n}")["id"]) for n in range(count)
    ]


async def test_setup_makes_a_forum_and_an_event_and_is_idempotent_by_name(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    text = await setup_posters(world, boards=10)
    assert "set up with 10 boards" in text
    (forum,) = channels_of(sb, world.guild_id, 15).values()
    assert forum["name"] == "posters-a"
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["entity_type"] == 3  # external: the boards are where it happens
    assert event["entity_metadata"]["location"].endswith(f"/{forum['id']}")

    presenters = members(world, 1)
    await claim(world, presenters[0], "Sparse attention", board=10)
    assert "now has 12 boards (2 added, 0 removed)" in await setup_posters(world, boards=12)
    refused = await setup_posters(world, boards=5)
    assert "Boards 10 are claimed" in refused
    assert "now has 11 boards (0 added, 1 removed)" in await setup_posters(world, boards=11)
    assert len(channels_of(sb, world.guild_id, 15)) == 1, "one forum whatever the reruns"


async def test_claim_opens_a_post_in_three_requests_and_lists_it(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=5)
    alice, bob = members(world, 2)
    sb.clear_requests()
    text = await claim(world, alice, "Efficient fine-tuning")
    assert "Board **#1**" in text
    # defer, the forum post (its first message included), the answer
    assert routes(sb) == Counter({CALLBACK: 1, CREATE_POST: 1, FOLLOWUP: 1})
    (post,) = posts(sb, world.guild_id).values()
    assert post["name"] == "#1 Efficient fine-tuning"
    (first,) = sb.messages(int(post["id"]))
    assert first["embeds"][0]["description"] == "About Efficient fine-tuning."
    assert f"<#{post['id']}>" in text

    taken = await claim(world, bob, "Mine too", board=1)
    assert "Board #1 was just claimed by someone else. Board #2 is free" in taken
    assert "Board **#2**" in await claim(world, bob, "Graph nets")
    again = await claim(world, bob, "Second poster")
    assert "already hold 1 board" in again

    listed = await sb.invoke(world.guild_id, alice, "poster list", locale="en-US")
    description = listed.embeds[0]["description"]
    assert "`#1` **Efficient fine-tuning**" in description and f"<@{alice}>" in description
    assert "Free boards: 3–5" in description
    assert listed.embeds[0]["title"] == "Posters A: 2/5 boards claimed"


async def test_fifty_simultaneous_claims_of_one_board_one_wins(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=60)
    people = members(world, 50)
    sb.clear_requests()
    answers = await asyncio.gather(
        *(claim(world, person, f"Poster {n}", board=7) for n, person in enumerate(people))
    )
    won = [a for a in answers if "Board **#7**" in a]
    lost = [a for a in answers if "was just claimed by someone else" in a]
    assert len(won) == 1 and len(lost) == 49
    assert all("Board #8 is free" in a for a in lost)
    assert routes(sb)[CREATE_POST] == 1, "no orphaned post"
    assert routes(sb)[CREATE_CHANNEL] == 0
    assert len(posts(sb, world.guild_id)) == 1


async def test_claim_modal_for_a_long_abstract(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=3)
    (presenter,) = members(world, 1)
    opened = await sb.invoke(
        world.guild_id, presenter, "poster claim", options={"title": "Diffusion"}, locale="ja"
    )
    assert opened.response_type == 9 and opened.modal is not None
    abstract = "長い要旨。" * 300
    submitted = await sb.submit_modal(
        world.guild_id,
        presenter,
        opened.modal["custom_id"],
        {"title": "Diffusion for tables", "abstract": abstract},
    )
    await submitted.wait_followups(1)
    assert "#1" in submitted.followups[0]["content"]
    (post,) = posts(sb, world.guild_id).values()
    assert post["name"] == "#1 Diffusion for tables"
    assert sb.messages(int(post["id"]))[0]["embeds"][0]["description"] == abstract


async def test_upload_attaches_the_poster_and_refuses_other_files(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=3)
    (presenter,) = members(world, 1)
    await claim(world, presenter, "Retrieval")
    pdf = b"%PDF-1.4\n% a tiny poster\n"
    result = await sb.invoke(
        world.guild_id,
        presenter,
        "poster upload",
        options={"file": ("poster.pdf", pdf)},
        locale="en-US",
    )
    assert "Attached poster.pdf to board #1" in await text_of(result)
    (post,) = posts(sb, world.guild_id).values()
    files = [m for m in sb.messages(int(post["id"])) if m.get("attachments")]
    assert [a["filename"] for a in files[0]["attachments"]] == ["poster.pdf"]

    bad = await sb.invoke(
        world.guild_id,
        presenter,
        "poster upload",
        options={"file": ("notes.txt", b"hello")},
        locale="en-US",
    )
    assert "must be a PDF or an image" in await text_of(bad)
    assert len([m for m in sb.messages(int(post["id"])) if m.get("attachments")]) == 1


async def test_boards_get_channels_before_the_start_then_open_presence_close_release(
    world: World,
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    await setup_posters(world, boards=4)
    alice, bob, visitor = members(world, 3)
    await claim(world, alice, "Alice's poster")
    await claim(world, bob, "Bob's poster")
    assert board_channels(sb, world.guild_id) == {}, "no voice channel at claim time"

    sb.clear_requests()
    await world.run_jobs(START - timedelta(minutes=30))
    channels = board_channels(sb, world.guild_id)
    assert set(channels) == {"001 · Alice's poster", "002 · Bob's poster"}
    # one category and one request per board channel (overwrites included)
    assert routes(sb)[CREATE_CHANNEL] == 3
    alice_board = channels["001 · Alice's poster"]
    everyone = next(
        o for o in alice_board["permission_overwrites"] if int(o["id"]) == world.guild_id
    )
    assert int(everyone["deny"]) & Perm.CONNECT, "locked before the start"
    presenter = next(o for o in alice_board["permission_overwrites"] if int(o["id"]) == alice)
    assert int(presenter["allow"]) & Perm.CONNECT, "the presenter may set up early"

    await world.run_jobs(START)
    alice_board = board_channels(sb, world.guild_id)["001 · Alice's poster"]
    everyone = next(
        o for o in alice_board["permission_overwrites"] if int(o["id"]) == world.guild_id
    )
    assert int(everyone["allow"]) & Perm.CONNECT, "open while the session runs"
    sb.set_voice_state(world.guild_id, alice, int(alice_board["id"]))
    sb.set_voice_state(world.guild_id, visitor, int(alice_board["id"]))
    await world.settle(0.1)
    await bot.services.board.settled(world.guild_id)
    listed = await sb.invoke(world.guild_id, visitor, "poster list", locale="en-US")
    assert "🟢 presenter here" in listed.embeds[0]["description"]
    lobby = next(c for c in sb.channels(world.guild_id) if c["name"] == "lobby")
    board_text = sb.messages(int(lobby["id"]))[0]["embeds"][0]["description"]
    assert "Posters A · 2 boards, 2 people, presenters present: 1" in board_text

    await world.run_jobs(START + timedelta(minutes=95))
    alice_board = board_channels(sb, world.guild_id)["001 · Alice's poster"]
    everyone = next(
        o for o in alice_board["permission_overwrites"] if int(o["id"]) == world.guild_id
    )
    assert int(everyone["deny"]) & Perm.CONNECT, "locked after the end"

    released = await sb.invoke(
        world.guild_id, world.organizer_id, "poster release", options={"board": 2}, locale="en-US"
    )
    assert "Board #2 of “Posters A” is free again" in await text_of(released)
    assert set(board_channels(sb, world.guild_id)) == {"001 · Alice's poster"}
    assert [p["name"] for p in posts(sb, world.guild_id).values()] == ["#1 Alice's poster"]


async def test_claims_close_at_the_start_but_organizers_can_assign(world: World) -> None:
    await world.start_bot()
    await setup_posters(world, boards=3)
    late, other = members(world, 2)
    world.clock.set(START + timedelta(minutes=1))
    assert "Claims closed" in await claim(world, late, "Too late")
    assigned = await claim(world, world.organizer_id, "Assigned", presenter=str(other))
    assert "Board **#1**" in assigned
    refused = await claim(world, late, "Not mine to give", presenter=str(other))
    assert "Claims closed" in refused or "Only organizers" in refused


async def test_restart_at_each_stage_duplicates_nothing(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await setup_posters(world, boards=6)
    people = members(world, 3)
    for n, person in enumerate(people):
        await claim(world, person, f"Poster {n}")
    for stage in (
        START - timedelta(hours=1),
        START - timedelta(minutes=20),
        START,
        START + timedelta(hours=2),
    ):
        await world.stop_bot(bot)
        world.clock.set(stage)
        bot = await world.start_bot(sync=False)
        await bot.services.scheduler.idle()
        await world.settle(0.1)
        await bot.services.posters.settled(world.guild_id)
        assert len(posts(sb, world.guild_id)) == 3
        expected = 3 if stage >= START - timedelta(minutes=30) else 0
        assert len(board_channels(sb, world.guild_id)) == expected, stage
        categories = [
            c
            for c in sb.channels(world.guild_id)
            if c["type"] == 4 and c["name"].startswith("Posters")
        ]
        assert len(categories) == (1 if expected else 0)
    assert not sb.rejected


async def test_120_boards_spill_across_categories(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=120)
    for n, person in enumerate(members(world, 120)):
        await claim(world, person, f"Poster {n}")
    sb.clear_requests()
    await world.run_jobs(START - timedelta(minutes=30))
    assert routes(sb)[CREATE_CHANNEL] == 123  # 3 categories + one request per board
    categories = {
        c["id"]: c["name"]
        for c in sb.channels(world.guild_id)
        if c["type"] == 4 and "Posters" in c["name"]
    }
    assert sorted(categories.values()) == [
        "Posters · Posters A",
        "Posters · Posters A (2)",
        "Posters · Posters A (3)",
    ]
    per_category = Counter(c["parent_id"] for c in board_channels(sb, world.guild_id).values())
    assert sorted(per_category.values()) == [20, 50, 50]
    assert not sb.rejected


async def test_a_post_deleted_by_hand_comes_back(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=3)
    (presenter,) = members(world, 1)
    await claim(world, presenter, "Kept")
    (post,) = posts(sb, world.guild_id).values()
    sb.clear_requests()
    sb.delete_channel(int(post["id"]))
    await world.settle(0.3)
    (again,) = posts(sb, world.guild_id).values()
    assert again["name"] == "#1 Kept" and again["id"] != post["id"]
    assert routes(sb)[CREATE_POST] == 1
