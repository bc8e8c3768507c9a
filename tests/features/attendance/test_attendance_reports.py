"""Attendance reports and privacy end to end: /attendance me, session (embed, CSV, PNG), export
(and the same offline from the CLI), forget-me, the retention purge, the notice /workshop setup
posts, and attendance turned off."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image

from bot.features.attendance.chart import HEIGHT, WIDTH
from bot.settings import AttendanceSettings
from tests.e2e.test_process import bot_env
from tests.features.attendance.attendance_helpers import (
    JST_10,
    answer,
    epoch,
    move,
    open_room,
    person,
    session_channel,
    stays,
    voice,
)
from tests.world import World, command_id

TOKYO = ZoneInfo("Asia/Tokyo")
FORGET_YES, FORGET_NO = "att:forget:yes:{}", "att:forget:no:{}"


def minutes(n: float) -> float:
    return n * 60


def parse_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def iso(seconds_after_ten: int) -> str:
    """A time as the CSVs write it (as Excel reads dates) in Tokyo, relative to 10:00."""
    moment = (JST_10 + timedelta(seconds=seconds_after_ten)).astimezone(TOKYO)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


async def test_me_lists_places_with_minutes_per_day_and_the_total(world: World) -> None:
    bot = await world.start_bot()
    _, talk = await session_channel(world, bot, "Graph learning")
    await world.run_jobs(JST_10)
    hangout = voice(world, "hangout")
    ana = world.attendee_id  # Japanese Discord client

    await move(world, bot, {ana: talk})
    world.clock.advance(minutes(42))
    room = await open_room(world, world.admin_id, "LLM eval")
    await move(world, bot, {ana: room})
    world.clock.advance(minutes(15))
    await move(world, bot, {ana: None})
    world.clock.set(JST_10 + timedelta(hours=13, minutes=50))  # 23:50 in Tokyo
    await move(world, bot, {ana: hangout})
    world.clock.advance(minutes(20))  # past midnight
    await move(world, bot, {ana: None})

    result = await world.sb.invoke(world.guild_id, ana, "attendance me", locale="ja")
    assert result.ephemeral
    (embed,) = result.embeds
    assert embed["title"] == "あなたの出席"
    attendance = command_id(world.sb, world.guild_id, "attendance")
    assert embed["description"].splitlines() == [
        "🎤 Graph learning — 42分",
        "💬 LLM eval — 15分",
        "🔊 hangout — 20分",
        "",
        f"記録の削除：</attendance forget-me:{attendance}>",  # a mention, clickable
    ]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["日ごと"].splitlines() == ["2026-07-01：67分", "2026-07-02：10分"]
    assert fields["合計"] == "77分"
    assert "footer" not in embed, "a footer cannot hold a command mention"

    nobody = await world.sb.invoke(world.guild_id, world.admin_id, "attendance me", locale="en-US")
    assert nobody.embeds[0]["description"] == "Nothing is recorded about you on this server yet."


async def test_session_report_has_the_numbers_a_csv_and_a_chart(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, talk = await session_channel(world, bot, "Graph learning")
    await world.run_jobs(JST_10)
    ana, ben, cat = (person(world, n, n.title()) for n in ("ana", "ben", "cat"))

    timeline: list[tuple[float, dict[int, int | None]]] = [
        (0, {ana: talk}),
        (5, {ben: talk}),
        (10, {cat: talk}),  # three at once from 10:10
        (20, {ben: None}),
        (30, {ben: talk}),
        (40, {ana: None}),
        (60, {ben: None}),
    ]
    for at, moves in timeline:
        world.clock.set(JST_10 + timedelta(minutes=at))
        await move(world, bot, moves)
    world.clock.set(JST_10 + timedelta(minutes=65))  # cat is still inside

    refused = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "attendance session",
        options={"session": str(session_id)},
        locale="en-US",
    )
    assert refused.ephemeral and (refused.content or "").startswith("Only organizers")
    unknown = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "attendance session",
        options={"session": "No such talk"},
        locale="ja",
    )
    assert unknown.ephemeral and "「No such talk」に一致するセッションがありません" in (
        unknown.content or ""
    )

    result = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "attendance session",
        options={"session": "Graph learning"},
        locale="en-US",
    )
    message = await answer(result)
    assert message["flags"] & 64, "ephemeral"
    (embed,) = message["embeds"]
    assert embed["title"] == "Attendance: Graph learning"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    peak_at = epoch(JST_10 + timedelta(minutes=10))
    assert fields == {
        "People": "3",
        "Most at once": f"3 at <t:{peak_at}:t>",
        "Median time": "45 min",  # ana 40, ben 15 + 30, cat 55
        "Total": "140 min",
    }
    assert embed["image"]["url"] == f"attachment://attendance-session-{session_id}.png"
    files = dict(result.followup_files())
    rows = parse_csv(files[f"attendance-session-{session_id}.csv"])
    assert rows == [
        {
            "user_id": str(ana),
            "display_name": "Ana",
            "first_joined (Asia/Tokyo)": iso(0),
            "last_left (Asia/Tokyo)": iso(2400),
            "seconds_present": "2400",
        },
        {
            "user_id": str(ben),
            "display_name": "Ben",
            "first_joined (Asia/Tokyo)": iso(300),
            "last_left (Asia/Tokyo)": iso(3600),
            "seconds_present": str(900 + 1800),
        },
        {
            "user_id": str(cat),
            "display_name": "Cat",
            "first_joined (Asia/Tokyo)": iso(600),
            "last_left (Asia/Tokyo)": "",
            "seconds_present": "3300",
        },
    ]
    assert iso(0) == "2026-07-01 10:00:00"
    image = Image.open(io.BytesIO(files[f"attendance-session-{session_id}.png"]))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    image.verify()


async def test_export_streams_every_stay_and_the_cli_writes_the_same(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, talk = await session_channel(world, bot, "Graph learning")
    await world.run_jobs(JST_10)
    hangout = voice(world, "hangout")
    ana, ben = person(world, "ana", 'Ana, "the" chair'), person(world, "ben", "ベン")
    await move(world, bot, {ana: talk, ben: hangout})
    world.clock.advance(minutes(30))
    await move(world, bot, {ana: hangout})
    world.clock.advance(minutes(10))
    await move(world, bot, {ben: None})
    world.clock.advance(minutes(5))  # ana is still in the hangout

    def row(user: int, name: str, channel: int, channel_name: str, kind: str, place: Any,
            joined: int, left: int | None, seconds: int) -> dict[str, str]:  # fmt: skip
        return {
            "user_id": str(user),
            "display_name": name,
            "channel_id": str(channel),
            "channel_name": channel_name,
            "place_kind": kind,
            "place_id": "" if place is None else str(place),
            "joined_at (Asia/Tokyo)": iso(joined),
            "left_at (Asia/Tokyo)": "" if left is None else iso(left),
            "seconds": str(seconds),
        }

    expected = [
        row(ana, 'Ana, "the" chair', talk, "Graph learning", "session", session_id, 0, 1800, 1800),
        row(ben, "ベン", hangout, "hangout", "other", None, 0, 2400, 2400),
        row(ana, 'Ana, "the" chair', hangout, "hangout", "other", None, 1800, None, 900),
    ]
    result = await sb.invoke(world.guild_id, world.organizer_id, "attendance export")
    message = await answer(result)
    assert "3 recorded stays" in message["content"] and "Asia/Tokyo" in message["content"]
    ((name, data),) = result.followup_files()
    assert name == "attendance-20260701-1045.csv"
    assert data.startswith("\ufeff".encode()), "a BOM for spreadsheet apps"
    assert parse_csv(data) == expected

    refused = await sb.invoke(world.guild_id, world.attendee_id, "attendance export")
    assert refused.content is not None and "運営のみ" in refused.content

    await world.stop_bot(bot)  # its heartbeat is now: ana's open stay counts until then
    out = world.tmp / "attendance.csv"
    code, stdout, stderr = await run_cli(
        world, "export", "attendance", "--format", "csv", "--out", str(out)
    )
    assert code == 0, stderr
    assert f"{out}: 3 stays of guild {world.guild_id}" in stdout
    assert parse_csv(out.read_bytes()) == expected
    code, stdout, _ = await run_cli(world, "export", "attendance", "--format", "csv")
    assert code == 0 and stdout.encode() == out.read_bytes(), "the same bytes, BOM included"
    code, _, stderr = await run_cli(world, "export", "attendance", "--format", "ics")
    assert code == 2 and "CSV only" in stderr


async def test_per_person_summary_from_discord_and_the_cli(world: World) -> None:
    """One row per person: minutes in all, in sessions, per day (Tokyo) and per session."""
    sb = world.sb
    bot = await world.start_bot()
    _, talk = await session_channel(world, bot, "Graph learning")
    await world.run_jobs(JST_10)
    hangout = voice(world, "hangout")
    ana, ben = person(world, "ana", "Ana"), person(world, "ben", "ベン")
    await move(world, bot, {ana: talk, ben: hangout})
    world.clock.advance(minutes(30))
    await move(world, bot, {ana: hangout, ben: talk})
    world.clock.advance(minutes(10))
    await move(world, bot, {ben: None})
    world.clock.set(JST_10 + timedelta(hours=13, minutes=50))  # 23:50 in Tokyo
    await move(world, bot, {ana: None})  # ana: 30 min in the talk, 13 h 20 min in the hangout
    await move(world, bot, {ben: hangout})
    world.clock.advance(minutes(25))  # ben: 15 min before midnight, 10 after

    header = [
        "user_id", "display_name", "total_minutes", "session_minutes",
        "2026-07-01 (min)", "2026-07-02 (min)", "Graph learning (min)",
    ]  # fmt: skip
    expected = [
        {**dict.fromkeys(header, ""), "user_id": str(ana), "display_name": "Ana",
         "total_minutes": str(30 + 13 * 60 + 20), "session_minutes": "30",
         "2026-07-01 (min)": str(30 + 13 * 60 + 20), "2026-07-02 (min)": "0",
         "Graph learning (min)": "30"},
        {**dict.fromkeys(header, ""), "user_id": str(ben), "display_name": "ベン",
         "total_minutes": str(40 + 25), "session_minutes": "10",
         "2026-07-01 (min)": str(40 + 10), "2026-07-02 (min)": "15",
         "Graph learning (min)": "10"},
    ]  # fmt: skip
    result = await sb.invoke(
        world.guild_id, world.organizer_id, "attendance export", options={"per_person": True}
    )
    message = await answer(result)
    assert "2 people" in message["content"] and "certificates" in message["content"]
    ((name, data),) = result.followup_files()
    assert name == "attendance-people-20260702-0015.csv"
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines()[0] == ",".join(header)
    assert parse_csv(data) == expected

    await world.stop_bot(bot)  # ben is still inside: his stay counts until the last heartbeat
    out = world.tmp / "people.csv"
    code, stdout, stderr = await run_cli(
        world, "export", "attendance", "--format", "csv", "--per-person", "--out", str(out)
    )
    assert code == 0, stderr
    assert f"{out}: 2 people of guild {world.guild_id}" in stdout
    assert parse_csv(out.read_bytes()) == expected


async def run_cli(world: World, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=world.tmp,
        env=bot_env(world),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, stdout.decode(), stderr.decode()


async def test_forget_me_asks_first_and_its_button_survives_a_restart(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    hall, side = voice(world, "hall"), voice(world, "side room")
    ana, ben = world.attendee_id, person(world, "ben")
    await move(world, bot, {ana: hall, ben: hall})
    world.clock.advance(600)
    await move(world, bot, {ana: side})  # ana: one stay done, one going on
    world.clock.advance(60)

    asked = await sb.invoke(world.guild_id, ana, "attendance forget-me", locale="ja")
    assert asked.ephemeral and "・出席記録：2件" in (asked.content or "")
    labels = [c["label"] for row in asked.components for c in row["components"]]
    assert labels == ["記録を削除する", "削除しない"]
    kept = await sb.click(world.guild_id, ana, asked.message_id, FORGET_NO.format(ana), locale="ja")
    assert kept.content == "何も削除していません。"
    assert len(await stays(bot)) == 3

    asked = await sb.invoke(world.guild_id, ana, "attendance forget-me", locale="en-US")
    not_yours = await sb.click(world.guild_id, ben, asked.message_id, FORGET_YES.format(ana))
    assert not_yours.content == "This button belongs to someone else."
    await world.stop_bot(bot)
    bot = await world.start_bot(sync=False)
    done = await sb.click(
        world.guild_id, ana, asked.message_id, FORGET_YES.format(ana), locale="en-US"
    )
    # Two stays: the one going on goes on across the restart (the same voice session).
    assert done.content == "Deleted, for good:\n• attendance records: 2"
    assert {r["user_id"] for r in await stays(bot)} == {ben}

    await move(world, bot, {ana: hall})  # from now on, recorded again
    world.clock.advance(30)
    assert [(r["user_id"], r["channel_id"]) for r in await stays(bot) if r["user_id"] == ana] == [
        (ana, hall)
    ]
    await move(world, bot, {ana: None})
    again = await sb.invoke(world.guild_id, ana, "attendance forget-me", locale="en-US")
    assert "\n• attendance records: 1\n" in (again.content or "")
    await sb.click(world.guild_id, ana, again.message_id, FORGET_YES.format(ana))
    nothing = await sb.invoke(world.guild_id, ana, "attendance forget-me", locale="en-US")
    assert nothing.content == "The bot keeps nothing about you on this server."
    assert not nothing.components


async def test_retention_purges_old_stays_daily(world: World) -> None:
    bot = await world.start_bot(attendance=AttendanceSettings(retention_days=30))
    hall = voice(world, "hall")
    old, recent, present = person(world, "old"), person(world, "recent"), person(world, "here")
    start = world.clock.now()
    await move(world, bot, {old: hall, present: hall})
    world.clock.advance(600)
    await move(world, bot, {old: None})
    jobs = bot.services.sessions._jobs
    (purge,) = [j for j in await jobs.history("attendance.purge") if j.state == "pending"]
    assert purge.due_at == start + timedelta(days=1)

    await world.run_jobs(start + timedelta(days=2))
    await move(world, bot, {recent: hall})
    world.clock.advance(600)
    await move(world, bot, {recent: None})

    await world.run_jobs(start + timedelta(days=31))
    rows = await stays(bot)
    assert {r["user_id"] for r in rows} == {recent, present}, "ended 31 days ago: purged"
    await world.run_jobs(start + timedelta(days=33))
    assert {r["user_id"] for r in await stays(bot)} == {present}
    pending = [j for j in await jobs.history("attendance.purge") if j.state == "pending"]
    assert [j.due_at for j in pending] == [start + timedelta(days=34)]


async def test_setup_posts_the_privacy_notice_once(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    announcements = next(c for c in sb.channels(world.guild_id) if c["name"] == "announcements")
    (notice,) = sb.messages(int(announcements["id"]))
    text = notice["embeds"][0]["description"]
    assert "Attendance is recorded here" in text and "365 days" in text
    attendance = command_id(sb, world.guild_id, "attendance")
    assert f"• See yours: </attendance me:{attendance}>" in text
    assert f"• Delete yours: </attendance forget-me:{attendance}>" in text

    await (await sb.invoke(world.guild_id, world.admin_id, "workshop setup")).wait_followups(1)
    assert len(sb.messages(int(announcements["id"]))) == 1, "once"

    sb.delete_channel(int(announcements["id"]))  # deleted by hand: recreated empty
    await world.settle()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    again = next(c for c in sb.channels(world.guild_id) if c["name"] == "announcements")
    assert again["id"] != announcements["id"]
    assert len(sb.messages(int(again["id"]))) == 1, "the new #announcements gets it too"


async def test_turned_off_nothing_is_recorded_and_the_commands_say_so(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot(attendance=AttendanceSettings(enabled=False))
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    announcements = next(c for c in sb.channels(world.guild_id) if c["name"] == "announcements")
    assert sb.messages(int(announcements["id"])) == [], "no notice"
    hall = voice(world, "hall")
    await move(world, bot, {world.attendee_id: hall})
    world.clock.advance(600)
    await move(world, bot, {world.attendee_id: None})
    assert await stays(bot) == []

    me = await sb.invoke(world.guild_id, world.attendee_id, "attendance me", locale="ja")
    assert (
        me.ephemeral
        and me.content == "このサーバーでは出席を記録していません（運営が無効にしています）。"
    )
    export = await sb.invoke(world.guild_id, world.organizer_id, "attendance export")
    assert export.ephemeral and (export.content or "").startswith("Attendance is not recorded")
    forget = await sb.invoke(
        world.guild_id, world.attendee_id, "attendance forget-me", locale="en-US"
    )
    assert forget.content == "The bot keeps nothing about you on this server."
