"""The example 3-day camp, imported once, runs on its own from the first reminder to the last
close, with a restart in the middle; /schedule shows the truth along the way."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.features.attendance.service import NOTICE_MARKER
from bot.features.sessions.domain.model import SessionStatus
from tests.fakes.sessions import buttons, upload
from tests.world import World, eventually

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "schedule.example.yaml"
RUNNING = 2


async def run_until_no_jobs(world: World, *, restart_at: datetime | None = None) -> int:
    """Jump the clock from one due job to the next until none is left. Returns the steps."""
    steps = 0
    restarted = restart_at is None
    while True:
        bot = world.bots[-1]
        due = await bot.services.sessions._jobs.next_due()
        if due is None:
            return steps
        if not restarted and due >= restart_at:  # type: ignore[operator]
            await world.stop_bot(bot)
            world.clock.set(due)
            bot = await world.start_bot(sync=False)
            restarted = True
        world.clock.set(max(due, world.clock.now()))
        await bot.services.scheduler.idle()
        steps += 1
        if steps % 25 == 0:
            await world.settle(0.05)


async def test_example_camp_runs_from_first_reminder_to_last_close(world: World) -> None:
    sb = world.sb
    world.clock.set(datetime(2027, 6, 29, 0, 0, tzinfo=UTC))
    await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    result = await upload(world, "schedule.example.yaml", EXAMPLE.read_bytes())
    preview = result.followups[0]
    assert not buttons(preview)["Confirm"].get("disabled"), preview["embeds"][0]
    confirmed = await sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview["id"]),
        buttons(preview)["Confirm"]["custom_id"],
        locale="en-US",
    )
    # Applied (every channel and event exists) once the preview loses its buttons.
    await eventually(lambda: confirmed.original is not None and not confirmed.components, 30)
    sessions = await world.bots[-1].services.sessions.programme(world.guild_id)
    assert len(sessions) >= 30
    assert (
        len({c["name"] for c in sb.channels(world.guild_id) if c["type"] == 4}) >= 4
    )  # 3 days + info

    # Halfway through day 2 the bot is stopped and started again.
    middle = datetime(2027, 7, 2, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
    steps = await run_until_no_jobs(world, restart_at=middle)
    assert steps > 0
    await world.settle(0.5)

    final = await world.bots[-1].services.sessions.programme(world.guild_id)
    assert {s.status for s in final} == {SessionStatus.CLOSED}
    # Every session was reminded exactly once in #announcements.
    announcements = next(c for c in sb.channels(world.guild_id) if c["name"] == "announcements")
    footers = Counter(
        m["embeds"][0]["footer"]["text"]
        for m in sb.messages(int(announcements["id"]))
        if m["embeds"]
        and m["embeds"][0].get("footer")
        and m["embeds"][0]["footer"]["text"] != NOTICE_MARKER  # the attendance notice
    )
    assert len(footers) == len(final) and set(footers.values()) == {1}, footers
    # Every event that was created went ACTIVE, then COMPLETED; none is left behind.
    statuses = Counter(e["status"] for e in sb.scheduled_events(world.guild_id))
    assert set(statuses) == {3}, statuses
    assert sum(statuses.values()) == len(final)
    # Nothing left running or ahead.
    show = await sb.invoke(world.guild_id, world.attendee_id, "schedule show", locale="en-US")
    assert show.embeds[0]["description"] == "Nothing is running or coming up."
    assert not sb.rejected, [r for r in sb.rejected][:3]


async def test_schedule_show_tells_what_runs_now(world: World) -> None:
    sb = world.sb
    world.clock.set(datetime(2027, 6, 30, 0, 0, tzinfo=UTC))
    await world.start_bot()
    result = await upload(world, "schedule.example.yaml", EXAMPLE.read_bytes())
    preview = result.followups[0]
    confirmed = await sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview["id"]),
        buttons(preview)["Confirm"]["custom_id"],
        locale="en-US",
    )
    await eventually(lambda: confirmed.original is not None and not confirmed.components, 30)
    bot = world.bots[-1]
    world.clock.set(datetime(2027, 7, 1, 0, 50, tzinfo=UTC))  # 09:50 Tokyo: the keynote runs
    await bot.services.scheduler.idle()
    show = await sb.invoke(world.guild_id, world.attendee_id, "schedule show", locale="en-US")
    first = show.embeds[0]["description"].split("\n\n")[0]
    assert "🟢 open" in first
    running = [e for e in sb.scheduled_events(world.guild_id) if e["status"] == RUNNING]
    assert len(running) == 1
