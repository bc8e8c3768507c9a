"""/workshop wrap-up end to end: refused to attendees, Cancel changes nothing, Confirm locks
every place the bot made (and nothing else), ends the events, stops the timers, thanks everyone
in #announcements and attaches the archive whose files match the database; a restart leaves it
all as it is; `workshop-bot export archive` writes the same files offline."""

from __future__ import annotations

import csv
import io
import zipfile

from bot.core.archive import README
from tests.features.wrapup.wrapup_helpers import (
    archive_of,
    button,
    is_locked,
    run_camp,
    run_cli,
    wrap_up,
)
from tests.world import World

FILES = [
    "README.txt",
    "programme.ics",
    "programme.csv",
    "attendance.csv",
    "registration.csv",
    "questions.csv",
    "feedback.csv",
]


def rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


async def owned_channels(world: World) -> set[int]:
    bot = world.bots[-1]
    found = await bot.db.fetch_all(
        "SELECT discord_id FROM guild_structure WHERE guild_id = ? AND discord_id IS NOT NULL "
        "AND kind IN ('text', 'voice', 'stage', 'forum', 'category')",
        (world.guild_id,),
    )
    return {int(r[0]) for r in found}


async def test_wrap_up_locks_thanks_and_archives(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    camp = await run_camp(world, bot)

    refused = await sb.invoke(world.guild_id, world.attendee_id, "workshop wrap-up", locale="en-US")
    assert refused.ephemeral and (refused.content or "").startswith("Only organizers")
    early = await sb.invoke(world.guild_id, world.organizer_id, "workshop teardown", locale="en-US")
    assert early.ephemeral and (early.content or "").startswith("Run ")
    asked = await sb.invoke(world.guild_id, world.organizer_id, "workshop wrap-up", locale="en-US")
    other = await sb.click(
        world.guild_id, world.admin_id, asked.message_id, button(asked.original, "wu:go:")
    )
    assert other.ephemeral and "belongs to the organizer who asked" in (other.content or "")
    no = await sb.click(
        world.guild_id, world.organizer_id, asked.message_id, button(asked.original, "wu:no:")
    )
    assert no.response_type == 7 and "Nothing was changed." in str(no.original)
    assert await bot.db.fetch_value("SELECT count(*) FROM workshop_end") == 0

    mine = await owned_channels(world)
    sb.clear_requests()
    result = await wrap_up(world)
    text = result.followups[0]["content"]
    assert text.startswith("Wrapped up: ") and "The archive (6 files," in text
    assert result.followups[0]["flags"] & 64, "the archive (personal data) only to the organizer"

    # Every place the bot made is locked; the channel made by hand is left alone.
    for channel in sb.channels(world.guild_id):
        if int(channel["id"]) in mine:
            assert is_locked(channel, world.guild_id), channel["name"]
    hand_made = sb.channel(camp.hand_made)
    assert hand_made is not None and not is_locked(hand_made, world.guild_id)
    # Events ended (Discord allows SCHEDULED -> CANCELED and ACTIVE -> COMPLETED only).
    assert {e["status"] for e in sb.scheduled_events(world.guild_id)} <= {3, 4}
    # Only the retention purge and the wrap-up's own resume job are left.
    pending = await bot.db.fetch_all("SELECT kind FROM jobs WHERE state = 'pending'")
    assert {r[0] for r in pending} <= {"attendance.purge", "wrapup.resume"}
    # The thank-you in #announcements.
    announcements = await bot.core.objects.get(world.guild_id, "announcements")
    posted = [m for m in sb.messages(announcements.discord_id) if m.get("embeds")]
    assert any("Thank you for taking part" in m["embeds"][0]["description"] for m in posted)

    # The archive: every file, rows as in the database.
    archive = archive_of(result)
    assert archive.namelist() == FILES
    assert rows(archive, "registration.csv")[0] == {
        "ticket_type": "(all)",
        "tickets": "0",
        "registered": "0",
        "not_registered": "0",
    }, "registration counts only (none imported here)"
    readme = archive.read(README).decode()
    db = bot.db
    sessions = await db.fetch_value("SELECT count(*) FROM sessions")
    stays = await db.fetch_value("SELECT count(*) FROM attendance")
    assert f"programme.csv: {sessions} rows" in readme
    assert f"attendance.csv: {stays} rows" in readme and "feedback.csv: 2 rows" in readme
    assert len(rows(archive, "programme.csv")) == sessions
    assert len(rows(archive, "attendance.csv")) == stays
    feedback = rows(archive, "feedback.csv")
    assert [(r["rating"], r["comment"]) for r in feedback] == [("5", "from ana"), ("4", "from ben")]
    assert archive.read("programme.ics").count(b"BEGIN:VEVENT") == sessions

    # A restart converges nothing back: still locked, no channel edited or created.
    await world.stop_bot(bot)
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    touched = [r for r in sb.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]
    assert not [r for r in touched if "/channels" in r.path and "/messages" not in r.path]
    for channel in sb.channels(world.guild_id):
        if int(channel["id"]) in mine:
            assert is_locked(channel, world.guild_id), channel["name"]

    # The same archive offline (the ics stamps differ: DTSTAMP is when it is written).
    out = world.tmp / "archive.zip"
    code, stdout, stderr = await run_cli(world, "export", "archive", "--out", str(out))
    assert code == 0, stderr
    assert stdout.startswith(f"{out}: the archive of guild {world.guild_id}, 6 files")
    offline = zipfile.ZipFile(out)
    assert offline.namelist() == FILES
    for name in ("programme.csv", "attendance.csv", "feedback.csv"):
        assert offline.read(name) == archive.read(name), name
    code, _, stderr = await run_cli(world, "export", "archive")
    assert code == 2 and "give --out FILE" in stderr
