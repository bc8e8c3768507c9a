"""Interaction rules checked with raw HTTP: the client below receives but never answers."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import discord
import pytest

from bot.sandbox import InteractionNotAnswered, Sandbox, SandboxGuild
from tests.sandbox.conftest import ClientFactory, make_client


@pytest.fixture
async def silent(sb: Sandbox, guild: SandboxGuild, connect: ClientFactory) -> int:
    """A connected client that ignores interactions; a /room open command is registered."""
    await connect(make_client())
    async with aiohttp.ClientSession() as session:
        url = f"{sb.api_base}/applications/{sb.application_id}/guilds/{guild.id}/commands"
        body = [
            {
                "name": "room",
                "description": "Rooms",
                "options": [
                    {
                        "type": 1,
                        "name": "open",
                        "description": "Open",
                        "options": [
                            {
                                "type": 3,
                                "name": "topic",
                                "description": "Topic",
                                "required": True,
                                "autocomplete": True,
                            }
                        ],
                    }
                ],
            }
        ]
        async with session.put(url, json=body, headers={"Authorization": f"Bot {sb.token}"}) as r:
            assert r.status == 200
    return int(sb.add_member(guild.id, name="alice")["id"])


async def _fire(
    sb: Sandbox, guild: SandboxGuild, user: int, **kw: Any
) -> tuple[asyncio.Task[Any], str, str]:
    before = len(sb.gateway_events)
    task = asyncio.create_task(sb.invoke(guild.id, user, "room open", options={"topic": "x"}, **kw))
    for _ in range(100):
        found = [d for op, t, d in sb.gateway_events[before:] if t == "INTERACTION_CREATE"]
        if found:
            return task, found[0]["id"], found[0]["token"]
        await asyncio.sleep(0.01)
    raise AssertionError("no INTERACTION_CREATE was sent")


async def _call(method: str, url: str, body: Any = None) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.request(method, url, json=body) as resp:
        return resp.status, (await resp.json() if resp.status != 204 else None)


async def test_followup_before_response_and_expiry(
    sb: Sandbox, guild: SandboxGuild, silent: int
) -> None:
    now = [100.0]
    sb.clock = lambda: now[0]
    task, iid, token = await _fire(sb, guild, silent, timeout=5)
    hook = f"{sb.api_base}/webhooks/{sb.application_id}/{token}"
    assert await _call("POST", hook + "?wait=true", {"content": "early"}) == (
        404,
        {"message": "Unknown Webhook", "code": 10015},
    )
    status, _ = await _call(
        "POST",
        f"{sb.api_base}/interactions/{iid}/{token}/callback",
        {"type": 5, "data": {"flags": 64}},
    )
    assert status == 204
    result = await task
    assert result.response_type == 5 and result.ephemeral
    status, msg = await _call("PATCH", hook + "/messages/@original", {"content": "done"})
    assert status == 200 and msg["content"] == "done" and result.content == "done"
    now[0] += 15 * 60 + 1
    assert await _call("POST", hook + "?wait=true", {"content": "late"}) == (
        401,
        {"message": "Invalid Webhook Token", "code": 50027},
    )


async def test_wrong_callback_type_and_with_response(
    sb: Sandbox, guild: SandboxGuild, silent: int
) -> None:
    task, iid, token = await _fire(sb, guild, silent, timeout=5)
    url = f"{sb.api_base}/interactions/{iid}/{token}/callback"
    status, body = await _call("POST", url, {"type": 8, "data": {"choices": []}})
    assert status == 400 and body["code"] == 50035
    status, body = await _call(
        "POST", url + "?with_response=true", {"type": 4, "data": {"content": "hi"}}
    )
    assert status == 200
    assert body["interaction"]["id"] == iid and body["resource"]["message"]["content"] == "hi"
    result = await task
    assert result.content == "hi" and result.errors and result.error is not None


async def test_bad_modal_and_components_are_rejected(
    sb: Sandbox, guild: SandboxGuild, silent: int
) -> None:
    task, iid, token = await _fire(sb, guild, silent, timeout=5)
    url = f"{sb.api_base}/interactions/{iid}/{token}/callback"
    long_title = {
        "type": 9,
        "data": {
            "custom_id": "m",
            "title": "t" * 46,
            "components": [
                {"type": 1, "components": [{"type": 4, "custom_id": "f", "label": "F", "style": 1}]}
            ],
        },
    }
    status, _ = await _call("POST", url, long_title)
    assert status == 400
    rows = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "b", "custom_id": f"b{i}"}]}
        for i in range(6)
    ]
    status, body = await _call(
        "POST", url, {"type": 4, "data": {"content": "x", "components": rows}}
    )
    assert status == 400 and "components" in body["errors"]
    status, _ = await _call("POST", url, {"type": 4, "data": {"content": ""}})
    assert status == 400
    status, _ = await _call("POST", url, {"type": 4, "data": {"content": "ok"}})
    assert status == 204
    await task


async def test_unanswered_interaction_raises(sb: Sandbox, guild: SandboxGuild, silent: int) -> None:
    sb.interaction_deadline = 0.2
    with pytest.raises(InteractionNotAnswered):
        await sb.invoke(guild.id, silent, "room open", options={"topic": "x"})
    with pytest.raises(ValueError):
        await sb.invoke(guild.id, silent, "room close")


async def test_message_content_intent(
    sb: Sandbox, guild: SandboxGuild, connect: ClientFactory
) -> None:
    client = make_client()
    seen: list[str] = []

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    await connect(client)
    channel = next(c for c in sb.channels(guild.id) if c["name"] == "general")
    channel_obj = client.get_channel(int(channel["id"]))
    assert isinstance(channel_obj, discord.TextChannel)
    await channel_obj.send("from the bot")
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    sb.post_message(channel_obj.id, alice, "secret words")
    sb.post_message(channel_obj.id, alice, f"hey <@{sb.bot_user_id}>")
    await asyncio.sleep(0.1)
    # Without MESSAGE_CONTENT only the bot's own messages and mentions of it keep content.
    assert seen == ["from the bot", "", f"hey <@{sb.bot_user_id}>"]
    assert sb.messages(channel_obj.id)[1]["content"] == "secret words"


async def test_invoke_uses_member_locale(sb: Sandbox, guild: SandboxGuild, silent: int) -> None:
    hiro = int(sb.add_member(guild.id, name="hiro", locale="ja")["id"])
    sb.interaction_deadline = 0.1
    for user, expected in ((hiro, "ja"), (silent, "en-US")):
        with pytest.raises(InteractionNotAnswered):
            await sb.invoke(guild.id, user, "room open", options={"topic": "x"})
        sent = [d for _, t, d in sb.gateway_events if t == "INTERACTION_CREATE"][-1]
        assert sent["locale"] == expected
    with pytest.raises(ValueError):
        sb.inject_fault(route="POST /guilds/{guild_id}/channel")


async def test_command_permissions_and_upload_limit(
    sb: Sandbox, guild: SandboxGuild, silent: int
) -> None:
    path = f"/applications/{sb.application_id}/guilds/{guild.id}/commands"
    admin_only = [{"name": "admin", "description": "Admin", "default_member_permissions": 32}]
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {sb.token}"}
        async with session.put(sb.api_base + path, json=admin_only, headers=headers) as resp:
            assert resp.status == 200
        channel = next(c for c in sb.channels(guild.id) if c["name"] == "general")
        form = aiohttp.FormData(quote_fields=False)
        form.add_field("payload_json", '{"content": "big"}', content_type="application/json")
        form.add_field("files[0]", b"x" * (10 * 1024 * 1024 + 1), filename="big.bin")
        url = f"{sb.api_base}/channels/{channel['id']}/messages"
        async with session.post(url, data=form, headers=headers) as resp:
            assert resp.status == 413
            assert await resp.json() == {"message": "Request entity too large", "code": 40005}
    sb.enforce_command_permissions = True
    with pytest.raises(PermissionError):
        await sb.invoke(guild.id, silent, "admin")
    sb.interaction_deadline = 0.1
    with pytest.raises(InteractionNotAnswered):  # the owner sees it; the silent client ignores it
        await sb.invoke(guild.id, guild.owner_id, "admin")
