"""`/session import` end to end: CSV, YAML and a real Pretalx/frab export; preview, Confirm,
re-import of a changed file, and bad files that change nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from tests.fakes.sessions import buttons, confirm, session_channels, upload
from tests.world import World, eventually

# A real frab export (Apache-2.0, see tests/data/LICENSE-frab-schedule-anyconf).
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "frab-schedule-anyconf.json"

CSV_V1 = """title,start,duration,kind,track,id
Opening keynote,2026-07-02 09:30,60,keynote,,k1
Vision transformers,2026-07-02 11:00,45,talk,Vision,t1
Tokenizers deep dive,2026-07-02 11:00,45,talk,NLP,t2
Feature stores,2026-07-02 13:00,45,talk,MLOps,t3
"""
CSV_V2 = """title,start,duration,kind,track,id
Opening keynote,2026-07-02 09:30,60,keynote,,k1
Vision transformers (updated),2026-07-02 11:00,45,talk,Vision,t1
Tokenizers deep dive,2026-07-02 11:00,45,talk,NLP,t2
Evening social,2026-07-02 18:00,90,social,,s1
"""


async def test_csv_import_previews_then_applies_and_reimport_updates(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    result = await upload(world, "programme.csv", CSV_V1.encode())
    preview = result.followups[0]
    embed = preview["embeds"][0]
    assert embed["title"] == "Import preview: programme.csv"
    assert "new 4" in embed["description"]
    assert session_channels(sb, world.guild_id) == set(), "nothing changes before Confirm"

    await confirm(world, preview)
    assert session_channels(sb, world.guild_id) == {
        "Opening keynote",
        "Vision transformers",
        "Tokenizers deep dive",
        "Feature stores",
    }
    assert len(sb.scheduled_events(world.guild_id)) == 4

    again = await upload(world, "programme.csv", CSV_V2.encode())
    embed = again.followups[0]["embeds"][0]
    assert "new 1" in embed["description"] and "changed 1" in embed["description"]
    assert "unchanged 2" in embed["description"] and "removed 1" in embed["description"]
    await confirm(world, again.followups[0])
    names = session_channels(sb, world.guild_id)
    assert "Vision transformers (updated)" in names and "Evening social" in names
    assert "Vision transformers" not in names
    events = {e["name"] for e in sb.scheduled_events(world.guild_id)}
    assert "Feature stores" not in events, "a session removed from the file is cancelled"
    assert len(events) == 4
    listing = await sb.invoke(world.guild_id, world.attendee_id, "session list", locale="en-US")
    assert "~~Feature stores~~" in listing.embeds[0]["description"]


async def test_yaml_import(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    yaml = """timezone: Asia/Tokyo
days:
  - date: 2026-07-03
    sessions:
      - {title: 分散学習の実践, start: "10:00", duration: 60, kind: talk, track: MLOps}
      - {title: Poster session A, start: "13:00", duration: 90, kind: poster}
"""
    result = await upload(world, "camp.yaml", yaml.encode())
    assert "new 2" in result.followups[0]["embeds"][0]["description"]
    await confirm(world, result.followups[0])
    assert "分散学習の実践" in session_channels(sb, world.guild_id)
    forums = {c["name"] for c in sb.channels(world.guild_id) if c["type"] == 15}
    assert forums == {"poster-session-a"}, "a poster session's place is a forum"


async def test_frab_schedule_json_import(world: World) -> None:
    sb = world.sb
    world.clock.set(datetime(2024, 2, 1, tzinfo=UTC))
    await world.start_bot()
    result = await upload(world, "schedule.json", SAMPLE.read_bytes())
    embed = result.followups[0]["embeds"][0]
    assert "frab" in embed["description"].lower() and "new 2" in embed["description"]
    await confirm(world, result.followups[0])
    voice = [c for c in sb.channels(world.guild_id) if c["type"] == 2]
    assert [c["name"] for c in voice] == ["Welcome to AnyConf 2024"] * 2  # one per day
    categories = {c["name"] for c in sb.channels(world.guild_id) if c["type"] == 4}
    assert any(name.startswith("Day 1 · 2/3") for name in categories)


async def test_a_file_with_problems_cannot_be_confirmed_and_changes_nothing(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    bad = CSV_V1 + "Clashing talk,2026-07-02 11:15,30,talk,Vision,t9\n" + "No start,,30,talk,,t10\n"
    result = await upload(world, "programme.csv", bad.encode())
    preview = result.followups[0]
    fields = {f["name"]: f["value"] for f in preview["embeds"][0]["fields"]}
    problems = next(v for k, v in fields.items() if k.startswith("Problems"))
    assert "row 6" in problems and "row 7" in problems
    assert buttons(preview)["Confirm"].get("disabled") is True
    garbage = await upload(world, "programme.csv", b"\xff\xfe\x00garbage")
    text = garbage.content or garbage.followups[0].get("content", "")
    assert "UTF-8" in text
    too_big = await upload(world, "huge.csv", b"title,start\n" + b"x" * (1024 * 1024 + 1))
    assert "too large" in (too_big.content or "")
    assert session_channels(sb, world.guild_id) == set()
    refused = await upload(world, "programme.csv", CSV_V1.encode(), user=world.attendee_id)
    assert "Only organizers" in (refused.content or "")


async def test_confirm_survives_a_restart_and_a_double_click_applies_once(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    result = await upload(world, "programme.csv", CSV_V1.encode())
    await world.stop_bot(bot)
    await world.start_bot(sync=False)  # the button's state lives in its custom_id and the db
    message = result.followups[0]
    button = buttons(message)["Confirm"]
    clicks = await asyncio.gather(
        *(
            sb.click(
                world.guild_id,
                world.organizer_id,
                int(message["id"]),
                button["custom_id"],
                locale="en-US",
            )
            for _ in range(2)
        )
    )
    await world.settle(0.5)
    assert len(session_channels(sb, world.guild_id)) == 4
    assert len(sb.scheduled_events(world.guild_id)) == 4
    texts = [m.get("content") or "" for click in clicks for m in click.messages]
    assert any("being applied" in t or "already imported" in t for t in texts), texts


EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "schedule.example.yaml"
CAMP = "MLエンジニアリング研究会 サマーキャンプ 2027"


async def calendar_name(world: World) -> str:
    import icalendar

    result = await world.sb.invoke(world.guild_id, world.attendee_id, "schedule export")
    ((filename, data),) = result.files
    assert filename == "programme.ics"
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    return str(calendar["X-WR-CALNAME"])


def title_field(preview: dict) -> str | None:  # type: ignore[type-arg]
    fields = preview["embeds"][0].get("fields", [])
    found = [f["value"] for f in fields if f["name"] == "Workshop title (the calendar's name)"]
    return found[0] if found else None


async def test_the_yaml_title_names_the_calendar(world: World) -> None:
    """The example camp's `title:` is shown in the preview, kept on Confirm and names the .ics
    calendar; a file without a title keeps it, a new title replaces it (shown as typed, on one
    line), one too long changes nothing, and the `title` setting comes first."""
    world.clock.set(datetime(2027, 6, 1, tzinfo=UTC))
    bot = await world.start_bot()
    guild_name = world.sb.state.guild(world.guild_id).data["name"]
    assert await calendar_name(world) == guild_name, "nothing imported: the server's name"

    result = await upload(world, "schedule.example.yaml", EXAMPLE.read_bytes())
    preview = result.followups[0]
    assert title_field(preview) == CAMP
    assert await calendar_name(world) == guild_name, "nothing is kept before Confirm"
    await confirm(world, preview)
    await eventually(lambda: len(session_channels(world.sb, world.guild_id)) >= 30, 30)
    assert await calendar_name(world) == CAMP

    untitled = (
        "days:\n  - date: 2027-07-04\n    sessions:\n"
        "      - {title: Extra, start: '10:00', duration: 30}\n"
    )
    result = await upload(world, "extra.yaml", untitled.encode())
    assert title_field(result.followups[0]) is None
    await confirm(world, result.followups[0])
    assert await calendar_name(world) == CAMP, "a file without a title keeps the one there is"

    renamed = 'title: "Camp\\n**2027**\\t\\u202eedoc <@123>"\n' + untitled.replace("Extra", "Other")
    result = await upload(world, "renamed.yaml", renamed.encode())
    assert title_field(result.followups[0]) == "Camp \\*\\*2027\\*\\* edoc \\<\\@123\\>"
    await confirm(world, result.followups[0])
    assert await calendar_name(world) == "Camp **2027** edoc <@123>", "one plain line"

    too_long = f"title: {'長' * 201}\n" + untitled
    result = await upload(world, "long.yaml", too_long.encode())
    preview = result.followups[0]
    problems = next(f for f in preview["embeds"][0]["fields"] if f["name"].startswith("Problems"))
    assert (
        "❌ file: The title is 201 characters long; at most 200 are allowed." in problems["value"]
    )
    assert buttons(preview)["Confirm"].get("disabled")
    assert await calendar_name(world) == "Camp **2027** edoc <@123>"

    await world.stop_bot(bot)
    await world.start_bot(sync=False, title="運営の決めた名前")
    assert await calendar_name(world) == "運営の決めた名前", "the title setting comes first"
