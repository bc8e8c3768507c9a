"""A session's chair and speakers end to end: `/session edit` names them, `/session info` shows
them, the chair opens and closes their own session (others are refused), a keynote Stage makes
them stage moderators, and schedule files name them by username, id or display name."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.features.sessions.domain.model import Session
from bot.features.sessions.domain.places import STAGE_MODERATOR
from tests.fakes.sessions import confirm, upload
from tests.world import World

START = "2026-07-02 10:00"


async def programme_of(world: World, count: int) -> list[Session]:
    """The programme once the confirmed import is applied (it runs after the click's answer)."""
    for _ in range(200):
        found = await world.bots[-1].services.sessions.programme(world.guild_id)
        if len(found) >= count:
            return list(found)
        await asyncio.sleep(0.05)
    raise AssertionError("the import was not applied")


async def make_session(world: World, title: str = "Talk", kind: str = "talk") -> str:
    created = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": title, "start": START, "duration": 60, "kind": kind},
        locale="en-US",
    )
    await created.wait_followups(1)
    return title


async def test_edit_names_chair_and_speakers_and_the_chair_may_open_and_close(
    world: World,
) -> None:
    sb = world.sb
    speaker = sb.add_member(world.guild_id, name="grace")
    speaker_id = int(speaker["id"])
    await world.start_bot()
    await make_session(world)
    edited = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session edit",
        options={
            "session": "Talk",
            "chair": world.attendee_id,
            "speakers": f"<@{speaker_id}> <@{world.attendee_id}>",
        },
        locale="en-US",
    )
    await edited.wait_followups(1)
    info = await sb.invoke(
        world.guild_id, world.admin_id, "session info", options={"session": "Talk"}
    )
    fields = {f["name"]: f["value"] for f in info.embeds[0]["fields"]}
    assert fields["Chair"] == f"<@{world.attendee_id}>"
    assert fields["Speakers"] == f"<@{speaker_id}>\n<@{world.attendee_id}>"

    refused = await sb.invoke(
        world.guild_id, speaker_id, "session open", options={"session": "Talk"}, locale="en-US"
    )
    assert refused.ephemeral and "Only organizers and the chair" in (refused.content or "")

    opened = await sb.invoke(
        world.guild_id, world.attendee_id, "session open", options={"session": "Talk"}
    )
    await opened.wait_followups(1)
    bot = world.bots[-1]
    session = (await bot.services.sessions.programme(world.guild_id))[0]
    assert session.status.value == "open"
    closed = await sb.invoke(
        world.guild_id, world.attendee_id, "session close", options={"session": "Talk"}
    )
    await closed.wait_followups(1)
    session = (await bot.services.sessions.programme(world.guild_id))[0]
    assert session.status.value == "closed"
    actions = await bot.db.fetch_all("SELECT actor_id, action FROM audit_log ORDER BY id")
    assert (world.attendee_id, "session.open") in [tuple(a) for a in actions]


async def test_speakers_must_be_mentions_and_dash_removes_them(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await make_session(world)
    bad = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session edit",
        options={"session": "Talk", "speakers": "ada @everyone"},
        locale="en-US",
    )
    assert bad.ephemeral and "“ada” is not a mention" in (bad.content or "")
    session = (await world.bots[-1].services.sessions.programme(world.guild_id))[0]
    assert session.speaker_ids == ()

    for text, expected in ((f"<@{world.attendee_id}>", (world.attendee_id,)), ("-", ())):
        done = await sb.invoke(
            world.guild_id,
            world.organizer_id,
            "session edit",
            options={"session": "Talk", "speakers": text},
        )
        await done.wait_followups(1)
        session = (await world.bots[-1].services.sessions.programme(world.guild_id))[0]
        assert session.speaker_ids == expected


async def test_a_keynote_stage_makes_chair_and_speakers_stage_moderators(world: World) -> None:
    sb = world.sb
    speaker_id = int(sb.add_member(world.guild_id, name="grace")["id"])
    await world.start_bot()
    await make_session(world, "Keynote", "keynote")
    edited = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session edit",
        options={"session": "Keynote", "chair": world.attendee_id, "speakers": f"<@{speaker_id}>"},
    )
    await edited.wait_followups(1)
    stage = next(c for c in sb.channels(world.guild_id) if c["type"] == 13)
    members = {
        int(o["id"]): int(o["allow"]) for o in stage["permission_overwrites"] if o["type"] == 1
    }
    assert members[world.attendee_id] == int(STAGE_MODERATOR)
    assert members[speaker_id] == int(STAGE_MODERATOR)


CSV = """title,start,duration,kind,id,chair,speakers
Opening keynote,2026-07-02 09:30,60,keynote,k1,organizer,"grace, <@{attendee}>, Ada Lovelace"
Talk,2026-07-02 11:00,45,talk,t1,{attendee},
"""


async def test_a_csv_names_chair_and_speakers_by_username_or_id(world: World) -> None:
    sb = world.sb
    speaker_id = int(sb.add_member(world.guild_id, name="grace")["id"])
    await world.start_bot()
    data = CSV.format(attendee=world.attendee_id).encode()
    result = await upload(world, "programme.csv", data)
    preview = result.followups[0]
    fields = {f["name"]: f["value"] for f in preview["embeds"][0]["fields"]}
    assert fields["Not matched to members, kept as names (1)"] == "• row 2: Ada Lovelace"
    await confirm(world, preview)
    sessions = {s.title: s for s in await programme_of(world, 2)}
    keynote = sessions["Opening keynote"]
    assert keynote.chair_id == world.organizer_id
    assert keynote.speaker_ids == (speaker_id, world.attendee_id)
    assert keynote.speakers == f"grace, <@{world.attendee_id}>, Ada Lovelace"
    assert sessions["Talk"].chair_id == world.attendee_id

    again = await upload(world, "programme.csv", data)
    assert "unchanged 2" in again.followups[0]["embeds"][0]["description"]


FRAB = """{"schedule": {"version": "1", "conference": {"title": "Camp", "acronym": "camp",
 "time_zone_name": "Asia/Tokyo", "days": [{"index": 1, "date": "2026-07-02",
 "rooms": {"Hall": [{"guid": "g1", "id": 1, "title": "Frab talk", "start": "10:00",
 "duration": "00:45", "type": "talk", "date": "2026-07-02T10:00:00+09:00", "room": "Hall",
 "persons": [{"public_name": "Grace Hopper"}, {"public_name": "Nobody Here"}]}]}}]}}}"""


async def test_frab_persons_match_exact_display_names(world: World) -> None:
    sb = world.sb
    grace = sb.add_member(world.guild_id, name="grace_h", display_name="Grace Hopper")
    world.clock.set(datetime(2026, 7, 1, tzinfo=UTC))
    await world.start_bot()
    result = await upload(world, "schedule.json", FRAB.encode())
    preview = result.followups[0]
    fields = {f["name"]: f["value"] for f in preview["embeds"][0]["fields"]}
    assert "Nobody Here" in fields["Not matched to members, kept as names (1)"]
    assert "Grace Hopper" not in fields["Not matched to members, kept as names (1)"]
    await confirm(world, preview)
    (session,) = await programme_of(world, 1)
    assert session.speaker_ids == (int(grace["id"]),)
