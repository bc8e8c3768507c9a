"""Pins, reactions, typing and bulk deletes."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from urllib.parse import unquote

from bot.sandbox import errors
from bot.sandbox import permissions as p
from bot.sandbox.errors import ApiError
from bot.sandbox.rest import Ctx, Reply, router
from bot.sandbox.state import DISCORD_EPOCH_MS, GuildState, State, iso_now

MAX_PINS = 50


@router.add("POST", "/channels/{channel_id}/typing")
async def typing(ctx: Ctx) -> Reply:
    guild, channel = ctx.sb.state.channel(ctx.id("channel_id"))
    ctx.sb.state.require_channel(guild, channel, p.SEND_MESSAGES)
    ctx.sb.dispatch(
        "TYPING_START",
        {
            "channel_id": channel["id"],
            "guild_id": str(guild.id),
            "user_id": str(ctx.sb.bot_user_id),
            "timestamp": int(dt.datetime.now(dt.UTC).timestamp()),
        },
    )
    return Reply(204)


def _pinned(ctx: Ctx, channel_id: int) -> list[dict[str, Any]]:
    stored = ctx.sb.state.messages.get(channel_id, {}).values()
    when = ctx.sb.state.pinned_at
    return sorted(
        (m for m in stored if m["pinned"]), key=lambda m: when.get(int(m["id"]), ""), reverse=True
    )


@router.add("GET", "/channels/{channel_id}/messages/pins")
async def list_pins(ctx: Ctx) -> Reply:
    guild, channel = ctx.sb.state.channel(ctx.id("channel_id"))
    ctx.sb.state.require_channel(guild, channel, p.VIEW_CHANNEL | p.READ_MESSAGE_HISTORY)
    limit = int(ctx.query.get("limit", 50))
    items = []
    for msg in _pinned(ctx, int(channel["id"]))[:limit]:
        pinned_at = ctx.sb.state.pinned_at.get(int(msg["id"]), iso_now())
        items.append({"pinned_at": pinned_at, "message": copy.deepcopy(msg)})
    return Reply(200, {"items": items, "has_more": False})


for verb in ("PUT", "DELETE"):

    @router.add(verb, "/channels/{channel_id}/messages/pins/{message_id}")
    async def pin(ctx: Ctx) -> Reply:
        state = ctx.sb.state
        guild, channel = state.channel(ctx.id("channel_id"))
        state.require_channel(guild, channel, p.VIEW_CHANNEL | p.READ_MESSAGE_HISTORY)
        if not state.bot_channel_perms(guild, channel) & (p.PIN_MESSAGES | p.MANAGE_MESSAGES):
            raise errors.missing_permissions("pinning needs PIN_MESSAGES (or MANAGE_MESSAGES)")
        msg = state.message(int(channel["id"]), ctx.id("message_id"))
        pinning = ctx.method == "PUT"
        if pinning and not msg["pinned"] and len(_pinned(ctx, int(channel["id"]))) >= MAX_PINS:
            raise ApiError(400, "Maximum number of pins reached (50)", 30003)
        msg["pinned"] = pinning
        if pinning:
            state.pinned_at[int(msg["id"])] = iso_now()
        else:
            state.pinned_at.pop(int(msg["id"]), None)
        ctx.sb.dispatch("MESSAGE_UPDATE", copy.deepcopy(msg))
        ctx.sb.dispatch(
            "CHANNEL_PINS_UPDATE",
            {
                "guild_id": str(guild.id),
                "channel_id": channel["id"],
                "last_pin_timestamp": iso_now(),
            },
        )
        return Reply(204)


def parse_emoji(raw: str) -> dict[str, Any]:
    text = unquote(raw)
    if ":" in text:
        name, _, eid = text.partition(":")
        return {"id": eid, "name": name}
    return {"id": None, "name": text}


def react(
    state: State,
    guild: GuildState,
    channel: dict[str, Any],
    msg: dict[str, Any],
    user_id: int,
    emoji: dict[str, Any],
    *,
    add: bool,
    me: bool,
) -> dict[str, Any] | None:
    """Add/remove one user's reaction; returns the gateway payload or None when nothing changed."""
    reactions = msg.setdefault("reactions", [])
    entry = next((r for r in reactions if r["emoji"] == emoji), None)
    key = (int(msg["id"]), f"{emoji['name']}:{emoji['id']}")
    users = state.reactors.setdefault(key, set())
    if add == (user_id in users):
        return None
    if add:
        users.add(user_id)
        if entry is None:
            entry = {
                "emoji": emoji,
                "count": 0,
                "me": False,
                "me_burst": False,
                "burst_colors": [],
                "count_details": {"burst": 0, "normal": 0},
            }
            reactions.append(entry)
        entry["count"] += 1
        entry["count_details"]["normal"] += 1
    else:
        users.discard(user_id)
        assert entry is not None
        entry["count"] -= 1
        entry["count_details"]["normal"] -= 1
        if entry["count"] == 0:
            reactions.remove(entry)
    if me and entry is not None:
        entry["me"] = add
    payload: dict[str, Any] = {
        "user_id": str(user_id),
        "channel_id": channel["id"],
        "message_id": msg["id"],
        "guild_id": str(guild.id),
        "emoji": emoji,
        "burst": False,
        "type": 0,
    }
    if add:
        member = guild.members.get(user_id)
        if member is not None:
            payload["member"] = copy.deepcopy(member)
        payload["message_author_id"] = msg["author"]["id"]
        payload["burst_colors"] = []
    return payload


for verb in ("PUT", "DELETE"):

    @router.add(verb, "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
    async def own_reaction(ctx: Ctx) -> Reply:
        state = ctx.sb.state
        guild, channel = state.channel(ctx.id("channel_id"))
        state.require_channel(guild, channel, p.VIEW_CHANNEL | p.READ_MESSAGE_HISTORY)
        msg = state.message(int(channel["id"]), ctx.id("message_id"))
        emoji = parse_emoji(ctx.params["emoji"])
        adding = ctx.method == "PUT"
        exists = any(r["emoji"] == emoji for r in msg.get("reactions", []))
        if adding and not exists:
            state.require_channel(guild, channel, p.ADD_REACTIONS)
        if len(msg.get("reactions", [])) >= 20 and adding and not exists:
            raise ApiError(400, "Maximum number of reactions reached (20)", 30010)
        payload = react(state, guild, channel, msg, ctx.sb.bot_user_id, emoji, add=adding, me=True)
        if payload is not None:
            event = "MESSAGE_REACTION_ADD" if adding else "MESSAGE_REACTION_REMOVE"
            ctx.sb.dispatch(event, payload)
        return Reply(204)


@router.add("POST", "/channels/{channel_id}/messages/bulk-delete")
async def bulk_delete(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = state.channel(ctx.id("channel_id"))
    state.require_channel(guild, channel, p.VIEW_CHANNEL | p.MANAGE_MESSAGES)
    ids = [int(i) for i in ctx.json.get("messages") or []]
    if not 2 <= len(ids) <= 100:
        raise errors.field_error(
            ["messages"], "BASE_TYPE_BAD_LENGTH", "Must be between 2 and 100 in length."
        )
    two_weeks_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=14)).timestamp() * 1000
    stored = state.messages.get(int(channel["id"]), {})
    for mid in ids:
        if (mid >> 22) + DISCORD_EPOCH_MS < two_weeks_ago:
            raise ApiError(
                400, "You can only bulk delete messages that are under 14 days old.", 50034
            )
        if mid not in stored:
            raise errors.unknown("message")
    for mid in ids:
        del stored[mid]
    ctx.sb.dispatch(
        "MESSAGE_DELETE_BULK",
        {"ids": [str(i) for i in ids], "channel_id": channel["id"], "guild_id": str(guild.id)},
    )
    return Reply(204)
