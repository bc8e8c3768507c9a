"""Sessions end to end: create, list/info, reminders/open/close on an injected clock, restarts.

Every test runs in a Community server and in one without Community (where a keynote's place is a
voice channel instead of a Stage channel)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.permissions import Perm
from bot.features.attendance.service import NOTICE_MARKER
from bot.sandbox.sandbox import Sandbox
from tests.world import World, eventually

JST_10 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo; the world clock starts at 9:00
CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "POST /webhooks/{application_id}/{interaction_token}"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
CREATE_EVENT = "POST /guilds/{guild_id}/scheduled-events"
EDIT_CHANNEL = "PATCH /channels/{channel_id}"
EDIT_EVENT = "PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"
POST_MESSAGE = "POST /channels/{channel_id}/messages"
EDIT_MESSAGE = "PATCH /channels/{channel_id}/messages/{message_id}"


@pytest.fixture(params=[True, False], ids=["community", "not-community"])
def community(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests)


def by_name(sb: Sandbox, guild_id: int, name: str) -> dict:  # type: ignore[type-arg]
    matches = [c for c in sb.channels(guild_id) if c["name"] == name]
    assert len(matches) == 1, f"{len(matches)} channels named {name!r}"
    return matches[0]


def everyone(channel: dict, guild_id: int) -> tuple[int, int]:  # type: ignore[type-arg]
    for o in channel["permission_overwrites"]:
        if int(o["id"]) == guild_id:
            return int(o["allow"]), int(o["deny"])
    raise AssertionError("no @everyone overwrite")


async def create(world: World, title: str, start: str = "10:00", duration: int = 60, **options):  # type: ignore[no-untyped-def]
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": title, "start": start, "duration": duration, **options},
    )
    await result.wait_followups(1)
    return result


async def run_jobs(world: World, to: datetime) -> None:
    world.clock.set(to)
    await world.bots[-1].services.scheduler.idle()
    await world.settle(0.2)
    await world.bots[-1].services.board.settled(world.guild_id)


async def test_create_makes_one_channel_and_one_event_in_the_minimum_requests(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    sb.clear_requests()
    result = await create(world, "Opening talk")
    assert result.ephemeral
    assert routes(sb) == Counter(
        {CALLBACK: 1, CREATE_CHANNEL: 2, CREATE_EVENT: 1, FOLLOWUP: 1}  # day category + channel
    )
    day = by_name(sb, world.guild_id, "Day 1 · 7/1 (Wed)")
    voice = by_name(sb, world.guild_id, "Opening talk")
    assert voice["type"] == 2 and voice["parent_id"] == day["id"]
    allow, deny = everyone(voice, world.guild_id)
    assert allow & Perm.VIEW_CHANNEL and deny & Perm.CONNECT, "visible but locked before start"
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["name"] == "Opening talk" and event["entity_type"] == 2
    assert event["channel_id"] == voice["id"] and event["status"] == 1
    embed = result.followups[0]["embeds"][0]
    assert "<t:" in embed["fields"][0]["value"]

    sb.clear_requests()
    await create(world, "Second talk", start="11:00", track="NLP")
    # Same day: the category exists; one request for the channel (overwrites included).
    assert routes(sb) == Counter({CALLBACK: 1, CREATE_CHANNEL: 1, CREATE_EVENT: 1, FOLLOWUP: 1})


async def test_keynote_gets_a_stage_and_external_location_a_text_channel(
    world: World, community: bool
) -> None:
    sb = world.sb
    await world.start_bot()
    await create(world, "Keynote: LLMs in production", kind="keynote")
    await create(world, "Zoom panel", start="11:00", location="https://zoom.us/j/123")
    stage = by_name(sb, world.guild_id, "Keynote: LLMs in production")
    # Without Community (no Stage channels) a keynote gets a voice channel and a voice event.
    assert stage["type"] == (13 if community else 2)
    text = by_name(sb, world.guild_id, "zoom-panel")
    assert text["type"] == 0
    events = {e["name"]: e for e in sb.scheduled_events(world.guild_id)}
    assert events["Keynote: LLMs in production"]["entity_type"] == (1 if community else 2)
    assert events["Keynote: LLMs in production"]["channel_id"] == stage["id"]
    assert events["Zoom panel"]["entity_type"] == 3
    assert events["Zoom panel"]["entity_metadata"]["location"] == "https://zoom.us/j/123"


async def test_bad_input_changes_nothing(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await create(world, "Existing", start="10:00", duration=60)
    before = len(sb.channels(world.guild_id))
    sb.clear_requests()
    cases = [
        ({"title": "Past", "start": "2026-06-30 10:00", "duration": 30}, "in the past"),
        ({"title": "Garbage", "start": "soon-ish", "duration": 30}, "could not read the time"),
        ({"title": "Clash", "start": "10:30", "duration": 30}, "overlaps"),
    ]
    for options, expected in cases:
        result = await sb.invoke(
            world.guild_id, world.organizer_id, "session create", options=options
        )
        assert result.ephemeral and expected in (result.content or ""), result.content
    refused = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "session create",
        options={"title": "X", "start": "12:00", "duration": 30},
        locale="ja",
    )
    assert "運営のみ" in (refused.content or "")
    assert routes(sb) == Counter({CALLBACK: 4})
    assert len(sb.channels(world.guild_id)) == before


async def test_list_info_and_autocomplete_show_discord_timestamps(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await create(world, "Vision transformers", start="10:00")
    await create(world, "Diffusion models", start="11:00")
    listing = await sb.invoke(world.guild_id, world.attendee_id, "session list")
    text = listing.embeds[0]["description"]
    assert "Vision transformers" in text and "<t:" in text and ":R>" in text
    choices = await sb.autocomplete(
        world.guild_id,
        world.attendee_id,
        "session info",
        focused="session",
        options={"session": "diff"},
    )
    assert [c["name"].split(" · ")[0] for c in choices] == ["Diffusion models"]
    info = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "session info",
        options={"session": choices[0]["value"]},
        locale="en-US",
    )
    fields = {f["name"]: f["value"] for f in info.embeds[0]["fields"]}
    assert fields["When"].startswith("<t:") and "Scheduled event" in fields
    by_title = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "session info",
        options={"session": "Vision transformers"},
    )
    assert by_title.embeds[0]["title"] == "Vision transformers"
    missing = await sb.invoke(
        world.guild_id,
        world.attendee_id,
        "session info",
        options={"session": "Nope"},
        locale="en-US",
    )
    japanese = await sb.invoke(
        world.guild_id, world.attendee_id, "session info", options={"session": "Nope"}
    )
    assert "一致するセッションがありません" in (japanese.content or "")
    assert "No session matches" in (missing.content or "")


async def test_reminder_open_and_close_follow_the_clock(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    await create(world, "Robotics", start="10:00", duration=30)
    voice = by_name(sb, world.guild_id, "Robotics")
    announcements = by_name(sb, world.guild_id, "announcements")

    await run_jobs(world, JST_10 - timedelta(minutes=10))  # reminder time
    for channel in (announcements, voice):
        (message,) = [
            m
            for m in sb.messages(int(channel["id"]))
            if m["embeds"]
            and m["embeds"][0].get("footer", {}).get("text") != NOTICE_MARKER  # attendance
        ]
        assert "Robotics" in message["embeds"][0]["description"]
        assert "<t:" in message["embeds"][0]["description"]

    sb.clear_requests()
    await run_jobs(world, JST_10)  # start: the place opens, the event goes ACTIVE
    allow, deny = everyone(by_name(sb, world.guild_id, "Robotics"), world.guild_id)
    assert allow & Perm.CONNECT and not deny & Perm.CONNECT
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["status"] == 2
    # The live room board now shows the running session.
    assert routes(sb) == Counter({EDIT_CHANNEL: 1, EDIT_EVENT: 1, EDIT_MESSAGE: 1})

    sb.clear_requests()
    await run_jobs(world, JST_10 + timedelta(minutes=35))  # end + 5 min grace
    allow, deny = everyone(by_name(sb, world.guild_id, "Robotics"), world.guild_id)
    assert deny & Perm.CONNECT and deny & Perm.SEND_MESSAGES
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["status"] == 3
    # ... and the feedback prompt is posted in its chat (the feedback feature).
    assert routes(sb) == Counter({EDIT_CHANNEL: 1, EDIT_EVENT: 1, EDIT_MESSAGE: 1, POST_MESSAGE: 1})


async def test_restart_between_due_job_and_its_run_no_double_no_miss(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    await create(world, "Graph learning", start="10:00", duration=60)
    await world.stop_bot(bot)

    world.clock.set(JST_10 + timedelta(minutes=5))  # reminder and open were due while down
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    await world.settle(0.2)
    await bot.services.board.settled(world.guild_id)
    allow, _ = everyone(by_name(sb, world.guild_id, "Graph learning"), world.guild_id)
    assert allow & Perm.CONNECT
    assert routes(sb)[POST_MESSAGE] == 0, "a reminder for a session already started is dropped"
    assert routes(sb)[EDIT_EVENT] == 1
    jobs = {(j.kind, j.state) for j in await bot.services.sessions._jobs.history()}
    assert ("session.remind", "dropped") in jobs and ("session.open", "done") in jobs

    await world.stop_bot(bot)
    sb.clear_requests()
    bot = await world.start_bot(sync=False)
    await bot.services.scheduler.idle()
    await world.settle(0.2)
    await bot.services.board.settled(world.guild_id)
    assert [r for r in sb.requests if r.method != "GET"] == [], "nothing runs twice"


async def test_edit_and_cancel_update_channel_event_and_announce(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    await create(world, "Old title", start="10:00", duration=60)
    edited = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session edit",
        options={"session": "Old title", "title": "New title", "start": "11:00"},
    )
    await edited.wait_followups(1)
    by_name(sb, world.guild_id, "New title")
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["name"] == "New title"
    assert event["scheduled_start_time"].startswith("2026-07-01T02:00:00")

    cancelled = await sb.invoke(
        world.guild_id, world.organizer_id, "session cancel", options={"session": "New title"}
    )
    await cancelled.wait_followups(1)
    assert sb.scheduled_events(world.guild_id) == []
    _, deny = everyone(by_name(sb, world.guild_id, "New title"), world.guild_id)
    assert deny & Perm.CONNECT
    announcements = by_name(sb, world.guild_id, "announcements")
    notices = [
        m["embeds"][0]["description"] for m in sb.messages(int(announcements["id"])) if m["embeds"]
    ]
    assert any("New title" in n and "cancelled" in n for n in notices)


async def test_hand_deleted_session_channel_and_event_come_back(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await create(world, "Fragile", start="10:00")
    voice = by_name(sb, world.guild_id, "Fragile")
    sb.delete_channel(int(voice["id"]))
    await eventually(lambda: any(c["name"] == "Fragile" for c in sb.channels(world.guild_id)))
    await world.settle(0.2)
    again = by_name(sb, world.guild_id, "Fragile")
    assert again["id"] != voice["id"]
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["channel_id"] == again["id"]


async def test_sixty_sessions_on_one_day_spill_into_a_second_category(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    for n in range(60):
        hour, minute = divmod(10 * 60 + n * 5, 60)
        await create(world, f"Lightning {n:02d}", start=f"{hour:02d}:{minute:02d}", duration=5)
    categories = {c["name"]: c for c in sb.channels(world.guild_id) if c["type"] == 4}
    assert set(categories) == {"Day 1 · 7/1 (Wed)", "Day 1 · 7/1 (Wed) (2)"}
    counts = Counter(c["parent_id"] for c in sb.channels(world.guild_id) if c["type"] == 2)
    assert sorted(counts.values()) == [10, 50]


async def test_the_whole_programme_gets_scheduled_events_when_it_fits(world: World) -> None:
    """Attendees can press Interested on day 3 before the camp starts."""
    sb = world.sb
    await world.start_bot()
    await create(world, "Day one talk", start="2026-07-01 10:00")
    await create(world, "Day four talk", start="2026-07-04 10:00")
    await create(world, "Next month", start="2026-08-01 10:00")
    events = {e["name"]: e["status"] for e in sb.scheduled_events(world.guild_id)}
    assert events == {"Day one talk": 1, "Day four talk": 1, "Next month": 1}


async def test_an_events_horizon_keeps_events_for_sessions_starting_soon(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot(sessions={"events_window_hours": 48})
    await create(world, "Day one talk", start="2026-07-01 10:00")
    await create(world, "Day four talk", start="2026-07-04 10:00")  # beyond the 48 h horizon
    assert [e["name"] for e in sb.scheduled_events(world.guild_id)] == ["Day one talk"]
    assert {c["name"] for c in sb.channels(world.guild_id) if c["type"] == 2} == {
        "Day one talk",
        "Day four talk",
    }, "channels exist from the start; only events wait for the horizon"

    sb.clear_requests()
    await run_jobs(world, datetime(2026, 7, 1, 12, 0, tzinfo=UTC))  # day four is 61 h away
    assert routes(sb)[CREATE_EVENT] == 0
    await run_jobs(world, datetime(2026, 7, 2, 1, 0, 1, tzinfo=UTC))  # now inside 48 h
    events = {e["name"]: e["status"] for e in sb.scheduled_events(world.guild_id)}
    assert events["Day four talk"] == 1
    assert routes(sb)[CREATE_EVENT] == 1
    assert bot.settings.sessions.events_window_hours == 48


async def test_events_made_by_hand_leave_the_programme_what_remains_of_100(
    world: World,
) -> None:
    sb = world.sb
    for n in range(97):  # the organizers' own events (a meetup series)
        start = datetime(2026, 9, 1, tzinfo=UTC) + timedelta(days=n)
        sb.add_event(world.guild_id, f"Meetup {n}", start, start + timedelta(hours=1))
    await world.start_bot()
    for n in range(5):
        await create(world, f"Talk {n}", start=f"{10 + n:02d}:00", duration=30)
    ours = [e for e in sb.scheduled_events(world.guild_id) if e["name"].startswith("Talk")]
    assert sorted(e["name"] for e in ours) == ["Talk 0", "Talk 1", "Talk 2"]
    assert not [r for r in sb.rejected if r.route == CREATE_EVENT], "never asked past 100"


async def test_events_never_exceed_the_cap(world: World) -> None:
    sb = world.sb
    await world.start_bot(sessions={"events_cap": 3})
    for n in range(5):
        await create(world, f"Talk {n}", start=f"{10 + n:02d}:00", duration=30)
    assert len(sb.scheduled_events(world.guild_id)) == 3
    await run_jobs(world, JST_10 + timedelta(minutes=40))  # Talk 0 closed: a slot frees up
    live = [e for e in sb.scheduled_events(world.guild_id) if e["status"] in (1, 2)]
    assert len(live) <= 3
    assert "Talk 3" in {e["name"] for e in live}


async def test_a_rename_discord_rate_limits_is_done_later_not_lost(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await create(world, "Name 0", start="11:00")
    for n in (1, 2, 3):
        result = await sb.invoke(
            world.guild_id,
            world.organizer_id,
            "session edit",
            options={"session": f"Name {n - 1}", "title": f"Name {n}"},
        )
        await result.wait_followups(1)
        assert result.followups[0]["content"].startswith("Updated"), result.followups[0]
    # Discord allows two renames per 10 minutes: the third waits, the event is renamed already.
    assert [c["name"] for c in sb.channels(world.guild_id) if c["type"] == 2] == ["Name 2"]
    (event,) = sb.scheduled_events(world.guild_id)
    assert event["name"] == "Name 3"
    await run_jobs(world, world.clock.now() + timedelta(minutes=11))
    assert [c["name"] for c in sb.channels(world.guild_id) if c["type"] == 2] == ["Name 3"]


async def test_rate_limits_and_server_errors_never_duplicate(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    sb.inject_fault(CREATE_CHANNEL, status=429, retry_after=0.2, times=2)
    sb.inject_fault(CREATE_EVENT, status=503, times=1)
    sb.inject_fault(CREATE_EVENT, status=429, retry_after=0.1, times=1, global_=True)
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": "Resilient", "start": "10:00", "duration": 30},
    )
    await result.wait_followups(1, timeout=15)
    assert result.followups[0]["content"].startswith("Created")
    assert [c["name"] for c in sb.channels(world.guild_id) if c["type"] == 2] == ["Resilient"]
    # The 503 on the event (discord.py does not retry 503) is retried by a job, once.
    assert sb.scheduled_events(world.guild_id) == []
    await run_jobs(world, world.clock.now() + timedelta(seconds=31))
    assert [e["name"] for e in sb.scheduled_events(world.guild_id)] == ["Resilient"]
    await run_jobs(world, world.clock.now() + timedelta(minutes=5))
    assert len(sb.scheduled_events(world.guild_id)) == 1


async def test_schedule_export_is_an_ics_that_parses_back_to_the_sessions(world: World) -> None:
    import icalendar

    sb = world.sb
    await world.start_bot()
    await create(world, "Keynote", start="10:00", kind="keynote")
    await create(world, "Zoom Q&A", start="11:00", location="https://zoom.us/j/9")
    await create(world, "Dropped", start="12:00")
    dropped = await sb.invoke(
        world.guild_id, world.organizer_id, "session cancel", options={"session": "Dropped"}
    )
    await dropped.wait_followups(1)
    result = await sb.invoke(world.guild_id, world.attendee_id, "schedule export", locale="en-US")
    assert result.ephemeral
    ((filename, data),) = result.files
    assert filename == "programme.ics"
    calendar = icalendar.Calendar.from_ical(data)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Keynote", "Zoom Q&A", "Dropped"}
    assert events["Keynote"].decoded("DTSTART") == JST_10
    assert events["Keynote"].decoded("DTEND") == JST_10 + timedelta(minutes=60)
    assert str(events["Zoom Q&A"]["LOCATION"]) == "https://zoom.us/j/9"
    keynote_channel = by_name(sb, world.guild_id, "Keynote")["id"]
    assert str(events["Keynote"]["LOCATION"]).endswith(f"/{world.guild_id}/{keynote_channel}")
    assert str(events["Dropped"]["STATUS"]) == "CANCELLED"
    assert len({str(e["UID"]) for e in events.values()}) == 3
    guild_name = sb.state.guild(world.guild_id).data["name"]
    assert str(calendar["X-WR-CALNAME"]) == guild_name, "no title setting: the server's name"


async def test_schedule_export_is_named_after_the_workshop_title(world: World) -> None:
    import icalendar

    await world.start_bot(title="MLエンジニアリング研究会 サマーキャンプ 2027")
    await create(world, "Keynote", start="10:00", kind="keynote")
    result = await world.sb.invoke(world.guild_id, world.attendee_id, "schedule export")
    ((_, data),) = result.files
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "MLエンジニアリング研究会 サマーキャンプ 2027"
    assert str(calendar["NAME"]) == "MLエンジニアリング研究会 サマーキャンプ 2027"


async def test_long_lists_are_paged_with_buttons_that_survive_a_restart(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    for n in range(19):
        hour, minute = divmod(10 * 60 + n * 10, 60)
        await create(world, f"Slot {n:02d}", start=f"{hour:02d}:{minute:02d}", duration=10)
    listing = await sb.invoke(world.guild_id, world.attendee_id, "session list", locale="en-US")
    embed = listing.embeds[0]
    assert embed["footer"]["text"] == "Page 1/3 · 19 sessions"
    assert "Slot 00" in embed["description"] and "Slot 08" not in embed["description"]
    prev, nxt = (c for row in listing.components for c in row["components"])
    assert prev.get("disabled") and not nxt.get("disabled")
    await world.stop_bot(bot)
    await world.start_bot(sync=False)
    page2 = await sb.click(
        world.guild_id, world.attendee_id, listing.message_id, nxt["custom_id"], locale="en-US"
    )
    assert page2.response_type == 7  # the list message is updated in place
    embed = listing.embeds[0]  # the original message, as edited
    assert "Page 2/3" in embed["footer"]["text"]
    assert "Slot 08" in embed["description"]
