"""Feedback end to end: the prompt in a session's chat when it closes (by its job, or by
/session close), who may rate (attendance is the truth), the form and the command, editing
until ratings close, refusals that change nothing, and the reports (embed, PNG, CSV)."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from bot.features.feedback.chart import HEIGHT, WIDTH
from bot.settings import FeedbackSettings
from tests.features.attendance.attendance_helpers import (
    JST_10,
    answer,
    move,
    person,
    session_channel,
)
from tests.features.feedback.feedback_helpers import (
    CLOSED,
    attended_session,
    parse_csv,
    prompt_message,
)
from tests.world import World

RATE = "fb:rate:{}"


async def ratings(world: World) -> list[dict[str, object]]:
    bot = world.bots[-1]
    rows = await bot.db.fetch_all("SELECT user_id, rating, comment FROM feedback ORDER BY user_id")
    return [dict(r) for r in rows]


async def test_the_prompt_comes_at_the_close_and_only_attendees_may_rate(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, talk, people = await attended_session(
        world, bot, "Graph learning", {"ana": 30, "ben": 2}
    )
    ana, ben = people["ana"], people["ben"]

    message = prompt_message(world, talk)
    (embed,) = message["embeds"]
    assert embed["title"] == "⭐ How was “Graph learning”?"
    closes = int((JST_10 + timedelta(hours=49)).timestamp())
    assert f"<t:{closes}:R>" in embed["description"]
    (row,) = message["components"]
    (button,) = row["components"]
    assert button["custom_id"] == RATE.format(session_id) and button["label"] == "Rate this session"
    # The close job running again (a crash) does not post a second prompt.
    await bot.services.sessions.announce_closed(
        await bot.services.sessions.get(world.guild_id, session_id)
    )
    await bot.services.scheduler.idle()
    prompt_message(world, talk)

    # Two minutes are not enough (feedback.min_minutes = 5): told why, nothing stored.
    refused = await sb.click(
        world.guild_id, ben, message["id"], button["custom_id"], locale="en-US"
    )
    assert refused.ephemeral and refused.modal is None
    assert refused.content == (
        "Only people who attended this session for at least 5 min can rate it "
        "(the attendance records show 2 min for you)."
    )
    stranger = world.attendee_id
    refused = await sb.click(
        world.guild_id, stranger, message["id"], button["custom_id"], locale="ja"
    )
    assert "5分以上参加した方だけ" in (refused.content or "")

    # Ana attended 30 minutes: the form, in her language; the comment is stored as typed.
    opened = await sb.click(world.guild_id, ana, message["id"], button["custom_id"], locale="ja")
    assert opened.response_type == 9 and opened.modal is not None
    assert opened.modal["title"] == "このセッションを評価"
    comment = '@everyone great talk <@&1> **bold**\n=HYPERLINK("x")'
    submitted = await sb.submit_modal(
        world.guild_id,
        ana,
        opened.modal["custom_id"],
        {"rating": "4", "comment": comment},
        locale="ja",
    )
    assert submitted.ephemeral and "評価（4）を保存しました" in (submitted.content or "")
    assert await ratings(world) == [{"user_id": ana, "rating": 4, "comment": comment}]

    # A bad rating in the form changes nothing.
    again = await sb.click(world.guild_id, ana, message["id"], button["custom_id"], locale="en-US")
    assert again.modal is not None
    fields = {
        c["components"][0]["custom_id"]: c["components"][0].get("value")
        for c in again.modal["components"]
    }
    assert fields == {"rating": "4", "comment": comment}, "the form shows the rating so far"
    bad = await sb.submit_modal(
        world.guild_id,
        ana,
        again.modal["custom_id"],
        {"rating": "9", "comment": ""},
        locale="en-US",
    )
    assert bad.ephemeral and bad.content == (
        "A rating is a whole number from 1 to 5 (you gave “9”). Nothing was saved."
    )
    assert await ratings(world) == [{"user_id": ana, "rating": 4, "comment": comment}]

    # The command changes it (one rating per person per session).
    changed = await sb.invoke(
        world.guild_id, ana, "feedback session",
        options={"session": "Graph learning", "rating": 5}, locale="en-US",
    )  # fmt: skip
    assert changed.content == "Your rating was changed to 5."
    # A comment without a rating opens the form with the comment in it.
    form = await sb.invoke(
        world.guild_id, ana, "feedback session",
        options={"session": "Graph learning", "comment": "Typed first"}, locale="en-US",
    )  # fmt: skip
    assert form.modal is not None
    values = [row["components"][0].get("value") for row in form.modal["components"]]
    assert values == ["5", "Typed first"]
    assert await ratings(world) == [{"user_id": ana, "rating": 5, "comment": None}]

    # Ratings close feedback.open_hours (48) after the end.
    world.clock.set(JST_10 + timedelta(hours=49, seconds=1))
    late = await sb.invoke(
        world.guild_id, ana, "feedback session",
        options={"session": str(session_id), "rating": 1}, locale="en-US",
    )  # fmt: skip
    assert late.ephemeral and (late.content or "").startswith("Ratings for this session closed")
    assert await ratings(world) == [{"user_id": ana, "rating": 5, "comment": None}]


async def test_cancelled_unknown_and_future_sessions_are_refused(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _ = await session_channel(world, bot, "Cancelled talk", start="12:00")
    cancelled = await sb.invoke(
        world.guild_id, world.organizer_id, "session cancel", options={"session": str(session_id)}
    )
    await answer(cancelled)
    user = world.attendee_id
    result = await sb.invoke(
        world.guild_id, user, "feedback session",
        options={"session": str(session_id), "rating": 3}, locale="en-US",
    )  # fmt: skip
    assert result.content == "This session was cancelled, so it cannot be rated."
    unknown = await sb.invoke(
        world.guild_id, user, "feedback session",
        options={"session": "No such talk", "rating": 3}, locale="en-US",
    )  # fmt: skip
    assert unknown.ephemeral and "No such talk" in (unknown.content or "")
    await session_channel(world, bot, "Later talk", start="15:00")
    future = await sb.invoke(
        world.guild_id, user, "feedback session",
        options={"session": "Later talk"}, locale="en-US",
    )  # fmt: skip
    assert future.modal is None and "has not started yet" in (future.content or "")
    assert await ratings(world) == []


async def test_session_close_by_hand_prompts_too(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, talk = await session_channel(world, bot, "Panel")
    await world.run_jobs(JST_10 + timedelta(minutes=20))
    closed = await sb.invoke(
        world.guild_id, world.organizer_id, "session close", options={"session": str(session_id)}
    )
    await answer(closed)
    await bot.services.scheduler.idle()
    assert prompt_message(world, talk)["components"][0]["components"][0][
        "custom_id"
    ] == RATE.format(session_id)


async def test_reports_for_organizers_and_the_chair(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _, people = await attended_session(
        world, bot, "Graph learning", {"ana": 30, "ben": 40, "cat": 50}
    )
    for name, rating, comment in (
        ("ana", 5, "Great @everyone"),
        ("ben", 3, None),
        ("cat", 5, "# Big"),
    ):
        options: dict[str, object] = {"session": str(session_id), "rating": rating}
        if comment:
            options["comment"] = comment
        result = await sb.invoke(world.guild_id, people[name], "feedback session", options=options)
        assert result.ephemeral

    refused = await sb.invoke(
        world.guild_id, people["ana"], "feedback report",
        options={"session": str(session_id)}, locale="en-US",
    )  # fmt: skip
    assert refused.content == "Only organizers and the session's chair can read its feedback."
    refused = await sb.invoke(world.guild_id, people["ana"], "feedback report", locale="en-US")
    assert (refused.content or "").startswith("Only organizers")

    result = await sb.invoke(
        world.guild_id, world.organizer_id, "feedback report",
        options={"session": "Graph learning"}, locale="en-US",
    )  # fmt: skip
    message = await answer(result)
    assert message["flags"] & 64
    (embed,) = message["embeds"]
    assert embed["title"] == "Feedback: Graph learning"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields == {
        "Ratings": "3",
        "Mean": "4.33",
        "Distribution": "1★ 0 · 2★ 0 · 3★ 1 · 4★ 0 · 5★ 2",
    }
    # Comments anonymous (feedback.named is off), made harmless for markdown.
    assert embed["description"].splitlines() == ["5★ Great @everyone", "5★ \\# Big"]
    assert "Ana" not in embed["description"]
    files = dict(result.followup_files())
    rows = parse_csv(files[f"feedback-session-{session_id}.csv"])
    assert [(r["rating"], r["comment"]) for r in rows] == [
        ("5", "Great @everyone"),
        ("3", ""),
        ("5", "# Big"),
    ]
    assert "user_id" not in rows[0] and "display_name" not in rows[0]
    image = Image.open(io.BytesIO(files[f"feedback-session-{session_id}.png"]))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)

    overview = await sb.invoke(
        world.guild_id, world.organizer_id, "feedback report", locale="en-US"
    )
    message = await answer(overview)
    assert (
        message["content"]
        == "Feedback on 1 sessions (3 ratings in all), one row per session, as CSV."
    )
    (summary,) = parse_csv(dict(overview.followup_files())["feedback-sessions.csv"])
    assert summary["session_id"] == str(session_id) and summary["ratings"] == "3"
    assert summary["mean"] == "4.33" and summary["rated_5"] == "2" and summary["attendees"] == "3"


async def test_named_reports_name_people_and_min_minutes_is_a_setting(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot(feedback=FeedbackSettings(named=True, min_minutes=10))
    session_id, _, people = await attended_session(
        world, bot, "Graph learning", {"ana": 30, "ben": 8}
    )
    ok = await sb.invoke(
        world.guild_id, people["ana"], "feedback session",
        options={"session": str(session_id), "rating": 4, "comment": "Nice"},
    )  # fmt: skip
    assert ok.ephemeral
    refused = await sb.invoke(
        world.guild_id, people["ben"], "feedback session",
        options={"session": str(session_id), "rating": 4}, locale="en-US",
    )  # fmt: skip
    assert "at least 10 min" in (refused.content or "")
    result = await sb.invoke(
        world.guild_id,
        world.admin_id,  # Manage Server: an organizer too
        "feedback report",
        options={"session": str(session_id)},
        locale="en-US",
    )
    message = await answer(result)
    assert message["embeds"][0]["description"] == "4★ Nice — Ana"
    (row,) = parse_csv(dict(result.followup_files())[f"feedback-session-{session_id}.csv"])
    assert row["user_id"] == str(people["ana"]) and row["display_name"] == "Ana"


async def test_a_session_that_ends_while_the_bot_is_down_is_prompted_once_after(
    world: World,
) -> None:
    bot = await world.start_bot()
    session_id, talk = await session_channel(world, bot, "Graph learning")
    await world.run_jobs(JST_10)
    ana = person(world, "ana", "Ana")
    await move(world, bot, {ana: talk})
    world.clock.advance(timedelta(minutes=20).total_seconds())
    await move(world, bot, {ana: None})
    await world.stop_bot(bot)

    world.clock.set(CLOSED + timedelta(minutes=30))  # it ended while the bot was away
    bot = await world.start_bot(sync=False)
    await world.run_jobs(world.clock.now())
    prompt_message(world, talk)
    await world.stop_bot(bot)
    bot = await world.start_bot(sync=False)
    await world.run_jobs(world.clock.now())
    prompt_message(world, talk)  # still exactly one
    result = await world.sb.invoke(
        world.guild_id, ana, "feedback session", options={"session": str(session_id), "rating": 4}
    )
    assert result.ephemeral and await ratings(world) == [
        {"user_id": ana, "rating": 4, "comment": None}
    ]


async def test_with_feedback_dm_attendees_get_the_button_by_dm_once(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot(feedback=FeedbackSettings(dm=True))
    closed = person(world, "dora", "Dora")
    sb.close_dms(closed)
    session_id, talk = await session_channel(world, bot, "Graph learning")
    await world.run_jobs(JST_10)
    ana, ben = person(world, "ana", "Ana"), person(world, "ben", "Ben")
    await move(world, bot, {ana: talk, ben: talk, closed: talk})
    world.clock.set(JST_10 + timedelta(minutes=2))
    await move(world, bot, {ben: None})
    world.clock.set(JST_10 + timedelta(minutes=30))
    await move(world, bot, {ana: None, closed: None})
    await world.run_jobs(CLOSED)
    await bot.services.scheduler.idle()

    prompt_message(world, talk)  # in the chat as always
    (dm,) = sb.dms(ana)
    assert dm["embeds"][0]["title"] == "⭐ How was “Graph learning”?"
    assert sb.dms(ben) == [], "two minutes are not enough to be asked"
    assert sb.dms(closed) == [], "DMs closed: skipped, no error"
    # A rerun (the close job again after a crash) sends nobody a second DM.
    await bot.db.conn.execute("DELETE FROM guild_structure WHERE purpose LIKE 'feedback:%'")
    await bot.db.conn.commit()
    await bot.services.sessions.announce_closed(
        await bot.services.sessions.get(world.guild_id, session_id)
    )
    await bot.services.scheduler.idle()
    assert len(sb.dms(ana)) == 1

    # The DM's button works there (no guild in the interaction).
    custom_id = dm["components"][0]["components"][0]["custom_id"]
    opened = await sb.click(world.guild_id, ana, dm["id"], custom_id, locale="en-US")
    assert opened.modal is not None, opened
    done = await sb.submit_modal(
        world.guild_id, ana, opened.modal["custom_id"], {"rating": "5", "comment": ""}
    )
    assert done.ephemeral
    assert await ratings(world) == [{"user_id": ana, "rating": 5, "comment": None}]


async def test_forget_me_deletes_a_persons_ratings_too(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, _, people = await attended_session(world, bot, "Graph learning", {"ana": 30})
    ana = people["ana"]
    rated = await sb.invoke(
        world.guild_id, ana, "feedback session", options={"session": str(session_id), "rating": 2}
    )
    assert rated.ephemeral
    asked = await sb.invoke(world.guild_id, ana, "attendance forget-me", locale="en-US")
    assert "• feedback ratings: 1" in (asked.content or "")
    done = await sb.click(
        world.guild_id, ana, asked.message_id, f"att:forget:yes:{ana}", locale="en-US"
    )
    assert "• feedback ratings: 1" in (done.content or "")
    assert await ratings(world) == []
