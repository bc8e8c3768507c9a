"""A restart between "ticket bound" and "role given" gives the role (the start-up convergence);
turning the gate on later hides what exists; the onboarding buttons answer in the reader's
language."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.sandbox import permissions as p
from bot.settings import AttendanceSettings
from tests.features.registration.conftest import (
    confirm,
    import_file,
    member_roles,
    register,
    registration,
    start,
    welcome,
)
from tests.world import World


async def test_a_ticket_bound_before_a_crash_gets_its_roles_at_start(world: World) -> None:
    bot = await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    await world.stop_bot(bot)
    # What a kill -9 right after the link was written leaves: the link, no role yet.
    with sqlite3.connect(world.database) as db:
        db.execute(
            "INSERT INTO registration_links (guild_id, ticket_key, user_id, state, bound_at) "
            "VALUES (?, '1002', ?, 'bound', 0)",
            (world.guild_id, world.attendee_id),
        )
    assert member_roles(world, world.attendee_id) == set()
    await world.start_bot(registration=registration())
    assert member_roles(world, world.attendee_id) == {"Student", "Participant"}
    with sqlite3.connect(world.database) as db:
        (state,) = db.execute("SELECT state FROM registration_links").fetchone()
    assert state == "given"


async def test_turning_the_gate_on_later_hides_what_exists(world: World) -> None:
    sb = world.sb
    bot = await start(world)
    lobby = next(c for c in sb.channels(world.guild_id) if c["name"] == "lobby")
    await world.stop_bot(bot)
    await world.start_bot(registration=registration(gate=True))
    lobby = sb.channel(int(lobby["id"]))
    assert lobby is not None
    everyone = next(o for o in lobby["permission_overwrites"] if int(o["id"]) == world.guild_id)
    assert int(everyone["deny"]) & p.VIEW_CHANNEL
    channel, _ = welcome(world)
    public = next(o for o in channel["permission_overwrites"] if int(o["id"]) == world.guild_id)
    assert int(public["allow"]) & p.VIEW_CHANNEL


async def test_onboarding_buttons_answer_in_the_readers_language(world: World) -> None:
    sb = world.sb
    await start(world)
    for title, start_at in (("Opening talk", "2026-07-01 10:00"), ("Posters", "2026-07-01 13:00")):
        made = await sb.invoke(
            world.guild_id,
            world.organizer_id,
            "session create",
            options={"title": title, "start": start_at, "duration": 60},
        )
        await made.wait_followups(1)
    world.clock.set(datetime(2026, 7, 1, 1, 10, tzinfo=UTC))  # 10:10 in Tokyo
    _, message = welcome(world)
    ids = {c["custom_id"] for row in message["components"] for c in row["components"]}
    assert ids == {"reg:register", "onb:now", "onb:rooms", "onb:agenda"}

    async def press(custom_id: str, locale: str):  # type: ignore[no-untyped-def]
        return await sb.click(
            world.guild_id, world.attendee_id, int(message["id"]), custom_id, locale=locale
        )

    now = await press("onb:now", "en-US")
    assert now.ephemeral
    text = now.embeds[0]["description"]
    assert "Now: **Opening talk**" in text and "Next: **Posters**" in text
    rooms = await press("onb:rooms", "ja")
    assert rooms.ephemeral and "ボイスチャンネル（🔊）をクリック" in (rooms.content or "")
    agenda = await press("onb:agenda", "en-US")
    assert agenda.ephemeral and agenda.embeds[0]["title"] == "My agenda"
    assert "Your agenda is empty" in agenda.embeds[0]["description"]
    added = await sb.invoke(
        world.guild_id, world.attendee_id, "agenda add", options={"session": "Posters"}
    )
    if added.response_type == 5:
        await added.wait_followups(1)
    agenda = await press("onb:agenda", "ja")
    assert "**Posters**" in agenda.embeds[0]["description"], "the agenda feature's answer"
    # The welcome is in the workshop's language, the other one below.
    body = message["embeds"][0]["description"]
    assert body.index("Press **Register**") < body.index("「参加登録」を押し")


async def test_retention_purges_registrant_data_with_attendance_roles_stay(world: World) -> None:
    await world.start_bot(
        registration=registration(), attendance=AttendanceSettings(retention_days=30)
    )
    await confirm(world, (await import_file(world)).followups[0])
    await register(world, world.attendee_id, "1002", "佐藤 花子")
    await world.run_jobs(world.clock.now() + timedelta(days=10))
    with sqlite3.connect(world.database) as db:
        assert db.execute("SELECT count(*) FROM registrants").fetchone() == (7,)
    await world.run_jobs(world.clock.now() + timedelta(days=25))
    with sqlite3.connect(world.database) as db:
        for table in ("registrants", "registration_links", "registration_imports"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    assert member_roles(world, world.attendee_id) == {"Student", "Participant"}


async def test_help_lists_registration_for_attendees_and_organizers(world: World) -> None:
    sb = world.sb
    await start(world)
    mine = await sb.invoke(world.guild_id, world.attendee_id, "help", locale="ja")
    text = mine.embeds[0]["description"]
    assert "**参加登録**" in text and "「ようこそ」チャンネルの「参加登録」" in text
    assert "/registration import" not in text and "</registration import:" not in text
    organizer = await sb.invoke(world.guild_id, world.organizer_id, "help", locale="en-US")
    assert "</registration import:" in organizer.embeds[0]["description"]
    _, message = welcome(world)
    assert "deletes them 365 days after the last import" in message["embeds"][0]["description"]


async def test_forget_me_deletes_the_linkage_and_keeps_the_roles(world: World) -> None:
    sb = world.sb
    await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    await register(world, world.attendee_id, "1002", "佐藤 花子")
    asked = await sb.invoke(
        world.guild_id, world.attendee_id, "attendance forget-me", locale="en-US"
    )
    assert "registration (your ticket linked to this account" in (asked.content or "")
    yes = next(
        c["custom_id"]
        for row in asked.components
        for c in row["components"]
        if c["label"].startswith("Delete")
    )
    done = await sb.click(world.guild_id, world.attendee_id, asked.message_id, yes, locale="en-US")
    assert "registration (your ticket linked to this account, second-account attempts): 1" in (
        done.content or ""
    )
    with sqlite3.connect(world.database) as db:
        assert db.execute("SELECT count(*) FROM registration_links").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM registrants").fetchone() == (7,), "the list stays"
    assert member_roles(world, world.attendee_id) == {"Student", "Participant"}
