"""The agenda across restarts: Interested pressed or taken back while the bot was down is read
back on start (only where the count changed), and a reminder wave cut by a crash right after
Discord took its first message goes on where it stopped: everyone named once, nobody twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.features.agenda.service import JOB_REMIND
from tests.features.agenda.helpers import JST_10, agenda_of, create, interested, posted_to
from tests.world import World

USERS_ROUTE = "GET /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/users"
EVENTS_ROUTE = "GET /guilds/{guild_id}/scheduled-events"


def gets(world: World) -> Counter[str]:
    return Counter(r.route for r in world.sb.requests if r.method == "GET")


async def test_interest_changed_while_down_is_read_back_on_start(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Talk", start="13:00")
    quiet = await create(world, "Nobody's talk", start="15:00")
    ana = int(sb.add_member(world.guild_id, name="ana")["id"])
    ben = int(sb.add_member(world.guild_id, name="ben")["id"])
    await interested(world, talk["event"], ana)
    await world.stop_bot(bot)

    # while the bot is down: ana takes it back, ben presses Interested
    sb.set_event_interest(world.guild_id, talk["event"], ana, interested=False)
    sb.set_event_interest(world.guild_id, talk["event"], ben)
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    agenda = agenda_of(bot)
    assert await agenda.marked(world.guild_id, ana) == frozenset()
    assert await agenda.marked(world.guild_id, ben) == {talk["id"]}
    # one request for every event's count, one page for the event that changed, none for the
    # event nobody is interested in
    users = [r for r in sb.requests if r.route == USERS_ROUTE]
    assert gets(world)[EVENTS_ROUTE] == 1
    assert [r.path.split("/")[-2] for r in users] == [str(talk["event"])]
    assert str(quiet["event"]) not in str([r.path for r in users])

    await world.stop_bot(bot)
    sb.clear_requests()
    await world.start_bot(sync=False)
    assert gets(world)[USERS_ROUTE] == 0, "nothing changed: no subscriber list is read again"


async def test_a_crash_mid_wave_names_everyone_once(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Crowded talk")
    fans = [int(sb.add_member(world.guild_id, name=f"fan{i}")["id"]) for i in range(130)]
    for fan in fans:
        sb.set_event_interest(world.guild_id, talk["event"], fan)
    await world.settle(0.3)
    await agenda_of(bot).settled()

    # The process dies right after Discord took the first of two messages, before the bot
    # noted whom it named (what a kill -9 at that moment leaves behind).
    notifier = bot.services.agenda_notifier
    repo = notifier._repo
    real_mark = repo.mark_reminded
    scheduler_task = bot.core.scheduler._task
    assert scheduler_task is not None

    async def die_after_first_post(*args: object, **kwargs: object) -> None:
        scheduler_task.cancel()
        await asyncio.sleep(3600)

    repo.mark_reminded = die_after_first_post  # type: ignore[method-assign]
    world.clock.set(JST_10 - timedelta(minutes=10))
    with_mentions = lambda: [  # noqa: E731
        p for p in posted_to(world, talk["channel"]) if "<@" in (p.get("content") or "")
    ]
    for _ in range(200):
        if scheduler_task.done():
            break
        await asyncio.sleep(0.02)
    assert scheduler_task.done() and len(with_mentions()) == 1
    repo.mark_reminded = real_mark  # type: ignore[method-assign]
    (job,) = [j for j in await bot.core.jobs.history(JOB_REMIND)]
    assert job.state == "running", "the crash left the job claimed"
    await world.stop_bot(bot)

    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    await world.settle(0.2)
    posts = with_mentions()
    assert len(posts) == 2
    named = Counter(int(u) for p in posts for u in p["allowed_mentions"]["users"])
    assert set(named) == set(fans) and set(named.values()) == {1}
    (job,) = [j for j in await bot.core.jobs.history(JOB_REMIND)]
    assert job.state == "done"

    # once more: nothing is sent again
    await world.stop_bot(bot)
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    await world.settle(0.2)
    assert len(with_mentions()) == 0


async def test_someone_who_left_the_server_is_not_reminded(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Talk")
    stays = int(sb.add_member(world.guild_id, name="stays")["id"])
    leaves = int(sb.add_member(world.guild_id, name="leaves")["id"])
    for person in (stays, leaves):
        await interested(world, talk["event"], person)
    await world.stop_bot(bot)
    sb.remove_member(world.guild_id, leaves)  # Discord still lists them, without member data
    bot = await world.start_bot(sync=False)
    assert await agenda_of(bot).marked(world.guild_id, leaves) == frozenset()
    await world.run_jobs(JST_10 - timedelta(minutes=10))
    (post,) = [p for p in posted_to(world, talk["channel"]) if "<@" in (p.get("content") or "")]
    assert [int(u) for u in post["allowed_mentions"]["users"]] == [stays]
