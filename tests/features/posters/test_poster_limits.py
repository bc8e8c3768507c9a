"""Poster boards against churn and walls: one member looping claim + release is slowed down
(organizers are not), a poster session whose boards would pass Discord's 500 channels is refused
up front, and a claim Discord refuses leaves the board free."""

from __future__ import annotations

from datetime import timedelta

from bot.core.permissions import INVITE_PERMISSIONS
from tests.fakes.posters import CREATE_POST, claim, posts, setup_posters, text_of
from tests.world import World


async def release(world: World, user: int) -> str:
    result = await world.sb.invoke(world.guild_id, user, "poster release", locale="en-US")
    return await text_of(result)


async def test_claim_and_release_in_a_loop_is_slowed_down_with_the_time_to_wait(
    world: World,
) -> None:
    sb = world.sb
    await world.start_bot(posters={"changes_per_window": 4, "changes_window_minutes": 10})
    await setup_posters(world, boards=5)
    presenter = int(sb.add_member(world.guild_id, name="looper")["id"])
    for _ in range(2):
        assert "is yours" in await claim(world, presenter, "Loop")
        await release(world, presenter)
    created = sb.count(CREATE_POST)
    refused = await claim(world, presenter, "Loop")
    assert "4 times per 10 minutes" in refused and "<t:" in refused, refused
    assert sb.count(CREATE_POST) == created, "nothing made"
    assert not posts(sb, world.guild_id)
    world.clock.advance(timedelta(minutes=10, seconds=1))
    assert "is yours" in await claim(world, presenter, "Loop")


async def test_organizers_are_not_slowed_down(world: World) -> None:
    await world.start_bot(posters={"changes_per_window": 2, "changes_window_minutes": 10})
    await setup_posters(world, boards=5)
    for _ in range(3):
        assert "is yours" in await claim(world, world.organizer_id, "Demo")
        assert "free again" in await release(world, world.organizer_id)


async def test_a_refused_change_does_not_count(world: World) -> None:
    sb = world.sb
    await world.start_bot(posters={"changes_per_window": 1, "changes_window_minutes": 10})
    await setup_posters(world, boards=5)
    presenter = int(sb.add_member(world.guild_id, name="unlucky")["id"])
    sb.inject_fault(CREATE_POST, status=403, code=50013, times=1)
    refused = await claim(world, presenter, "Refused once")
    assert "Nothing was changed" in refused, refused
    assert not posts(sb, world.guild_id)
    assert "is yours" in await claim(world, presenter, "Refused once"), "not counted"


async def test_boards_that_would_pass_500_channels_are_refused_up_front(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    for n in range(480):
        sb.add_channel(world.guild_id, f"hand-made-{n}", 0)
    await world.settle(0.5)
    sb.clear_requests()
    text = await setup_posters(world, boards=40)  # 40 voice + 1 category + place + day = 43
    assert "needs 43 new channel(s)" in text and "480 of Discord's 500" in text, text
    assert sb.count("POST /guilds/{guild_id}/channels") == 0
    assert await bot.services.sessions.programme(world.guild_id) == []

    assert "set up with 10 boards" in await setup_posters(world, boards=10)  # 13 channels
    for n in range(6):  # 482 + 6 = 488 channels, 11 promised, 2 needed: 501
        sb.add_channel(world.guild_id, f"more-{n}", 0)
    await world.settle(0.3)
    result = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": "Late talk", "start": "2026-07-02 10:00", "duration": 30},
        locale="en-US",
    )
    await result.wait_followups(1)
    text = result.followups[0]["content"]
    assert "11 more are promised to poster boards" in text, text
    assert sb.count(CREATE_POST) == 0
    assert INVITE_PERMISSIONS  # the bot holds exactly its invite throughout
