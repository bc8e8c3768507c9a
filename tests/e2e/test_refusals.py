"""First contact with a real server: Discord refuses, the bot undoes, says why, loses nothing.

The bot's role holds exactly its invite (the sandbox's default). Each test takes something away
the way an organizer could (a permission of the bot's role, Manage Channels in a category, the
room up to Discord's 500 channels) and checks what people see, what is left in Discord and in
the database, what the log says (one warning, no traceback), and that the bot recovers when the
cause goes away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.core.permissions import INVITE_PERMISSIONS
from bot.domain.permissions import Perm
from bot.sandbox.sandbox import Sandbox
from tests.fakes.sessions import buttons, upload
from tests.world import World, eventually

CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
EXAMPLE_CSV = "title,start,duration,kind,track,id\n" + "".join(
    f"Talk {n},2026-07-0{2 + n // 6} {10 + n % 6}:00,45,talk,,t{n}\n" for n in range(12)
)
CREATE_EVENT = "POST /guilds/{guild_id}/scheduled-events"


class Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("bot") and record.levelno == logging.WARNING:
            self.records.append(record)

    def lines(self, containing: str = "") -> list[str]:
        return [r.getMessage() for r in self.records if containing in r.getMessage()]


@pytest.fixture
def warnings() -> Iterator[Warnings]:
    handler = Warnings()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)
    assert not [r for r in handler.records if r.exc_info], "a warning carried a traceback"


def session_places(sb: Sandbox, guild_id: int) -> list[str]:
    return sorted(c["name"] for c in sb.channels(guild_id) if c["type"] in (2, 4, 13))


async def create(world: World, title: str, start: str = "10:00", **options: object) -> str:
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "session create",
        options={"title": title, "start": start, "duration": 60, **options},
        locale="en-US",
    )
    await result.wait_followups(1)
    return str(result.followups[0]["content"])


async def take_away(world: World, perm: Perm) -> None:
    world.sb.set_bot_permissions(world.guild_id, INVITE_PERMISSIONS & ~perm)
    await world.settle(0.2)


async def give_back(world: World) -> None:
    world.sb.set_bot_permissions(world.guild_id, INVITE_PERMISSIONS)
    await world.settle(0.3)
    await world.bots[-1].services.scheduler.idle()


async def test_a_session_discord_refuses_is_undone_and_can_be_created_after_the_fix(
    world: World, warnings: Warnings
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await take_away(world, Perm.MANAGE_EVENTS)
    text = await create(world, "Opening talk")
    assert "**Manage Events**" in text and "Nothing was changed" in text, text
    # The day category and the voice channel were made before Discord refused the event.
    assert sb.count(CREATE_CHANNEL) == 2 and sb.count(CREATE_EVENT) == 1
    assert session_places(sb, world.guild_id) == [], "what was made is removed again"
    assert await bot.services.sessions.programme(world.guild_id) == []
    assert bot.services.sessions._jobs is not None
    assert warnings.lines("Discord refused") == [warnings.lines("Discord refused")[0]]

    await give_back(world)
    text = await create(world, "Opening talk")
    assert text.startswith("Created"), "no 'overlaps with itself' after the undo"
    assert session_places(sb, world.guild_id) == ["Day 1 · 7/1 (Wed)", "Opening talk"]
    assert len(sb.scheduled_events(world.guild_id)) == 1


async def test_a_category_that_takes_manage_channels_from_the_bot_is_named(
    world: World, warnings: Warnings
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    assert (await create(world, "First")).startswith("Created")
    day = next(c for c in sb.channels(world.guild_id) if c["type"] == 4)
    bot_role = sb.guild(world.guild_id).bot_role_id
    sb.edit_channel(
        int(day["id"]),
        permission_overwrites=[{"id": bot_role, "type": 0, "deny": Perm.MANAGE_CHANNELS}],
    )
    await world.settle()
    text = await create(world, "Second", start="11:00")
    assert f"<#{day['id']}>" in text and "**Manage Channels**" in text, text
    assert [s.title for s in await bot.services.sessions.programme(world.guild_id)] == ["First"]
    assert session_places(sb, world.guild_id) == ["Day 1 · 7/1 (Wed)", "First"]


async def test_the_500_channel_wall_is_refused_up_front_with_the_numbers(
    world: World, warnings: Warnings
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    for n in range(497):
        sb.add_channel(world.guild_id, f"hand-made-{n}", 0)
    await world.settle(0.5)
    assert (await create(world, "Fits exactly")).startswith("Created")  # category + channel
    assert (await create(world, "Last one", start="11:00")).startswith("Created")  # channel
    assert len(sb.channels(world.guild_id)) == 500
    sb.clear_requests()
    text = await create(world, "One too many", start="12:00")
    assert "needs 1 new channel" in text and "500 of Discord's 500" in text, text
    assert "only 0 are left" in text and "Nothing was changed" in text
    assert sb.count(CREATE_CHANNEL) == 0, "refused before asking Discord"
    titles = [s.title for s in await bot.services.sessions.programme(world.guild_id)]
    assert titles == ["Fits exactly", "Last one"]
    assert warnings.lines() == []


async def test_an_import_is_undone_whole_when_a_permission_goes_missing_half_way(
    world: World, warnings: Warnings
) -> None:
    """Manage Channels is taken away while the import creates channels: the import undoes
    itself; what it cannot remove yet (Discord refuses deleting too) is a problem, removed as
    soon as the permission is back."""
    sb = world.sb
    bot = await world.start_bot()
    result = await upload(world, "camp.csv", EXAMPLE_CSV.encode())
    preview = result.followups[0]

    async def remove_when_busy() -> None:
        await eventually(lambda: sb.count(CREATE_CHANNEL) >= 3)
        sb.set_bot_permissions(world.guild_id, INVITE_PERMISSIONS & ~Perm.MANAGE_CHANNELS)

    saboteur = asyncio.create_task(remove_when_busy())
    clicked = await sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview["id"]),
        buttons(preview)["Confirm"]["custom_id"],
        locale="en-US",
    )
    await saboteur
    await clicked.wait_followups(1, timeout=15)
    text = clicked.followups[0]["content"]
    assert "**Manage Channels**" in text and "could not be removed yet" in text, text
    assert await bot.services.sessions.programme(world.guild_id) == []
    assert session_places(sb, world.guild_id), "some channels are left over for now"
    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert "**Manage Channels**" in fields["⚠️ Missing permissions"]
    assert "Keeping the programme's channels and events" in fields["Problems"]

    await give_back(world)  # GUILD_ROLE_UPDATE: the bot looks again at once
    await eventually(lambda: session_places(sb, world.guild_id) == [])
    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert "Problems" not in fields
    assert fields["Permissions"] == "The bot holds every permission it needs."
    # The same import can be confirmed again now.
    again = await sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview["id"]),
        buttons(preview)["Confirm"]["custom_id"],
        locale="en-US",
    )
    await eventually(lambda: again.original is not None and not again.components, 15)
    assert len(await bot.services.sessions.programme(world.guild_id)) == EXAMPLE_CSV.count("\n") - 1


async def test_a_refused_start_up_reconcile_is_a_problem_until_the_permission_is_back(
    world: World, warnings: Warnings
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    assert (await create(world, "Talk")).startswith("Created")
    await world.stop_bot(bot)
    talk = next(c for c in sb.channels(world.guild_id) if c["name"] == "Talk")
    sb.delete_channel(int(talk["id"]))  # deleted by hand while the bot was away
    sb.set_bot_permissions(world.guild_id, INVITE_PERMISSIONS & ~Perm.MANAGE_CHANNELS)

    bot = await world.start_bot(sync=False)  # no "Ignoring exception": the fixture checks
    assert "Talk" not in session_places(sb, world.guild_id)
    assert any("Manage Channels" in line for line in warnings.lines("lacks")), warnings.lines()
    assert warnings.lines("could not be done"), "the refused reconcile is one warning"
    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status", locale="ja")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert "**チャンネルの管理**" in fields["⚠️ 不足している権限"]
    assert "プログラムのチャンネルとイベントの維持" in fields["問題"]

    await give_back(world)
    await eventually(lambda: "Talk" in session_places(sb, world.guild_id))
    assert await bot.services.problems.open(world.guild_id) == []


async def test_background_refusals_are_retried_every_few_minutes(world: World) -> None:
    """A reminder Discord refuses (no Send Messages in #announcements) is tried again later and
    the problem disappears once it is posted."""
    sb = world.sb
    bot = await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    assert (await create(world, "Talk", start="10:00")).startswith("Created")
    announcements = next(c for c in sb.channels(world.guild_id) if c["name"] == "announcements")
    bot_member = [{"id": sb.bot_user_id, "type": 1, "deny": Perm.SEND_MESSAGES}]
    original = announcements["permission_overwrites"]
    sb.edit_channel(int(announcements["id"]), permission_overwrites=original + bot_member)
    await world.settle()
    start = world.clock.now()
    await world.run_jobs(start.replace(hour=0, minute=50))  # 09:50 in Tokyo: the reminder
    problems = await bot.services.problems.open(world.guild_id)
    assert [p.key for p in problems] == [f"job:session.remind:{1}"]
    sb.edit_channel(int(announcements["id"]), permission_overwrites=original)
    await world.settle()
    await world.run_jobs(world.clock.now() + timedelta(minutes=5, seconds=1))
    assert await bot.services.problems.open(world.guild_id) == []
    reminders = [m for m in sb.messages(int(announcements["id"])) if m["embeds"]]
    assert any("Talk" in m["embeds"][0]["description"] for m in reminders)


async def test_workshop_setup_refused_leaves_the_server_as_it_was(
    world: World, warnings: Warnings
) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await take_away(world, Perm.MANAGE_ROLES)  # #announcements has overwrites: refused
    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup", locale="ja")
    await result.wait_followups(1)
    text = result.followups[0]["content"]
    assert "**ロールの管理**" in text and "何も変更していません" in text, text
    assert [c["name"] for c in sb.channels(world.guild_id)] == [], "the info category is gone"
    assert await bot.services.structure.items(world.guild_id) == []
    assert not await bot.services.structure.is_set_up(world.guild_id)

    await give_back(world)
    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await result.wait_followups(1)
    assert result.followups[0]["embeds"], result.followups[0]
    names = sorted(c["name"] for c in sb.channels(world.guild_id))
    assert names == ["Workshop info", "announcements", "backstage", "help", "lobby"]


async def test_a_room_discord_refuses_never_existed(world: World, warnings: Warnings) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await take_away(world, Perm.MANAGE_CHANNELS)
    result = await sb.invoke(
        world.guild_id, world.attendee_id, "room open", options={"topic": "Diffusion"}
    )
    await result.wait_followups(1)
    text = result.followups[0]["content"]
    assert "**チャンネルの管理**" in text, text  # the attendee's client is Japanese
    assert await bot.services.rooms.open_rooms(world.guild_id) == []
    assert sb.channels(world.guild_id) == []
    await give_back(world)
    result = await sb.invoke(
        world.guild_id, world.attendee_id, "room open", options={"topic": "Diffusion"}
    )
    await result.wait_followups(1)
    assert len(await bot.services.rooms.open_rooms(world.guild_id)) == 1, "not rate limited"


async def test_the_self_check_names_what_is_missing_and_sees_a_role_given_to_the_bot(
    world: World, warnings: Warnings
) -> None:
    """At start one warning names each missing permission and what breaks without it; giving
    the bot a role that has it (GUILD_MEMBER_UPDATE of the bot, sent without the members
    intent) is noticed at once, and what was refused meanwhile is done."""
    sb = world.sb
    sb.set_bot_permissions(world.guild_id, INVITE_PERMISSIONS & ~Perm.MANAGE_EVENTS)
    bot = await world.start_bot()
    (line,) = warnings.lines("lacks")
    assert "Manage Events (sessions get no Scheduled Event" in line, line
    await create(world, "Talk")  # refused: undone
    assert await bot.services.sessions.programme(world.guild_id) == []

    helper = sb.add_role(world.guild_id, "Event helper", permissions=Perm.MANAGE_EVENTS)
    bot_role = sb.guild(world.guild_id).bot_role_id
    sb.set_member_roles(world.guild_id, sb.bot_user_id, [bot_role, int(helper["id"])])
    await eventually(lambda: bot.services.permissions.missing(world.guild_id) == [])
    assert (await create(world, "Talk")).startswith("Created")
    assert [e["name"] for e in sb.scheduled_events(world.guild_id)] == ["Talk"]
    assert len(warnings.lines("lacks")) == 1, "said once, not on every check"
