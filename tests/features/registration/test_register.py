"""Registration end to end through the sandbox: a connpass CSV imported (preview, Confirm),
Register in #welcome gives the ticket's roles once, again after leaving and rejoining, refuses
wrong input without telling whether a number exists, refuses a second account, limits attempts;
organizers see status, look people up, link and unlink by hand, export the linkage."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.core.permissions import INVITE_PERMISSIONS
from bot.sandbox import permissions as p
from tests.features.registration.conftest import (
    CONNPASS,
    confirm,
    import_file,
    member_roles,
    nick,
    register,
    registration,
    start,
    welcome,
)
from tests.world import World

NO_MATCH = "do not match a registration"


async def test_import_preview_then_confirm_then_register(world: World) -> None:
    sb = world.sb
    await start(world, set_nickname=True)
    _, message = welcome(world)
    labels = [c.get("label") for row in message["components"] for c in row["components"]]
    assert labels == ["Register / 参加登録", "What's on now", "How to join a room", "My agenda"]
    assert {"General", "Student", "Speaker", "Participant"} <= {
        r["name"] for r in sb.roles(world.guild_id)
    }

    result = await import_file(world)
    preview = result.followups[0]
    embed = preview["embeds"][0]
    assert embed["title"] == "Registrants preview: connpass.csv"
    assert (
        "Read as connpass (Shift_JIS" in embed["description"] or "connpass" in embed["description"]
    )
    assert "tickets 7" in embed["description"] and "new 7" in embed["description"]
    denied = await register(world, world.attendee_id, "1001", "山田 太郎")
    assert NO_MATCH in denied.followups[0]["content"], "nothing is stored before Confirm"

    await confirm(world, preview)
    sb.clear_requests()
    done = await register(world, world.attendee_id, "１００１", "太郎　山田")
    text = done.followups[0]["content"]
    assert "You are registered: 1001 (一般参加枠)" in text, text
    assert member_roles(world, world.attendee_id) == {"General", "Participant"}
    assert nick(world, world.attendee_id) == "山田 太郎"
    rest = [
        r for r in sb.requests if "/interactions/" not in r.route and "/webhooks/" not in r.route
    ]
    print("REST per registration (besides answering):", [(r.method, r.route) for r in rest])
    assert [r.route for r in rest] == ["PATCH /guilds/{guild_id}/members/{user_id}"], (
        "the roles and the nickname in one request"
    )

    # Pressing again changes nothing and gives nothing twice.
    sb.clear_requests()
    again = await register(world, world.attendee_id, "1001", "山田太郎")
    assert "Welcome back" in again.followups[0]["content"]
    assert sb.count("PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}") == 0
    assert sb.count("PATCH /guilds/{guild_id}/members/{user_id}") == 0, "nothing to change"


async def test_a_nickname_discord_refuses_does_not_cost_the_roles(world: World) -> None:
    sb = world.sb
    high = sb.add_role(world.guild_id, "Staff", above_bot=True)
    staff = int(sb.add_member(world.guild_id, name="staff", roles=[int(high["id"])])["id"])
    owner = sb.guild(world.guild_id).owner_id
    await start(world, set_nickname=True)
    await confirm(world, (await import_file(world)).followups[0])
    done = await register(world, staff, "1001", "山田 太郎")
    assert "You are registered" in done.followups[0]["content"]
    assert "nickname" not in done.followups[0]["content"]
    assert member_roles(world, staff) == {"Staff", "General", "Participant"}
    assert nick(world, staff) is None
    assert [(r.status, r.route) for r in sb.rejected] == [
        (403, "PATCH /guilds/{guild_id}/members/{user_id}")
    ]
    sb.clear_requests()
    mine = await register(world, owner, "1002", "佐藤 花子")
    assert "You are registered" in mine.followups[0]["content"]
    assert not sb.rejected, "the owner's nickname is not even tried"


async def test_rejoin_gives_the_roles_back(world: World) -> None:
    sb = world.sb
    await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    await register(world, world.attendee_id, "1002", "佐藤花子")
    assert member_roles(world, world.attendee_id) == {"Student", "Participant"}
    sb.remove_member(world.guild_id, world.attendee_id)
    sb.add_member(world.guild_id, world.attendee_id, name="attendee", locale="ja")
    await world.settle(0.2)
    assert member_roles(world, world.attendee_id) == set()
    back = await register(world, world.attendee_id, "1002", "佐藤 花子", locale="ja")
    assert "おかえりなさい" in back.followups[0]["content"]
    assert member_roles(world, world.attendee_id) == {"Student", "Participant"}


async def test_refusals_do_not_tell_whether_a_number_exists(world: World) -> None:
    sb = world.sb
    await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    wrong_name = await register(world, world.attendee_id, "1001", "山田 花子")
    unknown = await register(world, world.attendee_id, "9999", "山田 太郎")
    cancelled = await register(world, world.attendee_id, "1004", "Ichiro Suzuki")
    waiting = await register(world, world.attendee_id, "1005", "田中 次郎")
    answers = {r.followups[0]["content"] for r in (wrong_name, unknown, cancelled, waiting)}
    assert len(answers) == 1 and NO_MATCH in answers.pop()
    assert all(r.followups[0]["flags"] & 64 for r in (wrong_name, unknown)), "ephemeral"
    assert member_roles(world, world.attendee_id) == set()
    # The fifth attempt in ten minutes is the last one.
    await register(world, world.attendee_id, "1001", "x")
    limited = await register(world, world.attendee_id, "1001", "山田 太郎")
    assert "You did that 5 times in the last 10 minutes" in limited.followups[0]["content"]
    assert member_roles(world, world.attendee_id) == set()
    world.clock.advance(timedelta(minutes=11))
    ok = await register(world, world.attendee_id, "1001", "山田 太郎")
    assert "You are registered" in ok.followups[0]["content"]
    assert not sb.rejected


async def test_second_account_is_refused_and_shown_to_organizers(world: World) -> None:
    sb = world.sb
    await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    await register(world, world.attendee_id, "1001", "山田 太郎")
    other = int(sb.add_member(world.guild_id, name="other")["id"])
    taken = await register(world, other, "1001", "山田 太郎")
    assert "already registered to another Discord account" in taken.followups[0]["content"]
    assert member_roles(world, other) == set()

    status = await sb.invoke(
        world.guild_id, world.organizer_id, "registration status", locale="en-US"
    )
    text = status.embeds[0]["description"]
    assert "Registered 1 of 5 tickets" in text and "cancelled 2" in text
    assert "一般参加枠: 1 registered / 2 not yet" in text
    assert f"ticket 1001: <@{other}> tried, registered to <@{world.attendee_id}>" in text

    lookup = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "registration lookup",
        options={"member": world.attendee_id},
        locale="en-US",
    )
    assert "ticket 1001 (一般参加枠) · 山田 太郎" in (lookup.content or "")
    # A mention in a registered name never pings and shows as typed.
    mention = await register(world, other, "1003", "@everyone")
    assert "You are registered" in mention.followups[0]["content"]


async def test_organizers_link_unlink_and_export(world: World) -> None:
    sb = world.sb
    await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    member = int(sb.add_member(world.guild_id, name="speaker")["id"])
    linked = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "registration link",
        options={"member": member, "ticket": "1006"},
        locale="en-US",
    )
    await linked.wait_followups(1)
    assert "now registered with ticket 1006" in linked.followups[0]["content"]
    assert member_roles(world, member) == {"Speaker", "Participant"}
    # A second ticket of the same person adds its roles (several tickets merge).
    await register(world, member, "1002", "佐藤 花子")
    assert member_roles(world, member) == {"Speaker", "Student", "Participant"}

    export = await sb.invoke(
        world.guild_id, world.organizer_id, "registration export", locale="en-US"
    )
    await export.wait_followups(1)
    files = dict(export.followup_files())
    rows = list(csv.reader(io.StringIO(files["registrations.csv"].decode("utf-8-sig"))))
    assert rows[0] == ["ticket", "types", "name", "cancelled", "member_id", "linked_by"]
    by_ticket = {r[0]: r for r in rows[1:]}
    assert by_ticket["1006"][2].startswith("'=HYPERLINK("), "a formula-looking name is escaped"
    assert by_ticket["1006"][4:] == [str(member), "organizer"]
    assert by_ticket["1002"][4:] == [str(member), "member"]

    unlinked = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "registration unlink",
        options={"member": member},
        locale="en-US",
    )
    await unlinked.wait_followups(1)
    assert "2 ticket(s)" in unlinked.followups[0]["content"]
    assert member_roles(world, member) == set()


async def test_reimport_cancels_and_takes_the_roles(world: World) -> None:
    await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    await register(world, world.attendee_id, "1002", "佐藤 花子")
    text = CONNPASS.decode("cp932").replace(
        "学生枠,sato_h,佐藤　花子,,参加者", "学生枠,sato_h,佐藤　花子,,キャンセル"
    )
    again = await import_file(world, text.encode("cp932"))
    embed = again.followups[0]["embeds"][0]
    assert "cancelled 1" in embed["description"] and "unchanged 6" in embed["description"]
    assert member_roles(world, world.attendee_id) == {"Student", "Participant"}, (
        "not before Confirm"
    )
    await confirm(world, again.followups[0])
    assert member_roles(world, world.attendee_id) == set()


async def test_a_role_above_the_bots_or_no_manage_roles_is_refused_with_the_fix(
    world: World,
) -> None:
    sb = world.sb
    sb.add_role(world.guild_id, "Participant", above_bot=True)
    await world.start_bot(registration=registration(roles={"*": "Participant"}))
    await confirm(world, (await import_file(world)).followups[0])
    refused = await register(world, world.attendee_id, "1001", "山田 太郎")
    assert "drag the bot's role above it" in refused.followups[0]["content"]
    assert member_roles(world, world.attendee_id) == set()
    lookup = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "registration lookup",
        options={"member": world.attendee_id},
        locale="en-US",
    )
    assert "is not registered" in (lookup.content or ""), "the refused binding was undone"


async def test_without_manage_roles_the_refusal_names_it(world: World) -> None:
    sb = world.sb
    await start(world)
    await confirm(world, (await import_file(world)).followups[0])
    sb.set_bot_permissions(world.guild_id, INVITE_PERMISSIONS & ~p.MANAGE_ROLES)
    await world.settle(0.2)
    refused = await register(world, world.attendee_id, "1001", "山田 太郎")
    assert "Manage Roles" in refused.followups[0]["content"]
    assert member_roles(world, world.attendee_id) == set()
    sb.set_bot_permissions(world.guild_id, INVITE_PERMISSIONS)
    await world.settle(0.2)
    ok = await register(world, world.attendee_id, "1001", "山田 太郎")
    assert "You are registered" in ok.followups[0]["content"]
