"""Guild, roles and members."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox import errors, limits
from bot.sandbox import permissions as p
from bot.sandbox.activity import voice_state_payload
from bot.sandbox.errors import ApiError, FormErrors
from bot.sandbox.rest import Ctx, Reply, router
from bot.sandbox.state import GuildState


@router.add("GET", "/guilds/{guild_id}")
async def get_guild(ctx: Ctx) -> Reply:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    data = copy.deepcopy(guild.data)
    data["roles"] = copy.deepcopy(sorted(guild.roles.values(), key=lambda r: r["position"]))
    if ctx.query.get("with_counts", "").lower() in ("1", "true"):
        data["approximate_member_count"] = len(guild.members)
        data["approximate_presence_count"] = 0
    return Reply(200, data)


# ---- roles ----------------------------------------------------------------------------------
def _role_fields(ctx: Ctx, guild: GuildState, body: dict[str, Any]) -> None:
    errs = FormErrors()
    if body.get("name") is not None:
        errs.length(["name"], str(body["name"]), 1, 100)
    color = body.get("color")
    if color is not None and not 0 <= int(color) <= 0xFFFFFF:
        errs.add(
            ["color"], "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215."
        )
    errs.raise_if_any()
    if body.get("permissions") is not None:
        have = ctx.sb.state.bot_perms(guild)
        wanted = int(body["permissions"])
        if not have & p.ADMINISTRATOR and wanted & ~have:
            raise errors.missing_permissions(
                f"role grants bits the bot lacks: {p.names(wanted & ~have)}"
            )


def _manageable(ctx: Ctx, guild: GuildState, role: dict[str, Any]) -> None:
    ctx.sb.state.require_guild(guild, p.MANAGE_ROLES)
    if role["managed"]:
        raise errors.missing_permissions(f"role {role['name']!r} is managed by an integration")
    if role["position"] >= guild.top_role_position(ctx.sb.bot_user_id):
        raise errors.missing_permissions(f"role {role['name']!r} is not below the bot's top role")


@router.add("GET", "/guilds/{guild_id}/roles")
async def list_roles(ctx: Ctx) -> Reply:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    return Reply(200, copy.deepcopy(sorted(guild.roles.values(), key=lambda r: r["position"])))


@router.add("GET", "/guilds/{guild_id}/roles/{role_id}")
async def get_role(ctx: Ctx) -> Reply:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    return Reply(200, copy.deepcopy(ctx.sb.state.role(guild, ctx.id("role_id"))))


@router.add("POST", "/guilds/{guild_id}/roles")
async def create_role(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    state.require_guild(guild, p.MANAGE_ROLES)
    body = ctx.json
    _role_fields(ctx, guild, body)
    if len(guild.roles) >= limits.MAX_ROLES:
        raise errors.max_reached(30005, "Maximum number of guild roles reached (250)")
    for role in guild.roles.values():
        if role["position"] >= 1:
            role["position"] += 1
    rid = ctx.sb.ids.next()
    role = state.role_payload(
        guild,
        rid,
        str(body.get("name") or "new role"),
        int(body.get("permissions") or 0),
        position=1,
        mentionable=bool(body.get("mentionable")),
        color=int(body.get("color") or 0),
        hoist=bool(body.get("hoist")),
    )
    guild.roles[rid] = role
    ctx.sb.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": copy.deepcopy(role)})
    return Reply(200, copy.deepcopy(role))


@router.add("PATCH", "/guilds/{guild_id}/roles")
async def move_roles(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    state.require_guild(guild, p.MANAGE_ROLES)
    top = guild.top_role_position(ctx.sb.bot_user_id)
    for item in ctx.body if isinstance(ctx.body, list) else []:
        role = state.role(guild, int(item["id"]))
        _manageable(ctx, guild, role)
        if item.get("position") is not None and int(item["position"]) >= top:
            raise errors.missing_permissions("cannot move a role above the bot's top role")
        role["position"] = int(item.get("position") or role["position"])
        ctx.sb.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": copy.deepcopy(role)}
        )
    return Reply(200, copy.deepcopy(sorted(guild.roles.values(), key=lambda r: r["position"])))


@router.add("PATCH", "/guilds/{guild_id}/roles/{role_id}")
async def edit_role(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    role = state.role(guild, ctx.id("role_id"))
    _manageable(ctx, guild, role)
    _role_fields(ctx, guild, ctx.json)
    for key in ("name", "color", "hoist", "mentionable", "icon", "unicode_emoji"):
        if key in ctx.json and ctx.json[key] is not None:
            role[key] = ctx.json[key]
    if ctx.json.get("permissions") is not None:
        role["permissions"] = str(int(ctx.json["permissions"]))
    ctx.sb.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": copy.deepcopy(role)})
    return Reply(200, copy.deepcopy(role))


@router.add("DELETE", "/guilds/{guild_id}/roles/{role_id}")
async def delete_role(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    role = state.role(guild, ctx.id("role_id"))
    if int(role["id"]) == guild.id or role["managed"]:
        raise ApiError(400, "Invalid Role", 50028)
    _manageable(ctx, guild, role)
    del guild.roles[int(role["id"])]
    ctx.sb.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": role["id"]})
    for member in guild.members.values():
        if role["id"] in member["roles"]:
            member["roles"].remove(role["id"])
            ctx.sb.dispatch(
                "GUILD_MEMBER_UPDATE", {**copy.deepcopy(member), "guild_id": str(guild.id)}
            )
    for channel in guild.channels.values():
        kept = [o for o in channel.get("permission_overwrites", []) if o["id"] != role["id"]]
        if len(kept) != len(channel.get("permission_overwrites", [])):
            channel["permission_overwrites"] = kept
            ctx.sb.dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))
    return Reply(204)


# ---- members --------------------------------------------------------------------------------
def _member_update(ctx: Ctx, guild: GuildState, member: dict[str, Any]) -> None:
    ctx.sb.dispatch("GUILD_MEMBER_UPDATE", {**copy.deepcopy(member), "guild_id": str(guild.id)})


for verb in ("PUT", "DELETE"):

    @router.add(verb, "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
    async def member_role(ctx: Ctx) -> Reply:
        state = ctx.sb.state
        guild = state.guild(ctx.id("guild_id"))
        member = state.member(guild, ctx.id("user_id"))
        role = state.role(guild, ctx.id("role_id"))
        _manageable(ctx, guild, role)
        if role["managed"] or int(role["id"]) == guild.id:
            raise ApiError(400, "Invalid Role", 50028)
        had = role["id"] in member["roles"]
        if ctx.method == "PUT" and not had:
            member["roles"].append(role["id"])
        elif ctx.method == "DELETE" and had:
            member["roles"].remove(role["id"])
        if had != (ctx.method == "PUT"):
            _member_update(ctx, guild, member)
        return Reply(204)


@router.add("GET", "/guilds/{guild_id}/members/{user_id}")
async def get_member(ctx: Ctx) -> Reply:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    return Reply(200, copy.deepcopy(ctx.sb.state.member(guild, ctx.id("user_id"))))


@router.add("GET", "/guilds/{guild_id}/members")
async def list_members(ctx: Ctx) -> Reply:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    if not ctx.sb.allow_privileged_intents:
        raise errors.missing_access("listing members needs the GUILD_MEMBERS intent")
    limit = int(ctx.query.get("limit", 1))
    if not 1 <= limit <= 1000:
        raise errors.field_error(
            ["limit"], "NUMBER_TYPE_MAX", "int value should be between 1 and 1000."
        )
    after = int(ctx.query.get("after", 0))
    found = [m for uid, m in sorted(guild.members.items()) if uid > after][:limit]
    return Reply(200, copy.deepcopy(found))


@router.add("PATCH", "/guilds/{guild_id}/members/{user_id}")
async def edit_member(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    uid = ctx.id("user_id")
    member = state.member(guild, uid)
    body = ctx.json
    if "nick" in body:
        state.require_guild(
            guild, p.CHANGE_NICKNAME if uid == ctx.sb.bot_user_id else p.MANAGE_NICKNAMES
        )
        if body["nick"] is not None:
            errs = FormErrors()
            errs.length(["nick"], str(body["nick"]), 1, 32)
            errs.raise_if_any()
        if uid != ctx.sb.bot_user_id:
            # Discord: never the owner's nickname, nor that of a member whose highest role is
            # not below the bot's (role hierarchy): 403 / 50013.
            if int(guild.data["owner_id"]) == uid:
                raise errors.missing_permissions("cannot change the server owner's nickname")
            if guild.top_role_position(uid) >= guild.top_role_position(ctx.sb.bot_user_id):
                raise errors.missing_permissions("member's top role is not below the bot's")
        member["nick"] = body["nick"]
    if body.get("roles") is not None:
        wanted = {str(r) for r in body["roles"]}
        for rid in wanted ^ set(member["roles"]):
            _manageable(ctx, guild, state.role(guild, int(rid)))
        member["roles"] = sorted(wanted)
    for key, perm in (
        ("mute", p.MUTE_MEMBERS),
        ("deaf", p.DEAFEN_MEMBERS),
        ("communication_disabled_until", p.MODERATE_MEMBERS),
    ):
        if key in body:
            state.require_guild(guild, perm)
            member[key] = body[key]
    if "channel_id" in body:
        vs = guild.voice_states.get(uid)
        if vs is None:
            raise ApiError(400, "Target user is not connected to voice.", 40032)
        state.require_guild(guild, p.MOVE_MEMBERS)
        target = body["channel_id"]
        if target is not None:
            _, channel = state.channel(int(target))
            state.require_channel(guild, channel, p.CONNECT)
        new = voice_state_payload(
            guild, uid, int(target) if target else None, member, vs["session_id"]
        )
        if target is None:
            del guild.voice_states[uid]
        else:
            guild.voice_states[uid] = new
        ctx.sb.dispatch("VOICE_STATE_UPDATE", copy.deepcopy(new))
    _member_update(ctx, guild, member)
    return Reply(200, copy.deepcopy(member))
