"""Deceptive text end to end: what members type and what imported files say, as people see it.

A room topic and a display name with newlines and fake board lines, U+202E in a display name,
`**FREE NITRO**`, headings and `[Join the Zoom here](https://evil.example)` in poster abstracts and
in a Pretalx/frab title and abstract — each checked where it reaches others: the live room board,
`/room list`, a poster's post and `/poster list`, `/session info|list`, `/schedule show`, the
reminder and the cancellation notice in #announcements, and the Scheduled Event. Every message
body is what the sandbox recorded."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.sandbox.sandbox import Sandbox
from tests.fakes.posters import first_message, posts, setup_posters
from tests.fakes.sessions import confirm, upload
from tests.features.rooms.test_board import board_text, set_up, settled
from tests.markdown_view import bidi_is_contained, headings, masked_links, styled
from tests.world import World

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "frab-schedule-anyconf.json"
ZOOM = "[Join the Zoom here](https://evil.example)"
FORGED_TOPIC = "Quiet corner\n🔊 <#1> **Free GPUs** · 40 inside\n# Topic rooms · 99 open"
FORGED_NAME = "Eve\n**Topic rooms · 0 open**\n🔊 <#2> fake room · 9 inside"
REVERSED_NAME = "\u202eevil.exe"
ROOM_LINE = re.compile(r"^🔊 <#\d+> |^🔈 <#\d+> ")
CHANNEL = re.compile(r"<#(\d+)>")


def one_line_safe(text: str) -> None:
    """A one-line place: no newline, no styling, no heading, no masked link, no bidi trick."""
    assert "\n" not in text, text
    assert not styled(text), text
    assert headings(text) == [] and masked_links(text) == [], text
    assert bidi_is_contained(text), ascii(text)


def body_safe(text: str) -> None:
    """A body: no heading, no masked link, no bidi trick (emphasis and lines may stay)."""
    assert headings(text) == [], text
    assert masked_links(text) == [], text
    assert bidi_is_contained(text), ascii(text)


async def open_room(world: World, user: int, topic: str) -> int:
    result = await world.sb.invoke(world.guild_id, user, "room open", options={"topic": topic})
    await result.wait_followups(1)
    found = CHANNEL.search(result.followups[0]["content"])
    assert found is not None, result.followups[0]
    return int(found[1])


def member(world: World, name: str, display: str) -> int:
    return int(world.sb.add_member(world.guild_id, name=name, display_name=display)["id"])


def by_name(sb: Sandbox, guild_id: int, name: str) -> dict[str, Any]:
    return next(c for c in sb.channels(guild_id) if c["name"] == name)


async def followup_or_response(result: Any) -> dict[str, Any]:
    if result.response_type == 5:
        await result.wait_followups(1)
        message: dict[str, Any] = result.followups[0]
        return message
    return {"content": result.content, "embeds": result.embeds}


# -- the corridor -----------------------------------------------------------------------------


async def test_topics_and_names_cannot_forge_lines_of_the_board_or_reverse_names(
    world: World,
) -> None:
    sb = world.sb
    await set_up(world)
    quiet = await open_room(world, world.attendee_id, FORGED_TOPIC)
    nitro = await open_room(world, world.organizer_id, "**FREE NITRO** # Heading")
    eve, rev = member(world, "eve", FORGED_NAME), member(world, "rev", REVERSED_NAME)
    ben = member(world, "ben", "Ben")
    sb.set_voice_state(world.guild_id, eve, quiet)
    sb.set_voice_state(world.guild_id, rev, quiet)
    sb.set_voice_state(world.guild_id, ben, nitro)
    await settled(world)

    lines = board_text(sb, world.guild_id).splitlines()
    rooms = [line for line in lines if ROOM_LINE.match(line)]
    assert len(rooms) == 2, lines
    assert [line for line in lines if line not in rooms] == ["**Topic rooms · 2 open · 3 inside**"]
    (quiet_line,) = [line for line in rooms if line.startswith(f"🔊 <#{quiet}> ")]
    (nitro_line,) = [line for line in rooms if line.startswith(f"🔊 <#{nitro}> ")]
    for line in rooms:
        one_line_safe(line.split(" ", 2)[2])  # after the icon and the bot's own <#room>
    assert nitro_line == f"🔊 <#{nitro}> \\*\\*FREE NITRO\\*\\* # Heading · 1 inside: Ben"
    assert "evil.exe" in quiet_line and "\u202e" not in quiet_line, "shown, never reversed"
    assert quiet_line.endswith(": Eve \\*\\*Topic rooms · 0 open\\*\\* 🔊…, evil.exe")

    listed = await sb.invoke(world.guild_id, world.attendee_id, "room list", locale="en-US")
    description = listed.embeds[0]["description"]
    assert "\u202e" not in description
    assert "**FREE NITRO**" not in description and "\\*\\*FREE NITRO\\*\\*" in description
    assert not [line for line in description.splitlines() if line.startswith("# ")]


# -- posters ----------------------------------------------------------------------------------


async def test_a_poster_abstract_cannot_disguise_a_link_or_add_a_heading(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup_posters(world, boards=3)
    alice = member(world, "alice", "Alice\u202e")
    abstract = (
        "# FREE COMPUTE FOR EVERYONE\n"
        f"We study sparse attention. {ZOOM}\n"
        "-# organizers approve this message\n"
        "Paper: https://arxiv.org/abs/2401.00001 and **results**."
    )
    claimed = await sb.invoke(
        world.guild_id,
        alice,
        "poster claim",
        options={"title": "**FREE NITRO** [claim](https://evil.example)", "abstract": abstract},
        locale="en-US",
    )
    await claimed.wait_followups(1)
    one_line_safe(claimed.followups[0]["content"].splitlines()[0].replace("**#1**", ""))

    (post,) = posts(sb, world.guild_id).values()
    assert post["name"] == "#1 **FREE NITRO** [claim](https://evil.example)", "a thread name"
    embed = first_message(sb, post)["embeds"][0]
    one_line_safe(embed["title"])
    assert embed["title"] == "#1 \\*\\*FREE NITRO\\*\\* \\[claim\\]\\(https://evil.example)"
    description = embed["description"]
    body_safe(description)
    assert description.splitlines() == [
        "\\# FREE COMPUTE FOR EVERYONE",
        "We study sparse attention. [Join the Zoom here]\\(https://evil.example)",
        "\\-# organizers approve this message",
        "Paper: https://arxiv.org/abs/2401.00001 and **results**.",
    ], "the real address shows; plain links and the presenter's emphasis stay"

    listed = await sb.invoke(world.guild_id, world.attendee_id, "poster list", locale="en-US")
    (line,) = [x for x in listed.embeds[0]["description"].splitlines() if x.startswith("`#1`")]
    assert line.startswith("`#1` **\\*\\*FREE NITRO\\*\\* \\[claim\\]\\(https://evil.example)**")


# -- the programme ----------------------------------------------------------------------------

HOSTILE_TITLE = f"# Free GPUs {ZOOM} **now**"
SHOWN_TITLE = "\\# Free GPUs \\[Join the Zoom here\\]\\(https://evil.example) \\*\\*now\\*\\*"
HOSTILE_ABSTRACT = f"# Heading\n{ZOOM}\n-# small print\n<h1>Big</h1>"


def hostile_frab() -> bytes:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    for day in data["schedule"]["conference"]["days"]:
        for events in day["rooms"].values():
            for event in events:
                event["title"] = HOSTILE_TITLE
                event["abstract"] = HOSTILE_ABSTRACT
                event["description"] = f"<p>{ZOOM}</p>\n## Also a heading"
    return json.dumps(data).encode()


async def test_an_imported_frab_title_and_abstract_are_shown_as_typed_everywhere(
    world: World,
) -> None:
    sb = world.sb
    world.clock.set(datetime(2024, 2, 1, tzinfo=UTC))
    bot = await world.start_bot()
    setup = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await setup.wait_followups(1)

    preview = await upload(world, "schedule.json", hostile_frab())
    embed = preview.followups[0]["embeds"][0]
    new = next(f["value"] for f in embed["fields"] if f["name"].startswith("New"))
    for line in new.splitlines():
        one_line_safe(line.removeprefix("• "))
    await confirm(world, preview.followups[0])

    (first, _) = sorted(await bot.services.sessions.programme(world.guild_id), key=lambda s: s.id)
    assert first.title == HOSTILE_TITLE, "the database keeps what the file said"
    for event in sb.scheduled_events(world.guild_id):
        assert event["name"] == HOSTILE_TITLE, "an event name is plain text: shown as typed"
        body_safe(event["description"])
        assert "https://evil.example" in event["description"]

    info = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "session info",
        options={"session": str(first.id)},
        locale="en-US",
    )
    (embed,) = info.embeds
    one_line_safe(embed["title"])
    assert embed["title"] == SHOWN_TITLE
    body_safe(embed["description"])

    for command in ("session list", "schedule show"):
        shown = await followup_or_response(
            await sb.invoke(world.guild_id, world.attendee_id, command, locale="en-US")
        )
        description = shown["embeds"][0]["description"]
        assert headings(description) == [] and masked_links(description) == [], description
        assert f"**{SHOWN_TITLE}**" in description

    # The reminder and the cancellation notice in #announcements.
    await world.run_jobs(first.start - timedelta(minutes=10))
    announcements = by_name(sb, world.guild_id, "announcements")
    cancelled = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session cancel",
        options={"session": str(first.id)},
        locale="en-US",
    )
    await cancelled.wait_followups(1)
    notices = [
        m["embeds"][0]["description"]
        for m in sb.messages(int(announcements["id"]))
        if m["embeds"] and "Free GPUs" in m["embeds"][0]["description"]
    ]
    assert len(notices) == 2, notices  # the reminder, the cancellation
    for notice in notices:
        assert f"**{SHOWN_TITLE}**" in notice, "inside the bot's own bold, as typed"
        one_line_safe(notice.replace(f"**{SHOWN_TITLE}**", "", 1))


async def test_a_session_description_keeps_its_lines_but_no_heading_or_masked_link(
    world: World,
) -> None:
    sb = world.sb
    await world.start_bot()
    created = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={
            "title": "Panel **FREE NITRO**",
            "start": "10:00",
            "duration": 60,
            "description": f"# Agenda\n- intro\n- {ZOOM}\nSlides: https://example.org/slides",
        },
        locale="en-US",
    )
    await created.wait_followups(1)
    answer = created.followups[0]
    assert answer["content"] == "Created **Panel \\*\\*FREE NITRO\\*\\***."
    embed = answer["embeds"][0]
    assert embed["title"] == "Panel \\*\\*FREE NITRO\\*\\*"
    assert embed["description"].splitlines() == [
        "\\# Agenda",
        "- intro",
        "- [Join the Zoom here]\\(https://evil.example)",
        "Slides: https://example.org/slides",
    ]
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["name"] == "Panel **FREE NITRO**"
    body_safe(event["description"])
