"""Servers that are not Community servers: no Stage or Forum channels there, so keynotes get a
voice channel and poster sessions a text channel with a thread per board; `/workshop setup` and
`/workshop status` say so and how to turn Community on. A server that turns it on later gets
Stage and Forum channels for the places made after that; the existing ones are kept as they are.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.world import World

DELETE_CHANNEL = "DELETE /channels/{channel_id}"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
STAGE, VOICE, TEXT, FORUM, THREAD = 13, 2, 0, 15, 11


def by_name(world: World, name: str) -> dict[str, Any]:
    (found,) = [c for c in world.sb.channels(world.guild_id) if c["name"] == name]
    return found


def event_of(world: World, name: str) -> dict[str, Any]:
    (found,) = [e for e in world.sb.scheduled_events(world.guild_id) if e["name"] == name]
    return found


async def answer(world: World, command: str, *, locale: str = "en-US", **options: Any) -> Any:
    result = await world.sb.invoke(
        world.guild_id, world.organizer_id, command, options=options, locale=locale
    )
    if result.response_type == 5:
        await result.wait_followups(1)
    return result


def notice(embed: dict[str, Any], title: str) -> str | None:
    return next((f["value"] for f in embed.get("fields", []) if f["name"] == title), None)


@pytest.mark.parametrize("community", [False], ids=["not-community"])
async def test_setup_and_status_say_what_a_server_without_community_changes(
    world: World,
) -> None:
    await world.start_bot()
    setup = await answer(world, "workshop setup")
    text = notice(setup.followups[0]["embeds"][0], "Not a Community server")
    assert text is not None
    assert "keynotes get a voice channel" in text and "Server Settings → Enable Community" in text
    status = await answer(world, "workshop status", locale="ja")
    text = notice(status.embeds[0], "コミュニティサーバーではありません")
    assert text is not None and "「コミュニティを有効にする」" in text


async def test_a_community_server_gets_no_such_notice(world: World) -> None:
    await world.start_bot()
    setup = await answer(world, "workshop setup")
    assert notice(setup.followups[0]["embeds"][0], "Not a Community server") is None
    status = await answer(world, "workshop status")
    assert notice(status.embeds[0], "Not a Community server") is None


@pytest.mark.parametrize("community", [False], ids=["not-community"])
async def test_turning_community_on_later_changes_new_places_and_keeps_the_old(
    world: World,
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await answer(
        world, "session create", title="Keynote A", start="10:00", duration=60, kind="keynote"
    )
    await answer(world, "poster setup", name="Posters A", start="14:00", duration=60, boards=3)
    presenter = int(sb.add_member(world.guild_id, name="presenter")["id"])
    claimed = await sb.invoke(
        world.guild_id, presenter, "poster claim", options={"title": "Early bird"}
    )
    await claimed.wait_followups(1)
    assert by_name(world, "Keynote A")["type"] == VOICE
    assert event_of(world, "Keynote A")["entity_type"] == 2  # a voice event
    assert by_name(world, "posters-a")["type"] == TEXT
    assert by_name(world, "#1 Early bird")["type"] == THREAD

    sb.set_community(world.guild_id)
    await world.settle(0.2)
    sb.clear_requests()
    await answer(
        world, "session create", title="Keynote B", start="11:00", duration=60, kind="keynote"
    )
    await answer(world, "poster setup", name="Posters B", start="16:00", duration=60, boards=3)
    assert by_name(world, "Keynote B")["type"] == STAGE
    assert event_of(world, "Keynote B")["entity_type"] == 1  # a stage event
    assert by_name(world, "posters-b")["type"] == FORUM

    # The places made before stay what they are: renamed, not replaced; posts open as before.
    await answer(world, "session edit", session="Keynote A", title="Keynote A (updated)")
    assert by_name(world, "Keynote A (updated)")["type"] == VOICE
    assert event_of(world, "Keynote A (updated)")["entity_type"] == 2
    second = await sb.invoke(
        world.guild_id,
        int(sb.add_member(world.guild_id, name="late")["id"]),
        "poster claim",
        options={"title": "Late bird", "session": "Posters A"},
    )
    await second.wait_followups(1)
    late = by_name(world, "#2 Late bird")
    assert late["type"] == THREAD and late["parent_id"] == by_name(world, "posters-a")["id"]

    await world.stop_bot(bot)
    await world.start_bot(sync=False)
    await world.settle(0.2)
    assert Counter(r.route for r in sb.requests)[DELETE_CHANNEL] == 0, "nothing converted"
    kinds = {c["name"]: c["type"] for c in sb.channels(world.guild_id)}
    assert kinds["Keynote A (updated)"] == VOICE and kinds["posters-a"] == TEXT
    assert kinds["Keynote B"] == STAGE and kinds["posters-b"] == FORUM
    assert not sb.rejected


async def test_a_stage_refused_for_want_of_community_is_a_clean_refusal(world: World) -> None:
    """Community turned off while the bot has not heard of it yet (no GUILD_UPDATE): Discord
    refuses the Stage (50024); the session is undone and the organizer told why and what to do."""
    sb = world.sb
    bot = await world.start_bot()
    sb.state.guild(world.guild_id).data["features"] = []  # Discord knows, the bot does not
    result = await answer(
        world, "session create", title="Keynote C", start="10:00", duration=60, kind="keynote"
    )
    text = result.followups[0]["content"]
    assert "Stage and Forum channels need a Community server" in text, text
    assert "Server Settings → Enable Community" in text
    assert not [c for c in sb.channels(world.guild_id) if c["name"] == "Keynote C"]
    assert await bot.services.sessions.programme(world.guild_id) == []
