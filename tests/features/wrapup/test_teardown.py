"""/workshop teardown end to end: refused before the wrap-up, two confirmations, and a kill -9
of the real bot process in the middle: restarted, it finishes the job, and in all it deletes
exactly the channels, categories and events the bot recorded as its own (a channel made by hand,
even inside one of the bot's categories, stays). The database stays: the archive still exports."""

from __future__ import annotations

import signal
import zipfile

from tests.e2e.test_process import ready_count
from tests.features.attendance.attendance_helpers import cli
from tests.features.attendance.test_attendance import _db
from tests.features.wrapup.wrapup_helpers import button, run_camp, run_cli, wrap_up
from tests.world import World, eventually

CHANNEL_DELETE = "DELETE /channels/{channel_id}"
EVENT_DELETE = "DELETE /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"


async def test_a_kill_9_during_teardown_resumes_and_deletes_only_what_the_bot_made(
    world: World,
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    camp = await run_camp(world, bot)
    await wrap_up(world)
    owned = {
        int(r[0]): r[1]
        for r in await bot.db.fetch_all(
            "SELECT discord_id, kind FROM guild_structure WHERE discord_id IS NOT NULL "
            "AND kind != 'message'"
        )
    }
    day = next(i for i, kind in owned.items() if kind == "category" and sb.channel(i) and
               sb.channel(i)["name"] != "workshop")  # fmt: skip
    inside = int(sb.add_channel(world.guild_id, "kept-by-hand", type=0, parent_id=day)["id"])
    before_channels = {int(c["id"]) for c in sb.channels(world.guild_id)}
    before_events = {int(e["id"]) for e in sb.scheduled_events(world.guild_id)}
    await world.stop_bot(bot)

    # The real process: tear down, killed with SIGKILL after the first deletes.
    log = world.tmp / "bot.log"
    ready = ready_count(sb)
    proc = await cli(world, "run", log=log)
    await eventually(lambda: ready_count(sb) > ready, within=30)
    user = world.organizer_id
    asked = await sb.invoke(world.guild_id, user, "workshop teardown", locale="en-US")
    assert (asked.content or "").startswith("**Tear the server down?**"), asked
    first = await sb.click(
        world.guild_id, user, asked.message_id, button(asked.original, "td:1:"), locale="en-US"
    )
    assert "**Really delete" in str(first.original)
    # The first channel delete is held up (a long rate limit): the kill lands in the middle.
    sb.inject_fault(CHANNEL_DELETE, status=429, retry_after=30)
    second = await sb.click(
        world.guild_id, user, asked.message_id, button(first.original, "td:2:"), locale="en-US"
    )
    assert "Teardown started" in str(second.original)
    await eventually(lambda: any(r.route == CHANNEL_DELETE for r in sb.requests), within=30)
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    left = _db(world.database, "SELECT count(*) FROM guild_structure")[0][0]
    assert left > 0, "killed in the middle"
    assert _db(world.database, "SELECT teardown_done_at FROM workshop_end") == [(None,)]

    ready = ready_count(sb)
    proc = await cli(world, "run", log=log)
    await eventually(lambda: ready_count(sb) > ready, within=30)

    def done() -> bool:
        rows = _db(world.database, "SELECT teardown_done_at FROM workshop_end")
        return bool(rows) and rows[0][0] is not None

    await eventually(done, within=60)
    proc.send_signal(signal.SIGTERM)
    await proc.wait()

    channels = {int(c["id"]) for c in sb.channels(world.guild_id)}
    events = {int(e["id"]) for e in sb.scheduled_events(world.guild_id)}
    assert channels == before_channels - set(owned), "every channel the bot made is gone"
    assert {camp.hand_made, inside} <= channels, "and only those"
    assert events == before_events - set(owned)
    deleted = {
        int(r.path.rsplit("/", 1)[1])
        for r in sb.requests
        if r.route in (CHANNEL_DELETE, EVENT_DELETE) and r.method == "DELETE"
    }
    assert deleted <= set(owned), "never a delete of anything the bot did not record"
    assert _db(world.database, "SELECT count(*) FROM guild_structure")[0][0] == 0
    assert _db(world.database, "SELECT count(*) FROM feedback")[0][0] == 2, "the database stays"
    told = sb.dms(world.organizer_id)[-1]["content"]
    assert told.startswith("The teardown is done: "), "the organizer hears by DM when it is done"

    out = world.tmp / "after.zip"
    code, _, stderr = await run_cli(world, "export", "archive", "--out", str(out))
    assert code == 0, stderr
    assert "feedback.csv" in zipfile.ZipFile(out).namelist()
