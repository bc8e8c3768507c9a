"""Stage instances and the bot's own member (nickname)."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox import errors
from bot.sandbox import permissions as p
from bot.sandbox.errors import ApiError, FormErrors
from bot.sandbox.rest import Ctx, Reply, router
from bot.sandbox.state import STAGE, GuildState

STAGE_MODERATOR = p.MANAGE_CHANNELS | p.MUTE_MEMBERS | p.MOVE_MEMBERS


@router.add("POST", "/stage-instances")
async def create_stage_instance(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    body = ctx.json
    guild, channel = state.channel(int(body.get("channel_id") or 0))
    if channel["type"] != STAGE:
        raise errors.field_error(
            ["channel_id"], "CHANNEL_TYPE_INVALID", "Channel must be a stage channel"
        )
    state.require_channel(guild, channel, STAGE_MODERATOR)
    errs = FormErrors()
    errs.length(["topic"], body.get("topic"), 1, 120)
    if body.get("topic") is None:
        errs.add(["topic"], "BASE_TYPE_REQUIRED", "This field is required")
    errs.raise_if_any()
    instances = guild.stage_instances
    if int(channel["id"]) in instances:
        raise ApiError(400, "A stage instance already exists for this channel", 150006)
    instance = {
        "id": str(ctx.sb.ids.next()),
        "guild_id": str(guild.id),
        "channel_id": channel["id"],
        "topic": body["topic"],
        "privacy_level": int(body.get("privacy_level") or 2),
        "discoverable_disabled": False,
        "guild_scheduled_event_id": str(body["guild_scheduled_event_id"])
        if body.get("guild_scheduled_event_id")
        else None,
    }
    instances[int(channel["id"])] = instance
    ctx.sb.dispatch("STAGE_INSTANCE_CREATE", copy.deepcopy(instance))
    return Reply(200, copy.deepcopy(instance))


def _instance(ctx: Ctx) -> tuple[GuildState, dict[str, Any]]:
    guild, channel = ctx.sb.state.channel(ctx.id("channel_id"))
    instance = guild.stage_instances.get(int(channel["id"]))
    if instance is None:
        raise ApiError(404, "Unknown Stage Instance", 10067)
    return guild, instance


@router.add("GET", "/stage-instances/{channel_id}")
async def get_stage_instance(ctx: Ctx) -> Reply:
    _, instance = _instance(ctx)
    return Reply(200, copy.deepcopy(instance))


@router.add("PATCH", "/stage-instances/{channel_id}")
async def edit_stage_instance(ctx: Ctx) -> Reply:
    guild, channel = ctx.sb.state.channel(ctx.id("channel_id"))
    _, instance = _instance(ctx)
    ctx.sb.state.require_channel(guild, channel, STAGE_MODERATOR)
    errs = FormErrors()
    if ctx.json.get("topic") is not None:
        errs.length(["topic"], str(ctx.json["topic"]), 1, 120)
        instance["topic"] = ctx.json["topic"]
    errs.raise_if_any()
    ctx.sb.dispatch("STAGE_INSTANCE_UPDATE", copy.deepcopy(instance))
    return Reply(200, copy.deepcopy(instance))


@router.add("DELETE", "/stage-instances/{channel_id}")
async def delete_stage_instance(ctx: Ctx) -> Reply:
    guild, channel = ctx.sb.state.channel(ctx.id("channel_id"))
    _, instance = _instance(ctx)
    ctx.sb.state.require_channel(guild, channel, STAGE_MODERATOR)
    del guild.stage_instances[int(channel["id"])]
    ctx.sb.dispatch("STAGE_INSTANCE_DELETE", copy.deepcopy(instance))
    return Reply(204)


@router.add("PATCH", "/guilds/{guild_id}/members/@me")
async def edit_me(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    member = state.member(guild, ctx.sb.bot_user_id)
    if "nick" in ctx.json:
        state.require_guild(guild, p.CHANGE_NICKNAME)
        errs = FormErrors()
        if ctx.json["nick"] is not None:
            errs.length(["nick"], str(ctx.json["nick"]), 1, 32)
        errs.raise_if_any()
        member["nick"] = ctx.json["nick"]
    ctx.sb.dispatch("GUILD_MEMBER_UPDATE", {**copy.deepcopy(member), "guild_id": str(guild.id)})
    return Reply(200, copy.deepcopy(member))
