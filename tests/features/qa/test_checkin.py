"""Speaker check-in end to end: `/workshop setup` makes #backstage (organizers, chairs and
speakers only), T-15 a DM with I'm here (or, DMs closed, a mention in #backstage), joining the
session's voice counts, T-5 names who is missing in #backstage, `/workshop status` shows it;
a kill and restart in between sends no prompt twice and loses none."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.features.qa.checkin import BACKSTAGE_HIDDEN
from tests.world import World

START = "2026-07-02 10:00"  # 01:00 UTC
T_MINUS_15 = datetime(2026, 7, 2, 0, 45, tzinfo=UTC)
T_MINUS_5 = datetime(2026, 7, 2, 0, 55, tzinfo=UTC)


def backstage(world: World) -> dict:  # type: ignore[type-arg]
    return next(c for c in world.sb.channels(world.guild_id) if c["name"] == "backstage")


def here_button(message: dict) -> str:  # type: ignore[type-arg]
    return str(message["components"][0]["components"][0]["custom_id"])


async def test_check_in_by_dm_backstage_and_voice_across_a_restart(world: World) -> None:
    sb = world.sb
    closed = int(sb.add_member(world.guild_id, name="grace")["id"])  # takes no DMs
    voice_user = int(sb.add_member(world.guild_id, name="linus")["id"])
    missing = int(sb.add_member(world.guild_id, name="ken")["id"])
    sb.close_dms(closed)
    await world.start_bot()
    setup = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await setup.wait_followups(1)
    created = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": "Talk", "start": START, "duration": 60},
    )
    await created.wait_followups(1)
    edited = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session edit",
        options={
            "session": "Talk",
            "chair": world.attendee_id,
            "speakers": f"<@{closed}> <@{voice_user}> <@{missing}>",
        },
    )
    await edited.wait_followups(1)
    await world.settle()
    room = backstage(world)
    overwrites = {int(o["id"]): o for o in room["permission_overwrites"]}
    assert int(overwrites[world.guild_id]["deny"]) == int(BACKSTAGE_HIDDEN)
    assert {world.attendee_id, closed, voice_user, missing} <= set(overwrites)
    assert world.organizer_role_id in overwrites

    await world.run_jobs(T_MINUS_15)
    (dm,) = sb.dms(world.attendee_id)
    assert "Talk" in dm["embeds"][0]["description"] and here_button(dm) == "qa:here:1"
    assert len(sb.dms(voice_user)) == 1 and len(sb.dms(missing)) == 1
    assert sb.dms(closed) == []
    (prompt,) = [m for m in sb.messages(int(room["id"])) if m.get("components")]
    assert [int(u["id"]) for u in prompt["mentions"]] == [closed], "pings only that speaker"

    # kill -9 style: stop and start again; the prompts are not sent twice
    bot = world.bots[-1]
    await world.stop_bot(bot)
    await world.start_bot()
    await world.run_jobs(T_MINUS_15)
    assert len(sb.dms(world.attendee_id)) == 1
    assert len([m for m in sb.messages(int(room["id"])) if m.get("components")]) == 1

    pressed = await sb.click(
        world.guild_id, world.attendee_id, int(dm["id"]), here_button(dm), locale="en-US"
    )
    assert "checked in" in (pressed.content or "")
    other = await sb.click(
        world.guild_id, world.organizer_id, int(prompt["id"]), here_button(prompt), locale="en-US"
    )
    assert "Only the chair and the speakers" in (other.content or "")
    grace = await sb.click(
        world.guild_id, closed, int(prompt["id"]), here_button(prompt), locale="en-US"
    )
    assert "checked in" in (grace.content or "")
    voice = next(c for c in sb.channels(world.guild_id) if c["type"] in (2, 13))
    sb.set_voice_state(world.guild_id, voice_user, int(voice["id"]))  # before the doors open
    await world.settle()

    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status", locale="en-US")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert fields["Speaker check-in"].startswith("⏳ 3/4 Talk")
    assert f"waiting for <@{missing}>" in fields["Speaker check-in"]

    await world.run_jobs(T_MINUS_5)
    notices = [m for m in sb.messages(int(room["id"])) if "Not checked in" in m["content"]]
    assert len(notices) == 1 and f"<@{missing}>" in notices[0]["content"]
    assert notices[0]["mentions"] == [], "named, not pinged"
    bot = world.bots[-1]
    await world.stop_bot(bot)
    await world.start_bot()
    await world.run_jobs(T_MINUS_5)
    notices = [m for m in sb.messages(int(room["id"])) if "Not checked in" in m["content"]]
    assert len(notices) == 1
    rows = await world.bots[-1].db.fetch_all(
        "SELECT user_id, via, how FROM checkins ORDER BY user_id"
    )
    assert {r[0]: (r[1], r[2]) for r in rows} == {
        world.attendee_id: ("dm", "button"),
        closed: ("backstage", "button"),
        voice_user: ("dm", "voice"),
        missing: ("dm", None),
    }
