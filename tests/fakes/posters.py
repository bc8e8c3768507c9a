"""Shared by the poster tests (end-to-end through the sandbox): the REST routes a board costs,
the sandbox's posts and board channels, and `/poster setup` and `/poster claim` as a member
types them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bot.sandbox.sandbox import Sandbox
from tests.world import World

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "POST /webhooks/{application_id}/{interaction_token}"
CREATE_CHANNEL = "POST /guilds/{guild_id}/channels"
CREATE_POST = "POST /channels/{channel_id}/threads"
POST_MESSAGE = "POST /channels/{channel_id}/messages"
THREAD_FROM_MESSAGE = "POST /channels/{channel_id}/messages/{message_id}/threads"
DELETE_CHANNEL = "DELETE /channels/{channel_id}"
EDIT_MESSAGE = "PATCH /channels/{channel_id}/messages/{message_id}"
START = datetime(2026, 7, 1, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
FORUM, TEXT = 15, 0


def routes(sb: Sandbox) -> Counter[str]:
    return Counter(r.route for r in sb.requests if r.method != "GET")


def place_type(community: bool) -> int:
    return FORUM if community else TEXT


def opening_a_post(community: bool) -> Counter[str]:
    """The requests that open one post: a forum post, or a message and its thread."""
    if community:
        return Counter({CREATE_POST: 1})
    return Counter({POST_MESSAGE: 1, THREAD_FROM_MESSAGE: 1})


def posts_opened(sb: Sandbox, community: bool) -> int:
    return routes(sb)[CREATE_POST if community else THREAD_FROM_MESSAGE]


def first_message(sb: Sandbox, post: dict[str, Any]) -> dict[str, Any]:
    """A post's first message: in the forum post itself, or in the text channel (same id)."""
    for channel_id in (int(post["id"]), int(post["parent_id"])):
        for message in sb.messages(channel_id):
            if message["id"] == post["id"]:
                return message
    raise AssertionError(f"post {post['id']} has no first message")


def channels_of(sb: Sandbox, guild_id: int, kind: int) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in sb.channels(guild_id) if c["type"] == kind}


def posts(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return channels_of(sb, guild_id, 11)


def board_channels(sb: Sandbox, guild_id: int) -> dict[str, dict[str, Any]]:
    return {n: c for n, c in channels_of(sb, guild_id, 2).items() if " · " in n}


async def text_of(result: Any) -> str:
    if result.response_type == 5:
        await result.wait_followups(1)
        return str(result.followups[0]["content"])
    return str(result.content or "")


async def setup_posters(world: World, boards: int = 10, name: str = "Posters A") -> str:
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "poster setup",
        options={"name": name, "start": "14:00", "duration": 90, "boards": boards},
        locale="en-US",
    )
    return await text_of(result)


async def claim(
    world: World, user: int, title: str, *, board: int | None = None, **extra: Any
) -> str:
    options: dict[str, Any] = {"title": title, "abstract": f"About {title}.", **extra}
    if board is not None:
        options["board"] = board
    result = await world.sb.invoke(
        world.guild_id, user, "poster claim", options=options, locale="en-US"
    )
    return await text_of(result)


def members(world: World, count: int, prefix: str = "presenter") -> list[int]:
    return [
        int(world.sb.add_member(world.guild_id, name=f"{prefix}{n}")["id"]) for n in range(count)
    ]
