"""`/workshop setup` and `/workshop status` end to end through the sandbox Discord."""

from __future__ import annotations

from collections import Counter

from bot.domain.permissions import Perm
from bot.domain.structure import Purpose
from bot.sandbox.sandbox import Sandbox
from bot.store.db import Database
from bot.store.structure_repo import StructureRepository
from tests.world import World

CATEGORY, TEXT = 4, 0
SETUP_ROUTES = Counter(
    {
        # category + 3 text channels + #backstage (qa), overwrites included
        "POST /guilds/{guild_id}/channels": 5,
        # the first board message, the attendance notice, the guide in #help
        "POST /channels/{channel_id}/messages": 3,
        "PUT /channels/{channel_id}/messages/pins/{message_id}": 1,  # the guide, pinned
        "POST /interactions/{interaction_id}/{interaction_token}/callback": 1,  # defer
        "POST /webhooks/{application_id}/{interaction_token}": 1,  # the ephemeral report
    }
)


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests)


def owned(sb: Sandbox, guild_id: int) -> dict[str, dict]:  # type: ignore[type-arg]
    """The channels a first setup creates, by name."""
    return {c["name"]: c for c in sb.channels(guild_id) if c["type"] in (CATEGORY, TEXT)}


def overwrite(channel: dict, target: int) -> tuple[int, int]:  # type: ignore[type-arg]
    for o in channel["permission_overwrites"]:
        if int(o["id"]) == target:
            return int(o["allow"]), int(o["deny"])
    raise AssertionError(f"no overwrite for {target} on #{channel['name']}")


async def test_setup_creates_the_structure_in_the_minimum_number_of_requests(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    sb.clear_requests()

    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await result.wait_followups(1)

    assert result.response_type == 5 and result.ephemeral
    report = result.followups[0]
    assert report["flags"] & 64, "the report must be ephemeral"
    assert report["embeds"][0]["title"] == "Workshop structure is ready"
    assert routes(sb) == SETUP_ROUTES
    assert len(sb.requests) == 11
    assert not sb.rejected

    channels = owned(sb, world.guild_id)
    assert set(channels) == {"Workshop info", "announcements", "lobby", "help", "backstage"}
    category = channels["Workshop info"]
    assert category["type"] == CATEGORY
    for name in ("announcements", "lobby", "help"):
        assert channels[name]["type"] == TEXT
        assert channels[name]["parent_id"] == category["id"]

    # Attendees read #announcements and #lobby; organizers and the bot write; #help is open.
    for name in ("announcements", "lobby"):
        allow, deny = overwrite(channels[name], world.guild_id)
        assert allow & Perm.VIEW_CHANNEL and deny & Perm.SEND_MESSAGES
        allow, _ = overwrite(channels[name], world.organizer_role_id)
        assert allow & Perm.SEND_MESSAGES
        allow, _ = overwrite(channels[name], sb.bot_user_id)
        assert allow & Perm.SEND_MESSAGES and allow & Perm.EMBED_LINKS
    assert channels["help"]["permission_overwrites"] == []

    board = sb.messages(int(channels["lobby"]["id"]))
    assert len(board) == 1
    assert board[0]["embeds"][0]["title"] == "🗺️ Live room board"

    # The ids are recorded in the database.
    items = {i.purpose: i for i in await world.bots[0].services.structure.items(world.guild_id)}
    assert items[Purpose.LOBBY].discord_id == int(channels["lobby"]["id"])
    assert items[Purpose.LOBBY_BOARD].discord_id == int(board[0]["id"])


async def test_second_run_creates_nothing(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    first = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await first.wait_followups(1)
    before = owned(sb, world.guild_id)
    sb.clear_requests()

    again = await sb.invoke(world.guild_id, world.admin_id, "workshop setup")
    await again.wait_followups(1)
    assert routes(sb) == Counter(
        {
            "POST /interactions/{interaction_id}/{interaction_token}/callback": 1,
            "POST /webhooks/{application_id}/{interaction_token}": 1,
        }
    )
    assert owned(sb, world.guild_id) == before
    embed = again.followups[0]["embeds"][0]
    assert embed["title"] == "Workshop structure was already complete"
    assert embed["description"].count("already there") == 6  # the guide in #help too


async def test_hand_deleted_channel_is_recreated_and_rerecorded(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    old_help = owned(sb, world.guild_id)["help"]
    sb.clear_requests()

    sb.delete_channel(int(old_help["id"]))  # an organizer deletes #help by hand
    await world.settle()

    new_help = owned(sb, world.guild_id)["help"]
    assert new_help["id"] != old_help["id"]
    assert new_help["parent_id"] == old_help["parent_id"]
    # The new #help gets the guide again, pinned.
    assert routes(sb) == Counter(
        {
            "POST /guilds/{guild_id}/channels": 1,
            "POST /channels/{channel_id}/messages": 1,
            "PUT /channels/{channel_id}/messages/pins/{message_id}": 1,
        }
    )
    (guide,) = sb.messages(int(new_help["id"]))
    assert guide["pinned"]
    items = {i.purpose: i for i in await bot.services.structure.items(world.guild_id)}
    assert items[Purpose.HELP].discord_id == int(new_help["id"])

    # Setup afterwards finds everything.
    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await result.wait_followups(1)
    assert result.followups[0]["embeds"][0]["title"] == "Workshop structure was already complete"


async def test_deleted_category_is_recreated_with_its_channels_moved_back(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    before = owned(sb, world.guild_id)
    sb.clear_requests()

    sb.delete_channel(int(before["Workshop info"]["id"]))
    await world.settle()

    after = owned(sb, world.guild_id)
    category = after["Workshop info"]
    assert category["id"] != before["Workshop info"]["id"]
    for name in ("announcements", "lobby", "help"):
        assert after[name]["id"] == before[name]["id"]
        assert after[name]["parent_id"] == category["id"]
    assert routes(sb) == Counter(
        {"POST /guilds/{guild_id}/channels": 1, "PATCH /channels/{channel_id}": 3}
    )


async def test_hand_deleted_board_message_is_reposted(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    lobby = int(owned(sb, world.guild_id)["lobby"]["id"])
    (board,) = sb.messages(lobby)
    sb.delete_message(lobby, int(board["id"]))
    await world.settle()
    (again,) = sb.messages(lobby)
    assert again["id"] != board["id"]


async def test_non_organizer_is_refused_in_their_language_and_nothing_changes(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    sb.clear_requests()

    refused = await sb.invoke(world.guild_id, world.attendee_id, "workshop setup", locale="ja")
    assert refused.response_type == 4 and refused.ephemeral
    assert refused.content is not None and "運営のみ" in refused.content
    english = await sb.invoke(world.guild_id, world.attendee_id, "workshop status", locale="en-US")
    assert english.content is not None and english.content.startswith("Only organizers")

    assert routes(sb) == Counter(
        {"POST /interactions/{interaction_id}/{interaction_token}/callback": 2}
    )
    assert owned(sb, world.guild_id) == {}
    assert await world.bots[0].services.structure.items(world.guild_id) == []


async def test_restart_on_the_same_database_creates_no_duplicates(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    before = owned(sb, world.guild_id)
    await world.stop_bot(bot)
    sb.clear_requests()

    await world.start_bot(sync=False)
    # On start the bot only checks that its board message and the guide in #help still exist
    # (one GET each) and reads which commands are registered (one GET).
    writes = [r for r in sb.requests if r.method != "GET"]
    assert writes == []
    assert routes(sb)["GET /channels/{channel_id}/messages/{message_id}"] == 2
    assert routes(sb)["GET /applications/{application_id}/guilds/{guild_id}/commands"] == 1

    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await result.wait_followups(1)
    assert owned(sb, world.guild_id) == before
    assert len(sb.messages(int(before["lobby"]["id"]))) == 1


async def test_things_deleted_while_the_bot_was_down_are_recreated_on_start(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    before = owned(sb, world.guild_id)
    await world.stop_bot(bot)

    sb.delete_channel(int(before["announcements"]["id"]))
    lobby = int(before["lobby"]["id"])
    (board,) = sb.messages(lobby)
    sb.delete_message(lobby, int(board["id"]))

    await world.start_bot(sync=False)
    after = owned(sb, world.guild_id)
    assert after["announcements"]["id"] != before["announcements"]["id"]
    assert after["announcements"]["parent_id"] == before["Workshop info"]["id"]
    (new_board,) = sb.messages(lobby)
    assert new_board["id"] != board["id"]


async def test_status_shows_structure_channels_and_voice(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    before = await sb.invoke(world.guild_id, world.organizer_id, "workshop status")
    assert before.ephemeral
    assert "Not set up yet" in before.embeds[0]["fields"][0]["value"]

    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    voice = sb.add_channel(world.guild_id, "Hallway", 2)
    sb.set_voice_state(world.guild_id, world.attendee_id, int(voice["id"]))
    await world.settle()

    status = await sb.invoke(world.guild_id, world.organizer_id, "workshop status", locale="ja")
    embed = status.embeds[0]
    assert embed["title"] == "ワークショップの状況"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["構成"].count("✅") == 4
    assert "セッション：0" in fields["プログラム"]
    assert fields["チャンネル数"].startswith(f"{len(sb.channels(world.guild_id))} / 500")
    assert fields["ボイス参加者"] == "1チャンネルに1人"


async def test_reply_language_follows_the_reader(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup", locale="ja")
    await result.wait_followups(1)
    assert result.followups[0]["embeds"][0]["title"] == "ワークショップの構成を準備しました"
    # What is posted to channels uses the workshop's locale (en by default).
    assert "lobby" in owned(sb, world.guild_id)


async def test_japanese_workshop_names_its_channels_in_japanese(world: World) -> None:
    sb = world.sb
    await world.start_bot(locale="ja")
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    assert set(owned(sb, world.guild_id)) == {
        "ワークショップ案内",
        "お知らせ",
        "ロビー",
        "ヘルプ",
        "バックステージ",
    }


async def test_setup_survives_a_rate_limit_without_duplicates(world: World) -> None:
    sb = world.sb
    await world.start_bot()
    sb.inject_fault("POST /guilds/{guild_id}/channels", status=429, retry_after=0.2, times=1)
    sb.inject_fault("POST /channels/{channel_id}/messages", status=502, times=1)
    result = await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")
    await result.wait_followups(1, timeout=10)
    assert set(owned(sb, world.guild_id)) == {
        "Workshop info",
        "announcements",
        "lobby",
        "help",
        "backstage",
    }
    assert len(sb.messages(int(owned(sb, world.guild_id)["lobby"]["id"]))) == 1


async def test_database_file_is_the_one_configured(world: World) -> None:
    await world.start_bot()
    assert world.database.exists()
    db = Database(world.database)
    await db.open()
    try:
        assert await StructureRepository(db).all(world.guild_id) == []
    finally:
        await db.close()
