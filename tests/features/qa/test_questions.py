"""Questions end to end: /ask posts a card in the session's chat, ▲ upvotes (one per person,
again to take back, not one's own), 50 simultaneous clicks give exactly 50 votes and the card
shows 50 after coalesced edits, /questions ranks them, chairs and organizers answer and hide
(others refused), anonymous authors never show publicly, the CSV, and a restart keeps votes."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime

from tests.world import World

START = "2026-07-02 10:00"  # Tokyo: 01:00 UTC
DURING = datetime(2026, 7, 2, 1, 5, tzinfo=UTC)
END = datetime(2026, 7, 2, 2, 0, tzinfo=UTC)


async def setup(world: World, **overrides: object) -> None:
    await world.start_bot(qa={"card_edit_seconds": 0.05}, **overrides)  # type: ignore[arg-type]
    created = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": "Talk", "start": START, "duration": 60},
    )
    await created.wait_followups(1)
    edited = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session edit",
        options={"session": "Talk", "chair": world.admin_id},
    )
    await edited.wait_followups(1)


def cards(world: World) -> list[dict]:  # type: ignore[type-arg]
    voice = next(c for c in world.sb.channels(world.guild_id) if c["type"] in (2, 13))
    return [
        m
        for m in world.sb.messages(int(voice["id"]))
        if m.get("components")
        and str(m["components"][0]["components"][0]["custom_id"]).startswith("qa:up:")
    ]


async def ask(world: World, user: int, text: str, **options: object):  # type: ignore[no-untyped-def]
    result = await world.sb.invoke(
        world.guild_id,
        user,
        "ask",
        options={"question": text, "session": "Talk", **options},
        locale="en-US",
    )
    if result.response_type == 5:
        await result.wait_followups(1)
    return result


async def test_asking_upvoting_and_moderating(world: World) -> None:
    sb = world.sb
    await setup(world)
    early = await ask(world, world.attendee_id, "Too early?")
    assert "open" in (early.content or "") and early.ephemeral
    world.clock.set(DURING)

    await ask(world, world.attendee_id, "# Big @everyone [x](https://evil.example) <@&1>?")
    await ask(world, world.organizer_id, "Secret?", anonymous=True)
    posted = cards(world)
    assert len(posted) == 2
    first, second = posted
    assert "\\#" in first["embeds"][0]["description"]  # no heading
    assert "](" not in first["embeds"][0]["description"]  # no masked link
    assert not first["mention_everyone"] and not first["mentions"] and not first["mention_roles"]

    up = second["components"][0]["components"][0]["custom_id"]
    own = await sb.click(world.guild_id, world.organizer_id, int(second["id"]), up, locale="en-US")
    assert "own question" in (own.content or "")
    voters = [int(sb.add_member(world.guild_id, name=f"v{i}")["id"]) for i in range(50)]
    await asyncio.gather(
        *(sb.click(world.guild_id, v, int(second["id"]), up, locale="en-US") for v in voters)
    )
    bot = world.bots[-1]
    await bot.services.qa.cards.settled()
    assert await bot.db.fetch_value("SELECT votes FROM questions WHERE id = 2") == 50
    assert await bot.db.fetch_value("SELECT count(*) FROM question_votes") == 50
    card = next(m for m in cards(world) if m["id"] == second["id"])
    assert card["components"][0]["components"][0]["label"] == "▲ 50"
    assert bot.services.qa.cards.edits < 50, "edits coalesced"
    again = await sb.click(world.guild_id, voters[0], int(second["id"]), up, locale="en-US")
    assert "taken back (49" in (again.content or "")

    listing = await sb.invoke(
        world.guild_id, world.attendee_id, "questions", options={"session": "Talk"}
    )
    text = listing.embeds[0]["description"]
    assert text.index("#2") < text.index("#1"), "most upvoted first"
    assert str(world.organizer_id) not in text

    answer = first["components"][0]["components"][1]["custom_id"]
    refused = await sb.click(
        world.guild_id, world.attendee_id, int(first["id"]), answer, locale="en-US"
    )
    assert "Only organizers and the chair" in (refused.content or "")
    done = await sb.click(world.guild_id, world.admin_id, int(first["id"]), answer, locale="en-US")
    assert "answered" in (done.content or "")
    await bot.services.qa.cards.settled()
    card = next(m for m in cards(world) if m["id"] == first["id"])
    assert card["embeds"][0]["title"] == "✅ Answered"

    mod = await sb.invoke(
        world.guild_id, world.organizer_id, "questions", options={"session": "Talk"}
    )
    ((name, data),) = mod.files
    assert name == "questions-1.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["question_id"], r["votes"], r["state"]) for r in rows] == [
        ("1", "0", "answered"),
        ("2", "49", "open"),
    ]
    assert rows[1]["author_id"] == "" and rows[0]["author_id"] == str(world.attendee_id)
    reveal = next(
        c for row in mod.components for c in row["components"] if c["custom_id"] == "qa:who:2"
    )
    shown = await sb.click(
        world.guild_id, world.organizer_id, int(mod.message_id), reveal["custom_id"], locale="en-US"
    )
    assert f"<@{world.organizer_id}>" in (shown.content or "")
    assert (
        await bot.db.fetch_value("SELECT count(*) FROM audit_log WHERE action = 'qa.reveal'") == 1
    )

    # A restart keeps every vote; closed after the end.
    await world.stop_bot(bot)
    await world.start_bot(qa={"card_edit_seconds": 0.05})  # type: ignore[arg-type]
    bot = world.bots[-1]
    assert await bot.db.fetch_value("SELECT votes FROM questions WHERE id = 2") == 49
    world.clock.set(END)
    late = await sb.click(world.guild_id, voters[1], int(second["id"]), up, locale="en-US")
    assert "closed" in (late.content or "")


async def test_ten_questions_per_person(world: World) -> None:
    await setup(world)
    world.clock.set(DURING)
    for n in range(10):
        await ask(world, world.attendee_id, f"Q{n}")
    refused = await ask(world, world.attendee_id, "Eleventh")
    assert "10 questions" in (refused.content or "")
    blank = await ask(world, world.organizer_id, "\u200b\u200b")  # Discord sends 1-500 chars
    assert blank.ephemeral and "empty" in (blank.content or "") and len(cards(world)) == 10


async def test_time_signals_name_the_chair_once_even_across_a_restart(world: World) -> None:
    sb = world.sb
    await setup(world)
    world.clock.set(DURING)
    bot = world.bots[-1]
    await world.run_jobs(datetime(2026, 7, 2, 1, 55, tzinfo=UTC))
    voice = next(c for c in sb.channels(world.guild_id) if c["type"] in (2, 13))
    said = [m for m in sb.messages(int(voice["id"])) if "⏱" in (m.get("content") or "")]
    assert [m["content"] for m in said] == [f"<@{world.admin_id}> ⏱ 5 minutes left."]
    assert [int(u["id"]) for u in said[0]["mentions"]] == [world.admin_id]
    await world.stop_bot(bot)
    await world.start_bot(qa={"card_edit_seconds": 0.05})  # type: ignore[arg-type]
    await world.run_jobs(END)
    said = [m for m in sb.messages(int(voice["id"])) if "⏱" in (m.get("content") or "")]
    assert [m["content"] for m in said] == [
        f"<@{world.admin_id}> ⏱ 5 minutes left.",
        f"<@{world.admin_id}> ⏱ Time is up.",
    ]
    bot = world.bots[-1]
    assert await bot.db.fetch_value("SELECT count(*) FROM qa_notices WHERE kind = 'signal'") == 2
