"""Poster sessions end to end: setup, claims (also 50 at once), posts, uploads, the boards' voice
channels before the start, open, presence, close, release, restarts, and 120 boards.

Every test runs in a Community server (the place is a Forum channel, a post is a forum post) and
in one without Community (the place is a text channel, a post is a thread started from the
bot's message in it)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.permissions import Perm
from tests.fakes.posters import (
    CALLBACK,
    CREATE_CHANNEL,
    EDIT_MESSAGE,
    FOLLOWUP,
    START,
    board_channels,
    channels_of,
    claim,
    first_message,
    members,
    opening_a_post,
    place_type,
    posts,
    posts_opened,
    routes,
    setup_posters,
    text_of,
)
from tests.file_payloads import EXE, GIF, HTML, JPEG, WEBP, png
from tests.world import World


@pytest.fixture(params=[True, False], ids=["community", "not-community"])
def community(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


async def test_setup_makes_a_forum_and_an_event_and_is_idempotent_by_name(
    world: World, community: bool
) -> None:
    sb = world.sb
    await world.start_bot()
    text = await setup_posters(world, boards=10)
    assert "set up with 10 boards" in text
    (forum,) = channels_of(sb, world.guild_id, place_type(community)).values()
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
    assert len(channels_of(sb, world.guild_id, place_type(community))) == 1, "one place, reruns"
    assert not channels_of(sb, world.guild_id, place_type(not community))


async def test_claim_opens_a_post_in_three_requests_and_lists_it(
    world: World, community: bool
) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=5)
    alice, bob = members(world, 2)
    sb.clear_requests()
    text = await claim(world, alice, "Efficient fine-tuning")
    assert "Board **#1**" in text
    # defer, the post (forum: one request with its first message; text channel: the message and
    # the thread started from it), the answer
    assert routes(sb) == Counter({CALLBACK: 1, FOLLOWUP: 1}) + opening_a_post(community)
    (post,) = posts(sb, world.guild_id).values()
    assert post["name"] == "#1 Efficient fine-tuning"
    first = first_message(sb, post)
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


async def test_fifty_simultaneous_claims_of_one_board_one_wins(
    world: World, community: bool
) -> None:
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
    assert posts_opened(sb, community) == 1, "no orphaned post"
    assert routes(sb)[CREATE_CHANNEL] == 0
    assert len(posts(sb, world.guild_id)) == 1


def abstract_button(message: dict[str, Any]) -> str:
    (row,) = message["components"]
    (button,) = row["components"]
    assert button["custom_id"].startswith("pab:")
    return str(button["custom_id"])


async def edit_abstract(
    world: World, user: int, message: dict[str, Any], text: str, *, locale: str = "en-US"
) -> Any:
    """Press the abstract button of a message, fill in the form, submit it."""
    sb = world.sb
    opened = await sb.click(
        world.guild_id, user, int(message["id"]), abstract_button(message), locale=locale
    )
    assert opened.response_type == 9 and opened.modal is not None, opened
    submitted = await sb.submit_modal(
        world.guild_id, user, opened.modal["custom_id"], {"abstract": text}, locale=locale
    )
    await submitted.wait_followups(1)
    return submitted


async def test_claim_without_abstract_is_decided_at_the_command(
    world: World, community: bool
) -> None:
    """No form stands between the command and the claim: the board is taken at once, the answer
    offers the form (a button), and a racing presenter gets the next board meanwhile."""
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=3)
    alice, bob = members(world, 2)
    sb.clear_requests()
    result = await sb.invoke(
        world.guild_id, alice, "poster claim", options={"title": "Diffusion"}, locale="en-US"
    )
    await result.wait_followups(1)
    answer = result.followups[0]
    assert "Board **#1**" in answer["content"] and "No abstract yet" in answer["content"]
    assert answer["flags"] & 64, "ephemeral"
    # defer, the post, the answer: as with an abstract, no modal in between
    assert routes(sb) == Counter({CALLBACK: 1, FOLLOWUP: 1}) + opening_a_post(community)
    (post,) = posts(sb, world.guild_id).values()
    assert first_message(sb, post)["embeds"][0]["description"] == "(no abstract yet)"
    assert "Board **#2**" in await claim(world, bob, "Racing in", board=None)

    # The answer's button opens the form; what is submitted shows in the post with ONE edit.
    abstract = "長い要旨。" * 300
    sb.clear_requests()
    submitted = await edit_abstract(world, alice, answer, abstract)
    assert "Saved the abstract of board #1" in submitted.followups[0]["content"]
    # the form (a response), defer, one edit of the post's first message, the answer
    assert routes(sb) == Counter({CALLBACK: 2, EDIT_MESSAGE: 1, FOLLOWUP: 1})
    (same,) = [p for p in posts(sb, world.guild_id).values() if p["name"].startswith("#1 ")]
    assert same["id"] == post["id"], "edited in place, not posted again"
    first = first_message(sb, post)
    assert first["embeds"][0]["description"] == abstract
    assert first["components"][0]["components"][0]["label"] == "Edit the abstract"


async def test_the_abstract_button_is_the_presenters_and_organizers_and_survives_a_restart(
    world: World, community: bool
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await setup_posters(world, boards=3)
    (presenter,) = members(world, 1)
    await claim(world, presenter, "Graph nets")
    (post,) = posts(sb, world.guild_id).values()
    first = first_message(sb, post)
    custom_id = abstract_button(first)

    sb.clear_requests()
    refused = await sb.click(world.guild_id, world.attendee_id, int(first["id"]), custom_id)
    assert refused.modal is None and refused.ephemeral
    assert "発表者と運営だけ" in (refused.content or "")
    assert routes(sb) == Counter({CALLBACK: 1}), "refused before any form or edit"

    await world.stop_bot(bot)
    await world.start_bot(sync=False)
    submitted = await edit_abstract(world, presenter, first, "Message passing.")
    assert f"<#{post['id']}>" in submitted.followups[0]["content"]
    assert first_message(sb, post)["embeds"][0]["description"] == "Message passing."
    by_organizer = await edit_abstract(world, world.organizer_id, first, "Fixed typo.")
    assert "Saved the abstract" in by_organizer.followups[0]["content"]
    assert first_message(sb, post)["embeds"][0]["description"] == "Fixed typo."
    assert len(posts(sb, world.guild_id)) == 1


@pytest.mark.parametrize("community", [True], ids=["community"])
async def test_an_archived_forum_post_is_unarchived_to_edit_its_abstract(world: World) -> None:
    """(A forum only: a text channel's post message is in the channel, not in the thread.)"""
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=2)
    (presenter,) = members(world, 1)
    await claim(world, presenter, "Old news")
    (post,) = posts(sb, world.guild_id).values()
    sb.archive_thread(int(post["id"]))
    await world.settle(0.1)
    first = first_message(sb, post)
    sb.clear_requests()
    await edit_abstract(world, presenter, first, "Still here.")
    # Discord refuses the edit in an archived thread (50083): unarchive, edit again.
    assert routes(sb) == Counter(
        {CALLBACK: 2, EDIT_MESSAGE: 2, "PATCH /channels/{channel_id}": 1, FOLLOWUP: 1}
    )
    assert first_message(sb, post)["embeds"][0]["description"] == "Still here."
    assert not sb.channel(int(post["id"]))["thread_metadata"]["archived"]


async def test_a_first_message_deleted_by_hand_keeps_the_post(
    world: World, community: bool
) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=2)
    (presenter,) = members(world, 1)
    await claim(world, presenter, "Kept thread")
    (post,) = posts(sb, world.guild_id).values()
    sb.post_message(int(post["id"]), world.attendee_id, "A question about the poster")
    first = first_message(sb, post)
    sb.clear_requests()
    sb.delete_message(int(first["channel_id"]), int(first["id"]))
    await world.settle(0.3)
    assert list(posts(sb, world.guild_id)) == ["#1 Kept thread"], "no second thread"
    assert posts_opened(sb, community) == 0
    assert len(sb.messages(int(post["id"]))) >= 1, "the discussion is still there"


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


async def test_uploads_are_checked_by_their_bytes_not_their_names(
    world: World, community: bool
) -> None:
    """Only a file whose content is the PDF or image its name says is reposted; anything else
    is refused (ephemeral, localized, the reason and the allowed types named) and not posted."""
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=2)
    (presenter,) = members(world, 1)
    await claim(world, presenter, "Safe files")
    (post,) = posts(sb, world.guild_id).values()
    hostile = [
        ("poster.pdf", EXE, "“poster.pdf” is not a PDF file"),  # an executable renamed .pdf
        ("poster.png", HTML, "“poster.png” is not a PNG file"),  # HTML renamed .png
        ("poster.pdf", png(), "named as PDF but its content is PNG"),
        ("poster.pdf", b"", "“poster.pdf” is empty"),
        ("poster.png", b"\x89PNG\r\n\x1a\n", "“poster.png” is not a PNG file"),  # cut off
        ("poster.exe", EXE, "must be a PDF or an image"),
        ("poster.svg", b"<svg onload=alert(1)/>", "must be a PDF or an image"),
    ]
    sb.clear_requests()
    for name, data, reason in hostile:
        result = await sb.invoke(
            world.guild_id,
            presenter,
            "poster upload",
            options={"file": (name, data)},
            locale="en-US",
        )
        text = await text_of(result)
        assert reason in text, (name, text)
        assert "PDF" in text and "PNG" in text, "the allowed types are named"
        assert result.followups[0]["flags"] & 64, "ephemeral"
    japanese = await sb.invoke(
        world.guild_id,
        presenter,
        "poster upload",
        options={"file": ("poster.pdf", EXE)},
        locale="ja",
    )
    assert "PDFファイルではありません" in await text_of(japanese)
    # Each refusal: defer and the answer; nothing went to the post.
    assert routes(sb) == Counter({CALLBACK: len(hostile) + 1, FOLLOWUP: len(hostile) + 1})
    assert not [m for m in sb.messages(int(post["id"])) if m.get("attachments")]

    for name, data in (("poster.png", png()), ("p.jpg", JPEG), ("p.gif", GIF), ("p.webp", WEBP)):
        result = await sb.invoke(
            world.guild_id,
            presenter,
            "poster upload",
            options={"file": (name, data)},
            locale="en-US",
        )
        assert f"Attached {name} to board #1" in await text_of(result)
    (kept,) = [m for m in sb.messages(int(post["id"])) if m.get("attachments")]
    assert [a["filename"] for a in kept["attachments"]] == ["p.webp"], "each replaced the last"


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


async def test_a_post_deleted_by_hand_comes_back(world: World, community: bool) -> None:
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
    assert posts_opened(sb, community) == 1
    # In a text channel the message the lost thread started from goes too: one per board.
    (place,) = channels_of(sb, world.guild_id, place_type(community)).values()
    assert [m["id"] for m in sb.messages(int(place["id"]))] == ([] if community else [again["id"]])
