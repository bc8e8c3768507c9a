"""Guild channels: create, list, reorder, edit, delete, permission overwrites."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox import errors, limits
from bot.sandbox import permissions as p
from bot.sandbox.errors import ApiError, FormErrors
from bot.sandbox.guilds import remove_channel
from bot.sandbox.rest import Ctx, Reply, router
from bot.sandbox.rest.channel_rules import (
    check_fields,
    check_overwrite_bits,
    check_parent,
    check_type_available,
    normalize_name,
    parse_overwrites,
)
from bot.sandbox.state import (
    GUILD_CHANNEL_TYPES,
    NEWS,
    TEXT,
    THREAD_TYPES,
    GuildState,
)

# Fields Discord omits until they are set.
OPTIONAL_TEXT_KEYS = ("default_auto_archive_duration",)


@router.add("GET", "/guilds/{guild_id}/channels")
async def list_channels(ctx: Ctx) -> Reply:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    visible = [c for c in guild.channels.values() if c["type"] not in THREAD_TYPES]
    return Reply(200, copy.deepcopy(visible))


@router.add("POST", "/guilds/{guild_id}/channels")
async def create_channel(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    body = ctx.json
    ctype = int(body.get("type") or 0)
    errs = FormErrors()
    if ctype not in GUILD_CHANNEL_TYPES:
        errs.add(["type"], "BASE_TYPE_CHOICES", f"Value must be one of {GUILD_CHANNEL_TYPES}.")
    check_fields(errs, body, ctype, creating=True)
    errs.raise_if_any()
    if body.get("parent_id") is not None and int(body["parent_id"]) in guild.channels:
        # In a category, what counts is Manage Channels there (its overwrites may grant or take
        # it), as the client computes it.
        state.require_channel(guild, guild.channels[int(body["parent_id"])], p.MANAGE_CHANNELS)
    else:
        state.require_guild(guild, p.MANAGE_CHANNELS)
    check_type_available(guild, ctype)
    if state.guild_channel_count(guild) >= limits.MAX_GUILD_CHANNELS:
        raise errors.max_reached(30013, "Maximum number of guild channels reached (500)")
    parent_channel = check_parent(ctx, guild, body.get("parent_id"), ctype)
    if "permission_overwrites" in body and body["permission_overwrites"] is not None:
        overwrites = parse_overwrites(ctx, guild, body["permission_overwrites"])
        check_overwrite_bits(ctx, guild, overwrites, None)
    else:
        overwrites = (
            copy.deepcopy(parent_channel["permission_overwrites"]) if parent_channel else []
        )
    cid = ctx.sb.ids.next()
    position = body.get("position")
    channel = state.channel_payload(
        guild,
        cid,
        normalize_name(str(body["name"]), ctype),
        ctype,
        parent_id=int(parent_channel["id"]) if parent_channel else None,
        position=int(position) if position is not None else state.next_position(guild, ctype),
        overwrites=overwrites,
    )
    for key in (
        "topic",
        "nsfw",
        "rate_limit_per_user",
        "bitrate",
        "user_limit",
        "rtc_region",
        "video_quality_mode",
        "default_auto_archive_duration",
        "available_tags",
        "default_reaction_emoji",
        "default_sort_order",
        "default_forum_layout",
        "default_thread_rate_limit_per_user",
    ):
        if body.get(key) is not None and (key in channel or key in OPTIONAL_TEXT_KEYS):
            channel[key] = copy.deepcopy(body[key])
    state.register_channel(guild, channel)
    ctx.sb.dispatch("CHANNEL_CREATE", copy.deepcopy(channel))
    return Reply(201, copy.deepcopy(channel))


@router.add("PATCH", "/guilds/{guild_id}/channels")
async def reorder_channels(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    state.require_guild(guild, p.MANAGE_CHANNELS)
    if not isinstance(ctx.body, list):
        raise errors.field_error(
            [], "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
        )
    changed = []
    for i, item in enumerate(ctx.body):
        channel = guild.channels.get(int(item.get("id", 0)))
        if channel is None:
            raise errors.field_error([i, "id"], "CHANNEL_INVALID", "Unknown channel")
        if item.get("position") is not None:
            channel["position"] = int(item["position"])
        if "parent_id" in item:
            parent = check_parent(
                ctx, guild, item["parent_id"], channel["type"], int(channel["id"])
            )
            channel["parent_id"] = parent["id"] if parent else None
            if parent and item.get("lock_permissions"):
                channel["permission_overwrites"] = copy.deepcopy(parent["permission_overwrites"])
        changed.append(channel)
    for channel in changed:
        ctx.sb.dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))
    return Reply(204)


def _visible_channel(ctx: Ctx) -> tuple[GuildState, dict[str, Any]]:
    guild, channel = ctx.sb.state.channel(ctx.id("channel_id"))
    if not ctx.sb.state.bot_channel_perms(guild, channel) & p.VIEW_CHANNEL:
        raise errors.missing_access()
    return guild, channel


@router.add("GET", "/channels/{channel_id}")
async def get_channel(ctx: Ctx) -> Reply:
    _, channel = _visible_channel(ctx)
    return Reply(200, copy.deepcopy(channel))


def _check_rename(ctx: Ctx, channel: dict[str, Any]) -> None:
    count, window = ctx.sb.rename_limit
    now = ctx.sb.clock()
    log = [t for t in ctx.sb.state.rename_log.get(int(channel["id"]), []) if now - t < window]
    if len(log) >= count:
        retry = round(log[0] + window - now, 3)
        raise ApiError(
            429,
            "You are being rate limited.",
            0,
            extra={"retry_after": retry, "global": False},
            headers={
                "Retry-After": str(int(retry) + 1),
                "X-RateLimit-Scope": "shared",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry:.3f}",
            },
            detail="channel rename limit (2 per 10 minutes)",
        )
    log.append(now)
    ctx.sb.state.rename_log[int(channel["id"])] = log


@router.add("PATCH", "/channels/{channel_id}")
async def edit_channel(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = _visible_channel(ctx)
    body = ctx.json
    is_thread = channel["type"] in THREAD_TYPES
    if is_thread:
        from bot.sandbox.rest.threads import edit_thread

        return await edit_thread(ctx, guild, channel)
    state.require_channel(guild, channel, p.MANAGE_CHANNELS)
    errs = FormErrors()
    check_fields(errs, body, channel["type"], creating=False)
    errs.raise_if_any()
    work = copy.deepcopy(channel)
    if body.get("permission_overwrites") is not None:
        state.require_channel(guild, channel, p.MANAGE_ROLES)
        overwrites = parse_overwrites(ctx, guild, body["permission_overwrites"])
        check_overwrite_bits(ctx, guild, overwrites, channel)
        work["permission_overwrites"] = overwrites
    if "parent_id" in body:
        parent = check_parent(ctx, guild, body["parent_id"], channel["type"], int(channel["id"]))
        work["parent_id"] = parent["id"] if parent else None
        if parent and body.get("lock_permissions"):
            work["permission_overwrites"] = copy.deepcopy(parent["permission_overwrites"])
    for key in (
        "topic",
        "nsfw",
        "rate_limit_per_user",
        "bitrate",
        "user_limit",
        "rtc_region",
        "video_quality_mode",
        "default_auto_archive_duration",
        "available_tags",
        "default_reaction_emoji",
        "default_sort_order",
        "default_forum_layout",
        "position",
        "flags",
        "default_thread_rate_limit_per_user",
    ):
        if key in body and (key in work or key in OPTIONAL_TEXT_KEYS):
            work[key] = copy.deepcopy(body[key])
    if "type" in body and int(body["type"]) != channel["type"]:
        if {int(body["type"]), channel["type"]} != {TEXT, NEWS}:
            raise errors.field_error(
                ["type"], "CHANNEL_TYPE_INVALID", "Cannot convert channel type"
            )
        check_type_available(guild, int(body["type"]))
        work["type"] = int(body["type"])
    if body.get("name") is not None:
        new_name = normalize_name(str(body["name"]), work["type"])
        if new_name != channel["name"]:
            _check_rename(ctx, channel)
        work["name"] = new_name
    channel.clear()
    channel.update(work)
    ctx.sb.dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))
    return Reply(200, copy.deepcopy(channel))


@router.add("DELETE", "/channels/{channel_id}")
async def delete_channel(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = _visible_channel(ctx)
    if channel["type"] in THREAD_TYPES:
        if int(channel.get("owner_id") or 0) != ctx.sb.bot_user_id:
            state.require_channel(guild, channel, p.MANAGE_THREADS)
        state.unregister_channel(guild, int(channel["id"]))
        ctx.sb.dispatch(
            "THREAD_DELETE",
            {
                "id": channel["id"],
                "guild_id": str(guild.id),
                "parent_id": channel["parent_id"],
                "type": channel["type"],
            },
        )
        return Reply(200, copy.deepcopy(channel))
    state.require_channel(guild, channel, p.MANAGE_CHANNELS)
    remove_channel(state, guild, channel, ctx.sb.dispatch)
    return Reply(200, copy.deepcopy(channel))


@router.add("PUT", "/channels/{channel_id}/permissions/{overwrite_id}")
async def put_overwrite(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = _visible_channel(ctx)
    state.require_channel(guild, channel, p.MANAGE_ROLES)
    body = {**ctx.json, "id": ctx.id("overwrite_id")}
    if body.get("type") is None:
        raise errors.field_error(["type"], "BASE_TYPE_REQUIRED", "This field is required")
    [overwrite] = parse_overwrites(ctx, guild, [body])
    check_overwrite_bits(ctx, guild, [overwrite], channel)
    rest = [o for o in channel["permission_overwrites"] if o["id"] != overwrite["id"]]
    channel["permission_overwrites"] = [*rest, overwrite]
    ctx.sb.dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))
    return Reply(204)


@router.add("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}")
async def delete_overwrite(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = _visible_channel(ctx)
    state.require_channel(guild, channel, p.MANAGE_ROLES)
    oid = str(ctx.id("overwrite_id"))
    channel["permission_overwrites"] = [
        o for o in channel["permission_overwrites"] if o["id"] != oid
    ]
    ctx.sb.dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))
    return Reply(204)
