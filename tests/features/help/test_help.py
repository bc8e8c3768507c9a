"""Commands named as the reader's client shows them: mentions once the bot knows the commands'
ids, the reader's own names before; `/help`; the guide pinned in #help."""

from __future__ import annotations

import re
from collections import Counter

from bot.app import build_bot
from bot.core.permissions import INVITE_PERMISSIONS
from bot.core.sync import sync_commands
from bot.domain.permissions import Perm
from bot.sandbox.sandbox import Sandbox
from tests.e2e.test_refusals import Warnings, give_back, take_away
from tests.e2e.test_refusals import warnings as warnings  # the fixture
from tests.world import World, command_id, eventually

MENTION = re.compile(r"</([a-z-]+)(?: [a-z-]+)*:(\d+)>")
PIN = "PUT /channels/{channel_id}/messages/pins/{message_id}"
POST = "POST /channels/{channel_id}/messages"
GUILD_COMMANDS = "GET /applications/{application_id}/guilds/{guild_id}/commands"
GLOBAL_COMMANDS = "GET /applications/{application_id}/commands"


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests)


def help_channel(sb: Sandbox, guild_id: int) -> int:
    return int(next(c["id"] for c in sb.channels(guild_id) if c["name"] in ("help", "ヘルプ")))


def guide(sb: Sandbox, guild_id: int) -> dict:  # type: ignore[type-arg]
    (message,) = sb.messages(help_channel(sb, guild_id))
    return message


def mentions_are_the_registered_commands(sb: Sandbox, guild_id: int, text: str) -> int:
    found = MENTION.findall(text)
    for name, cid in found:
        assert int(cid) == command_id(sb, guild_id, name), name
    return len(found)


async def sync_elsewhere(world: World) -> None:
    """`workshop-bot sync --guild` run by an organizer while the bot is running."""
    other = build_bot(world.settings(database=world.tmp / "sync.db"), clock=world.clock)
    async with other:
        await other.login(world.sb.token)
        await sync_commands(other, world.guild_id)


async def setup(world: World) -> None:
    result = await world.sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await result.wait_followups(1)


async def test_help_mentions_the_commands_and_shows_organizers_their_part(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await setup(world)
    lobby = next(c["id"] for c in sb.channels(world.guild_id) if c["name"] == "lobby")

    attendee = await sb.invoke(world.guild_id, world.attendee_id, "help", locale="ja")
    assert attendee.response_type == 4 and attendee.ephemeral
    (embed,) = attendee.embeds
    assert embed["title"] == "このサーバーでできること"
    text = embed["description"]
    assert "**参加者向け**" in text and "**ポスター発表者向け**" in text
    assert "運営向け" not in text, "the organizers' part is for organizers"
    schedule, attendance = (command_id(sb, world.guild_id, n) for n in ("schedule", "attendance"))
    assert f"• </schedule show:{schedule}>：進行中とこれからのセッション" in text
    assert f"</attendance me:{attendance}>" in text
    assert f"• <#{lobby}>：会場案内" in text
    assert mentions_are_the_registered_commands(sb, world.guild_id, text) == 18

    organizer = await sb.invoke(world.guild_id, world.admin_id, "help", locale="en-US")
    text = organizer.embeds[0]["description"]
    assert "**Everyone**" in text and "**Organizers**" in text
    workshop = command_id(sb, world.guild_id, "workshop")
    assert f"• </workshop setup:{workshop}>: create the base channels" in text
    poster = command_id(sb, world.guild_id, "poster")
    assert f"“presenter” of </poster claim:{poster}>: assign a board" in text
    assert mentions_are_the_registered_commands(sb, world.guild_id, text) == 31


async def test_before_the_ids_are_known_commands_are_named_in_the_readers_language(
    world: World,
) -> None:
    """Synced while the bot runs: it names commands in words until it restarts, then mentions
    them, and the guide in #help is edited (not posted again) at that start."""
    sb = world.sb
    await world.start_bot(sync=False)
    # On start it asked Discord once where `sync --guild` registers, then once globally.
    assert routes(sb)[GUILD_COMMANDS] == 1 and routes(sb)[GLOBAL_COMMANDS] == 1
    await sync_elsewhere(world)

    ja = await sb.invoke(world.guild_id, world.attendee_id, "help", locale="ja")
    text = ja.embeds[0]["description"]
    assert "• `/スケジュール 表示`：進行中とこれからのセッション" in text
    assert "`/出席 自分`：セッションやルームにいた時間。`/出席 記録削除`：その記録の削除" in text
    assert "</" not in text
    en = await sb.invoke(world.guild_id, world.attendee_id, "help", locale="en-US")
    assert "• `/attendance me`: how long you were" in en.embeds[0]["description"]
    # An option by the name the reader's client shows.
    refused = await sb.invoke(world.guild_id, world.attendee_id, "room close", locale="ja")
    assert refused.content == (
        "自分のトピックルームがなく、参加中のルームもありません。"
        "「ルーム」オプションで指定してください。"
    )

    await setup(world)
    before = guide(sb, world.guild_id)
    assert "`/schedule show`" in before["embeds"][0]["description"]  # the workshop's language
    assert before["pinned"]

    await world.stop_bot(world.bots[-1])
    sb.clear_requests()
    await world.start_bot(sync=False)
    assert routes(sb)[GUILD_COMMANDS] == 1 and routes(sb)[GLOBAL_COMMANDS] == 0
    after = guide(sb, world.guild_id)
    assert after["id"] == before["id"] and after["pinned"]
    text = after["embeds"][0]["description"]
    schedule = command_id(sb, world.guild_id, "schedule")
    assert f"• </schedule show:{schedule}>: what is on now and next" in text
    assert mentions_are_the_registered_commands(sb, world.guild_id, text) == 18
    writes = Counter(r.route for r in sb.requests if r.method != "GET")
    assert writes == Counter({"PATCH /channels/{channel_id}/messages/{message_id}": 1})
    assert (await sb.invoke(world.guild_id, world.attendee_id, "help")).embeds[0][
        "description"
    ].count("</") == 18


async def test_the_guide_is_pinned_once_and_posted_again_when_deleted(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await setup(world)
    first = guide(sb, world.guild_id)
    assert first["pinned"] and first["embeds"][0]["title"] == "What you can do here"
    assert first["embeds"][0]["footer"]["text"] == "workshop-bot · help"
    assert "Organizers" not in first["embeds"][0]["description"]
    assert first["mentions"] == [] and first["mention_roles"] == []

    sb.clear_requests()
    sb.delete_message(help_channel(sb, world.guild_id), int(first["id"]))  # by hand
    await eventually(lambda: len(sb.messages(help_channel(sb, world.guild_id))) == 1)
    await world.settle(0.1)
    again = guide(sb, world.guild_id)
    assert again["id"] != first["id"] and again["pinned"]
    assert routes(sb) == Counter({POST: 1, PIN: 1})

    sb.clear_requests()
    await setup(world)
    assert routes(sb)[POST] == 0 and routes(sb)[PIN] == 0, "once"
    items = {i.purpose for i in await bot.services.structure.items(world.guild_id)}
    assert len([p for p in items if p.startswith("help_message:")]) == 1


async def test_a_refused_pin_is_a_problem_until_the_permission_is_back(
    world: World, warnings: Warnings
) -> None:
    sb = world.sb
    await world.start_bot()
    await take_away(world, Perm.PIN_MESSAGES)
    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await result.wait_followups(1)
    report = result.followups[0]["embeds"][0]
    assert report["title"] == "Workshop structure is ready", "the structure is made"
    fields = {f["name"]: f["value"] for f in report["fields"]}
    assert "**Pin Messages**" in fields["⚠️ Missing permissions"]
    posted = guide(sb, world.guild_id)
    assert not posted["pinned"]
    assert [(r.status, r.route) for r in sb.rejected] == [(403, PIN)]
    assert len(warnings.lines("help could not be done")) == 1

    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status", locale="ja")
    fields = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}
    assert "「ヘルプ」チャンネルへの使い方の案内の投稿とピン留め" in fields["問題"]
    assert "メッセージをピン留め" in fields["問題"]

    await give_back(world)  # the bot looks again at once: the same message, pinned
    await eventually(lambda: guide(sb, world.guild_id)["pinned"])
    assert guide(sb, world.guild_id)["id"] == posted["id"]
    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status")
    assert "Problems" not in {f["name"] for f in status.embeds[0]["fields"]}
    assert INVITE_PERMISSIONS & Perm.PIN_MESSAGES
