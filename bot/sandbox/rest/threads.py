"""Threads and forum posts."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox import errors, limits, messages
from bot.sandbox import permissions as p
from bot.sandbox.errors import FormErrors
from bot.sandbox.rest import Ctx, Reply, router
from bot.sandbox.state import (
    FORUM,
    MEDIA,
    NEWS,
    NEWS_THREAD,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    TEXT,
    GuildState,
    iso_now,
)

ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)


def _check_thread_body(body: dict[str, Any]) -> None:
    errs = FormErrors()
    if body.get("name") is None:
        errs.add(["name"], "BASE_TYPE_REQUIRED", "This field is required")
    else:
        errs.length(["name"], str(body["name"]), 1, 100)
    dur = body.get("auto_archive_duration")
    if dur is not None and int(dur) not in ARCHIVE_DURATIONS:
        errs.add(
            ["auto_archive_duration"],
            "BASE_TYPE_CHOICES",
            f"Value must be one of {ARCHIVE_DURATIONS}.",
        )
    errs.raise_if_any()


def thread_payload(
    ctx: Ctx,
    guild: GuildState,
    parent: dict[str, Any],
    thread_id: int,
    body: dict[str, Any],
    ctype: int,
) -> dict[str, Any]:
    now = iso_now()
    thread: dict[str, Any] = {
        "id": str(thread_id),
        "type": ctype,
        "guild_id": str(guild.id),
        "parent_id": parent["id"],
        "owner_id": str(ctx.sb.bot_user_id),
        "name": str(body["name"]),
        "last_message_id": None,
        "rate_limit_per_user": int(body.get("rate_limit_per_user") or 0),
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "applied_tags": [str(t) for t in body.get("applied_tags") or []],
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": int(body.get("auto_archive_duration") or 4320),
            "archive_timestamp": now,
            "locked": False,
            "create_timestamp": now,
            **({"invitable": bool(body.get("invitable", True))} if ctype == PRIVATE_THREAD else {}),
        },
        "member": {
            "id": str(thread_id),
            "user_id": str(ctx.sb.bot_user_id),
            "join_timestamp": now,
            "flags": 0,
        },
        "permission_overwrites": [],
        "position": 0,
        "nsfw": False,
    }
    return thread


def _register(ctx: Ctx, guild: GuildState, thread: dict[str, Any]) -> None:
    ctx.sb.state.register_channel(guild, thread)
    ctx.sb.dispatch("THREAD_CREATE", {**copy.deepcopy(thread), "newly_created": True})


@router.add("POST", "/channels/{channel_id}/threads")
async def start_thread(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, parent = state.channel(ctx.id("channel_id"))
    body = ctx.json
    _check_thread_body(body)
    if parent["type"] in (FORUM, MEDIA):
        state.require_channel(guild, parent, p.SEND_MESSAGES)
        first = body.get("message")
        if not isinstance(first, dict):
            raise errors.field_error(["message"], "BASE_TYPE_REQUIRED", "This field is required")
        limits.check_message(first, files=len(ctx.files))
        if first.get("embeds"):
            state.require_channel(guild, parent, p.EMBED_LINKS)
        if ctx.files:
            state.require_channel(guild, parent, p.ATTACH_FILES)
        tid = ctx.sb.ids.next()
        thread = thread_payload(ctx, guild, parent, tid, body, PUBLIC_THREAD)
        _register(ctx, guild, thread)
        msg = messages.build(ctx.sb, guild, thread, first, ctx.files)
        msg["id"] = str(tid)
        messages.store(ctx.sb, guild, thread, msg)
        parent["last_message_id"] = str(tid)
        return Reply(201, {**copy.deepcopy(thread), "message": copy.deepcopy(msg)})
    if parent["type"] not in (TEXT, NEWS):
        raise errors.field_error(["type"], "CHANNEL_TYPE_INVALID", "Invalid thread parent")
    ctype = int(body.get("type") or (NEWS_THREAD if parent["type"] == NEWS else PRIVATE_THREAD))
    needed = p.CREATE_PRIVATE_THREADS if ctype == PRIVATE_THREAD else p.CREATE_PUBLIC_THREADS
    state.require_channel(guild, parent, needed)
    thread = thread_payload(ctx, guild, parent, ctx.sb.ids.next(), body, ctype)
    _register(ctx, guild, thread)
    return Reply(201, copy.deepcopy(thread))


@router.add("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def start_thread_from_message(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, parent = state.channel(ctx.id("channel_id"))
    body = ctx.json
    _check_thread_body(body)
    state.require_channel(guild, parent, p.CREATE_PUBLIC_THREADS | p.READ_MESSAGE_HISTORY)
    msg = state.message(int(parent["id"]), ctx.id("message_id"))
    if int(msg["id"]) in guild.channels:
        raise errors.ApiError(400, "A thread has already been created for this message", 160004)
    ctype = NEWS_THREAD if parent["type"] == NEWS else PUBLIC_THREAD
    thread = thread_payload(ctx, guild, parent, int(msg["id"]), body, ctype)
    _register(ctx, guild, thread)
    msg["thread"] = copy.deepcopy(thread)
    msg["flags"] = int(msg["flags"]) | 32
    messages.dispatch_update(ctx.sb, msg)
    return Reply(201, copy.deepcopy(thread))


async def edit_thread(ctx: Ctx, guild: GuildState, thread: dict[str, Any]) -> Reply:
    from bot.sandbox.rest.channels import _check_rename

    state = ctx.sb.state
    body = ctx.json
    if int(thread["owner_id"]) != ctx.sb.bot_user_id or body.get("locked") is not None:
        state.require_channel(guild, thread, p.MANAGE_THREADS)
    errs = FormErrors()
    if body.get("name") is not None:
        errs.length(["name"], str(body["name"]), 1, 100)
    dur = body.get("auto_archive_duration")
    if dur is not None and int(dur) not in ARCHIVE_DURATIONS:
        errs.add(
            ["auto_archive_duration"],
            "BASE_TYPE_CHOICES",
            f"Value must be one of {ARCHIVE_DURATIONS}.",
        )
    errs.raise_if_any()
    if body.get("name") is not None and body["name"] != thread["name"]:
        _check_rename(ctx, thread)
        thread["name"] = str(body["name"])
    meta = thread["thread_metadata"]
    for key in ("archived", "locked", "auto_archive_duration", "invitable"):
        if body.get(key) is not None:
            meta[key] = body[key]
    if body.get("archived") is not None:
        meta["archive_timestamp"] = iso_now()
    for key in ("rate_limit_per_user", "flags"):
        if body.get(key) is not None:
            thread[key] = body[key]
    if body.get("applied_tags") is not None:
        thread["applied_tags"] = [str(t) for t in body["applied_tags"]]
    ctx.sb.dispatch("THREAD_UPDATE", copy.deepcopy(thread))
    return Reply(200, copy.deepcopy(thread))
