"""The personal agenda end to end, through the sandbox: Interested on a session's event puts it
on my agenda (live, from the raw payload), /agenda show|add|remove|export, ＋ My agenda on
/session info, ★ in /schedule show and /session list, reminders by mode, change notices."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.features.agenda.service import JOB_NOTICE, JOB_REMIND
from tests.features.agenda.helpers import JST_10, agenda_of, create, interested, posted_to
from tests.world import World


async def test_interested_puts_the_session_on_my_agenda_within_a_second(world: World) -> None:
    bot = await world.start_bot()
    talk = await create(world, "Opening talk")
    assert talk["event"] is not None
    await interested(world, talk["event"], world.attendee_id)
    agenda = agenda_of(bot)
    assert await agenda.marked(world.guild_id, world.attendee_id) == {talk["id"]}

    shown = await world.sb.invoke(world.guild_id, world.attendee_id, "agenda show")
    assert shown.ephemeral
    text = shown.embeds[0]["description"]
    assert "Opening talk" in text and ":F>" in text and ":R>" in text
    assert f"<#{talk['channel']}>" in text

    await interested(world, talk["event"], world.attendee_id, yes=False)
    assert await agenda.marked(world.guild_id, world.attendee_id) == frozenset()


async def test_add_remove_show_marks_and_export(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    a = await create(world, "Morning talk", start="10:00", duration=60)
    b = await create(world, "Clashing panel", start="10:30", duration=60, track="B")
    await create(world, "Not mine", start="13:00")
    user = world.attendee_id
    for session in (a, b):
        added = await sb.invoke(
            world.guild_id,
            user,
            "agenda add",
            options={"session": str(session["id"])},
            locale="en-US",
        )
        assert added.ephemeral and "is on your agenda" in (added.content or "")
    again = await sb.invoke(
        world.guild_id, user, "agenda add", options={"session": str(a["id"])}, locale="en-US"
    )
    assert "already" in (again.content or "")

    shown = await sb.invoke(world.guild_id, user, "agenda show", locale="en-US")
    text = shown.embeds[0]["description"]
    assert text.index("Morning talk") < text.index("Clashing panel")
    assert text.count("clashes") == 2 and "Not mine" not in text

    # ★ for the reader's sessions in /schedule show and /session list, none for another person
    for command in ("schedule show", "session list"):
        mine = await sb.invoke(world.guild_id, user, command)
        lines = mine.embeds[0]["description"]
        assert "★ **Morning talk**" in lines and "★ **Clashing panel**" in lines
        assert "★ **Not mine**" not in lines
        theirs = await sb.invoke(world.guild_id, world.admin_id, command)
        assert "★" not in theirs.embeds[0]["description"]

    exported = await sb.invoke(world.guild_id, user, "agenda export")
    ((name, data),) = exported.files
    assert name == "my-agenda.ics"
    assert data.count(b"BEGIN:VEVENT") == 2 and b"Not mine" not in data

    removed = await sb.invoke(
        world.guild_id, user, "agenda remove", options={"session": str(b["id"])}, locale="en-US"
    )
    assert "off your agenda" in (removed.content or "")
    assert await agenda_of(bot).marked(world.guild_id, user) == {a["id"]}
    not_there = await sb.invoke(
        world.guild_id, user, "agenda remove", options={"session": str(b["id"])}, locale="en-US"
    )
    assert "is not on your agenda" in (not_there.content or "")


async def test_the_button_on_session_info_adds_it_for_whoever_presses(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Talk with a button")
    info = await sb.invoke(
        world.guild_id, world.admin_id, "session info", options={"session": str(talk["id"])}
    )
    (row,) = info.components
    (button,) = row["components"]
    assert button["custom_id"] == f"agenda:add:{talk['id']}"
    pressed = await sb.click(
        world.guild_id, world.attendee_id, info.message_id, button["custom_id"], locale="ja"
    )
    assert pressed.ephemeral and "アジェンダに追加しました" in (pressed.content or "")
    assert await agenda_of(bot).marked(world.guild_id, world.attendee_id) == {talk["id"]}


async def test_bad_input_changes_nothing(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    for value in ("999999", "No such talk"):
        answer = await sb.invoke(
            world.guild_id, world.attendee_id, "agenda add", options={"session": value}
        )
        assert answer.ephemeral
    talk = await create(world, "Soon gone")
    cancel = await sb.invoke(
        world.guild_id, world.organizer_id, "session cancel", options={"session": str(talk["id"])}
    )
    await cancel.wait_followups(1)
    refused = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "agenda add",
        options={"session": str(talk["id"])},
        locale="en-US",
    )
    assert refused.ephemeral and "is cancelled" in (refused.content or "")
    assert await agenda_of(bot).marked(world.guild_id, world.attendee_id) == frozenset()


async def test_mention_reminder_pings_exactly_the_subscribers_once(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Reminded talk @everyone")
    people = [int(sb.add_member(world.guild_id, name=f"fan{i}")["id"]) for i in range(3)]
    for person in people:
        await interested(world, talk["event"], person)
    off = people[2]
    await sb.invoke(world.guild_id, off, "agenda reminders", options={"mode": "off"})
    (job,) = await bot.core.jobs.pending_of(world.guild_id, (JOB_REMIND,))
    assert job.due_at == JST_10 - timedelta(minutes=10)

    await world.run_jobs(JST_10 - timedelta(minutes=10))
    posts = [p for p in posted_to(world, talk["channel"]) if p.get("content")]
    (post,) = [p for p in posts if "<@" in p["content"]]
    assert post["allowed_mentions"]["users"] and sorted(
        int(u) for u in post["allowed_mentions"]["users"]
    ) == sorted(people[:2])
    assert post["allowed_mentions"].get("parse", []) == [] and not post["allowed_mentions"].get(
        "roles"
    )
    assert f"<@{off}>" not in post["content"]
    assert post["components"][0]["components"][0]["custom_id"] == f"agenda:add:{talk['id']}"

    # someone who subscribes after the reminder went out is not reminded late
    late = int(sb.add_member(world.guild_id, name="late")["id"])
    await interested(world, talk["event"], late)
    await world.run_jobs(JST_10 - timedelta(minutes=5))
    assert not await bot.core.jobs.pending_of(world.guild_id, (JOB_REMIND,))
    after = [p for p in posted_to(world, talk["channel"]) if "<@" in (p.get("content") or "")]
    assert len(after) == 1


async def test_a_flurry_of_changes_gives_one_notice_with_old_and_new_time(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Moving talk", start="11:00")
    await interested(world, talk["event"], world.attendee_id)
    for start in ("11:30", "12:00"):
        edit = await sb.invoke(
            world.guild_id,
            world.organizer_id,
            "session edit",
            options={"session": str(talk["id"]), "start": start},
        )
        await edit.wait_followups(1)
    (job,) = await bot.core.jobs.pending_of(world.guild_id, (JOB_NOTICE,))
    await world.run_jobs(job.due_at)
    notices = [p for p in posted_to(world, talk["channel"]) if "<@" in (p.get("content") or "")]
    (notice,) = notices
    text = notice["embeds"][0]["description"]
    old, new = (
        int((JST_10 + timedelta(hours=1)).timestamp()),
        int((JST_10 + timedelta(hours=2)).timestamp()),
    )
    assert f"<t:{old}:F>" in text and f"<t:{new}:F>" in text
    assert [int(u) for u in notice["allowed_mentions"]["users"]] == [world.attendee_id]
    # the reminder follows the session to its new start
    (remind,) = await bot.core.jobs.pending_of(world.guild_id, (JOB_REMIND,))
    assert remind.due_at == JST_10 + timedelta(hours=2) - timedelta(minutes=10)

    # cancelled: told once more, and no reminder
    cancel = await sb.invoke(
        world.guild_id, world.organizer_id, "session cancel", options={"session": str(talk["id"])}
    )
    await cancel.wait_followups(1)
    (job,) = await bot.core.jobs.pending_of(world.guild_id, (JOB_NOTICE,))
    await world.run_jobs(job.due_at)
    assert not await bot.core.jobs.pending_of(world.guild_id, (JOB_REMIND,))
    notices = [p for p in posted_to(world, talk["channel"]) if "<@" in (p.get("content") or "")]
    assert len(notices) == 2 and "❌" in notices[1]["embeds"][0]["description"]


async def test_dm_mode_and_the_mention_fallback_when_dms_are_closed(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Talk by DM")
    open_dm, closed_dm, named = (
        int(sb.add_member(world.guild_id, name=name)["id"]) for name in ("open", "closed", "named")
    )
    for person in (open_dm, closed_dm, named):
        await interested(world, talk["event"], person)
    for person in (open_dm, closed_dm):
        answer = await sb.invoke(world.guild_id, person, "agenda reminders", options={"mode": "dm"})
        assert answer.ephemeral
    sb.state.closed_dms.add(closed_dm)

    caplog.set_level(logging.INFO)
    await world.run_jobs(JST_10 - timedelta(minutes=10))
    (dm,) = sb.dms(open_dm)
    assert (
        "Talk by DM" in dm["content"]
        and f"/channels/{world.guild_id}/{talk['channel']}" in dm["content"]
    )
    assert sb.dms(closed_dm) == [] and sb.dms(named) == []
    (post,) = [p for p in posted_to(world, talk["channel"]) if "<@" in (p.get("content") or "")]
    assert sorted(int(u) for u in post["allowed_mentions"]["users"]) == sorted([closed_dm, named])
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r for r in caplog.records if "direct messages" in r.getMessage()]
    assert bot.services.agenda_notifier.sent == {"mention": 2, "dm": 1, "fallback": 1}


async def test_one_forget_me_deletes_the_agenda_too(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    talk = await create(world, "Forgettable talk")
    user = world.attendee_id
    await sb.invoke(world.guild_id, user, "agenda add", options={"session": str(talk["id"])})
    await sb.invoke(world.guild_id, user, "agenda reminders", options={"mode": "dm"})
    asked = await sb.invoke(world.guild_id, user, "attendance forget-me", locale="en-US")
    assert "your agenda (sessions and reminder choice): 2" in (asked.content or "")
    done = await sb.click(
        world.guild_id, user, asked.message_id, f"att:forget:yes:{user}", locale="en-US"
    )
    assert done.content and "your agenda" in done.content
    agenda = agenda_of(bot)
    assert await agenda.marked(world.guild_id, user) == frozenset()
    assert await agenda.count_person(world.guild_id, user) == 0


async def test_the_privacy_notice_names_the_agenda(world: World) -> None:
    sb = world.sb
    await world.start_bot(locale="en")
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    announcements = next(c for c in sb.channels(world.guild_id) if c["name"] == "announcements")
    (notice,) = sb.messages(int(announcements["id"]))
    text = notice["embeds"][0]["description"]
    assert "Your agenda (sessions you press **Interested** on" in text
    assert "deletes it too" in text
