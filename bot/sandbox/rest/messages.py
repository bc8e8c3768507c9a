"""Channel messages: send (JSON or multipart), list, fetch, edit, delete."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox import errors, limits, messages
from bot.sandbox import permissions as p
from bot.sandbox.errors import ApiError, FormErrors
from bot.sandbox.rest import Ctx, Reply, dms, router
from bot.sandbox.state import CATEGORY, FORUM, MEDIA, THREAD_TYPES, GuildState

NON_TEXT = (CATEGORY, FORUM, MEDIA)


def check_send(
    ctx: Ctx, guild: GuildState, channel: dict[str, Any], body: dict[str, Any], n_files: int
) -> None:
    state = ctx.sb.state
    if channel["type"] in NON_TEXT:
        state.require_channel(guild, channel, p.VIEW_CHANNEL)
        raise ApiError(400, "Cannot send messages in a non-text channel", 50008)
    send = p.SEND_MESSAGES_IN_THREADS if channel["type"] in THREAD_TYPES else p.SEND_MESSAGES
    state.require_channel(guild, channel, send)
    if channel["type"] in THREAD_TYPES and channel["thread_metadata"].get("locked"):
        state.require_channel(guild, channel, p.MANAGE_THREADS)
    limits.check_message(body, files=n_files)
    if body.get("embeds"):
        state.require_channel(guild, channel, p.EMBED_LINKS)
    if n_files:
        state.require_channel(guild, channel, p.ATTACH_FILES)


def _readable(ctx: Ctx) -> tuple[GuildState | None, dict[str, Any]]:
    guild, channel = ctx.sb.state.place(ctx.id("channel_id"))
    ctx.sb.state.require_channel(guild, channel, p.VIEW_CHANNEL | p.READ_MESSAGE_HISTORY)
    return guild, channel


@router.add("POST", "/channels/{channel_id}/messages")
async def send_message(ctx: Ctx) -> Reply:
    guild, channel = ctx.sb.state.place(ctx.id("channel_id"))
    body = ctx.json
    if guild is None:
        dms.check_dm_send(ctx, channel)
        limits.check_message(body, files=len(ctx.files))
    else:
        check_send(ctx, guild, channel, body, len(ctx.files))
    ref = body.get("message_reference")
    if ref and ref.get("message_id") is not None:
        ref_channel = int(ref.get("channel_id") or channel["id"])
        if int(ref["message_id"]) not in ctx.sb.state.messages.get(ref_channel, {}):
            if ref.get("fail_if_not_exists", True):
                raise errors.field_error(
                    ["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
            body = {k: v for k, v in body.items() if k != "message_reference"}
    msg = messages.build(ctx.sb, guild, channel, body, ctx.files, msg_type=19 if ref else 0)
    if channel["type"] in THREAD_TYPES and channel["thread_metadata"]["archived"]:
        channel["thread_metadata"]["archived"] = False
        ctx.sb.dispatch("THREAD_UPDATE", copy.deepcopy(channel))
    messages.store(ctx.sb, guild, channel, msg)
    return Reply(200, copy.deepcopy(msg))


@router.add("GET", "/channels/{channel_id}/messages")
async def list_messages(ctx: Ctx) -> Reply:
    guild, channel = ctx.sb.state.place(ctx.id("channel_id"))
    ctx.sb.state.require_channel(guild, channel, p.VIEW_CHANNEL)
    if guild is not None and not ctx.sb.state.bot_channel_perms(guild, channel) & (
        p.READ_MESSAGE_HISTORY
    ):
        return Reply(200, [])  # Discord returns no messages rather than an error
    errs = FormErrors()
    try:
        limit = int(ctx.query.get("limit", 50))
    except ValueError:
        limit = -1
    if not 1 <= limit <= 100:
        errs.add(["limit"], "NUMBER_TYPE_MAX", "int value should be between 1 and 100.")
    errs.raise_if_any()
    stored = sorted(
        ctx.sb.state.messages.get(int(channel["id"]), {}).values(),
        key=lambda m: int(m["id"]),
        reverse=True,
    )
    if "before" in ctx.query:
        stored = [m for m in stored if int(m["id"]) < int(ctx.query["before"])]
    if "after" in ctx.query:
        stored = [m for m in stored if int(m["id"]) > int(ctx.query["after"])]
        stored = sorted(stored, key=lambda m: int(m["id"]))[:limit][::-1]
    if "around" in ctx.query:
        pivot = int(ctx.query["around"])
        older = [m for m in stored if int(m["id"]) <= pivot][: (limit + 1) // 2]
        newer = [m for m in stored if int(m["id"]) > pivot][-(limit // 2) :] if limit > 1 else []
        stored = newer + older
    return Reply(200, copy.deepcopy(stored[:limit]))


@router.add("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_message(ctx: Ctx) -> Reply:
    _, channel = _readable(ctx)
    return Reply(200, copy.deepcopy(ctx.sb.state.message(int(channel["id"]), ctx.id("message_id"))))


@router.add("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit_message(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = state.place(ctx.id("channel_id"))
    state.require_channel(guild, channel, p.VIEW_CHANNEL)
    msg = state.message(int(channel["id"]), ctx.id("message_id"))
    body = ctx.json
    if channel["type"] in THREAD_TYPES and channel["thread_metadata"]["archived"]:
        # Discord: "Tried to perform an operation on an archived thread, such as editing a
        # message" (sending one unarchives the thread; editing does not).
        raise ApiError(400, "Thread is archived", 50083)
    if int(msg["author"]["id"]) != ctx.sb.bot_user_id or msg.get("webhook_id"):
        if set(body) - {"flags"}:
            raise ApiError(403, "Cannot edit a message authored by another user", 50005)
        if guild is None:
            raise ApiError(403, "Cannot execute action on a DM channel", 50003)
        state.require_channel(guild, channel, p.MANAGE_MESSAGES)
    if body.get("embeds"):
        state.require_channel(guild, channel, p.EMBED_LINKS)
    if ctx.files:
        state.require_channel(guild, channel, p.ATTACH_FILES)
    messages.apply_edit(ctx.sb, guild, channel, msg, body, ctx.files)
    messages.dispatch_update(ctx.sb, msg)
    return Reply(200, copy.deepcopy(msg))


@router.add("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete_message(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = state.place(ctx.id("channel_id"))
    state.require_channel(guild, channel, p.VIEW_CHANNEL)
    msg = state.message(int(channel["id"]), ctx.id("message_id"))
    if int(msg["author"]["id"]) != ctx.sb.bot_user_id:
        if guild is None:  # nobody may delete the other person's DMs
            raise ApiError(403, "Cannot execute action on a DM channel", 50003)
        state.require_channel(guild, channel, p.MANAGE_MESSAGES)
    del state.messages[int(channel["id"])][int(msg["id"])]
    event = {"id": msg["id"], "channel_id": channel["id"]}
    if guild is not None:
        event["guild_id"] = str(guild.id)
    ctx.sb.dispatch("MESSAGE_DELETE", event)
    return Reply(204)
