"""Guild scheduled events with Discord's status transitions and field rules."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from bot.sandbox import errors, limits
from bot.sandbox import permissions as p
from bot.sandbox.errors import FormErrors
from bot.sandbox.rest import Ctx, Reply, router
from bot.sandbox.state import STAGE, VOICE, GuildState

STAGE_INSTANCE, VOICE_ENTITY, EXTERNAL = 1, 2, 3
SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
_TRANSITIONS = {SCHEDULED: {SCHEDULED, ACTIVE, CANCELED}, ACTIVE: {ACTIVE, COMPLETED}}


def _parse_time(errs: FormErrors, key: str, value: Any) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        errs.add([key], "DATE_TIME_TYPE_PARSE", f"Could not parse {value}. Should be ISO8601.")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _validate(
    ctx: Ctx, guild: GuildState, ev: dict[str, Any], *, creating: bool, start_changed: bool
) -> None:
    errs = FormErrors()
    errs.length(["name"], ev.get("name"), 1, 100)
    if ev.get("name") is None:
        errs.add(["name"], "BASE_TYPE_REQUIRED", "This field is required")
    if ev.get("description") is not None:
        errs.length(["description"], str(ev["description"]), 0, 1000)
    if ev.get("privacy_level") != 2:
        errs.add(["privacy_level"], "BASE_TYPE_CHOICES", "Value must be one of {2}.")
    kind = ev.get("entity_type")
    start = _parse_time(errs, "scheduled_start_time", ev.get("scheduled_start_time"))
    end = _parse_time(errs, "scheduled_end_time", ev.get("scheduled_end_time"))
    if start is None and ev.get("scheduled_start_time") is None:
        errs.add(["scheduled_start_time"], "BASE_TYPE_REQUIRED", "This field is required")
    if (
        start is not None
        and start_changed
        and ev.get("status", SCHEDULED) == SCHEDULED
        and start < ctx.sb.wall_clock()
    ):
        errs.add(
            ["scheduled_start_time"],
            "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
            "Cannot schedule event in the past.",
        )
    if start is not None and end is not None and end <= start:
        errs.add(
            ["scheduled_end_time"],
            "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
            "Cannot schedule event to end before starting.",
        )
    if kind == EXTERNAL:
        location = (ev.get("entity_metadata") or {}).get("location")
        if location is None:
            errs.add(
                ["entity_metadata", "location"], "BASE_TYPE_REQUIRED", "This field is required"
            )
        else:
            errs.length(["entity_metadata", "location"], str(location), 1, 100)
        if end is None:
            errs.add(["scheduled_end_time"], "BASE_TYPE_REQUIRED", "This field is required")
        if ev.get("channel_id") is not None:
            errs.add(
                ["channel_id"],
                "GUILD_SCHEDULED_EVENT_CHANNEL_NOT_ALLOWED",
                "Channel must be null for external events",
            )
    elif kind in (STAGE_INSTANCE, VOICE_ENTITY):
        if ev.get("channel_id") is None:
            errs.add(["channel_id"], "BASE_TYPE_REQUIRED", "This field is required")
        else:
            channel = guild.channels.get(int(ev["channel_id"]))
            wanted = STAGE if kind == STAGE_INSTANCE else VOICE
            if channel is None or channel["type"] != wanted:
                errs.add(
                    ["channel_id"],
                    "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL",
                    "Channel type does not match the entity type",
                )
            else:
                errs.raise_if_any()
                needed = p.VIEW_CHANNEL | p.CONNECT
                if kind == STAGE_INSTANCE:
                    needed |= p.MANAGE_CHANNELS | p.MUTE_MEMBERS | p.MOVE_MEMBERS
                ctx.sb.state.require_channel(guild, channel, needed)
    else:
        errs.add(["entity_type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
    errs.raise_if_any()


def _get(ctx: Ctx) -> tuple[GuildState, dict[str, Any]]:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    ev = guild.events.get(ctx.id("guild_scheduled_event_id"))
    if ev is None:
        raise errors.unknown("event")
    return guild, ev


def _out(ev: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    data = copy.deepcopy(ev)
    if ctx.query.get("with_user_count", "").lower() not in ("1", "true"):
        data.pop("user_count", None)
    return data


@router.add("GET", "/guilds/{guild_id}/scheduled-events")
async def list_events(ctx: Ctx) -> Reply:
    guild = ctx.sb.state.guild(ctx.id("guild_id"))
    return Reply(200, [_out(e, ctx) for e in guild.events.values()])


@router.add("GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
async def get_event(ctx: Ctx) -> Reply:
    _, ev = _get(ctx)
    return Reply(200, _out(ev, ctx))


@router.add("POST", "/guilds/{guild_id}/scheduled-events")
async def create_event(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild = state.guild(ctx.id("guild_id"))
    state.require_guild(guild, p.MANAGE_EVENTS)
    body = copy.deepcopy(ctx.json)
    _validate(ctx, guild, body, creating=True, start_changed=True)
    live = sum(1 for e in guild.events.values() if e["status"] in (SCHEDULED, ACTIVE))
    if live >= limits.MAX_ACTIVE_EVENTS:
        raise errors.max_reached(
            30038, "Maximum number of uncompleted guild scheduled events reached (100)"
        )
    eid = ctx.sb.ids.next()
    ev = {
        "id": str(eid),
        "guild_id": str(guild.id),
        "channel_id": str(body["channel_id"]) if body.get("channel_id") else None,
        "creator_id": str(ctx.sb.bot_user_id),
        "name": body["name"],
        "description": body.get("description"),
        "scheduled_start_time": body["scheduled_start_time"],
        "scheduled_end_time": body.get("scheduled_end_time"),
        "privacy_level": 2,
        "status": SCHEDULED,
        "entity_type": body["entity_type"],
        "entity_id": None,
        "entity_metadata": body.get("entity_metadata"),
        "creator": copy.deepcopy(state.users[ctx.sb.bot_user_id]),
        "user_count": 0,
        "image": body.get("image"),
        "recurrence_rule": body.get("recurrence_rule"),
        "auto_start": False,
        "guild_scheduled_event_exceptions": [],
    }
    guild.events[eid] = ev
    ctx.sb.dispatch("GUILD_SCHEDULED_EVENT_CREATE", copy.deepcopy(ev))
    return Reply(200, copy.deepcopy(ev))


@router.add("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
async def edit_event(ctx: Ctx) -> Reply:
    guild, ev = _get(ctx)
    ctx.sb.state.require_guild(guild, p.MANAGE_EVENTS)
    body = ctx.json
    status = body.get("status")
    if ev["status"] in (COMPLETED, CANCELED):
        raise errors.field_error(
            ["status"],
            "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
            "Cannot modify a finished event",
        )
    if status is not None and status not in _TRANSITIONS[ev["status"]]:
        raise errors.field_error(
            ["status"],
            "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION",
            f"Cannot transition from status {ev['status']} to {status}",
        )
    merged = {**ev, **copy.deepcopy(body)}
    if merged.get("entity_type") == EXTERNAL:
        merged["channel_id"] = body.get("channel_id") if "channel_id" in body else None
    start_changed = (
        "scheduled_start_time" in body
        and body["scheduled_start_time"] != ev["scheduled_start_time"]
    )
    _validate(ctx, guild, merged, creating=False, start_changed=start_changed)
    for key in (
        "channel_id",
        "entity_metadata",
        "name",
        "privacy_level",
        "scheduled_start_time",
        "scheduled_end_time",
        "description",
        "entity_type",
        "status",
        "image",
    ):
        if key in merged:
            ev[key] = merged[key]
    if ev.get("channel_id") is not None:
        ev["channel_id"] = str(ev["channel_id"])
    ctx.sb.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", copy.deepcopy(ev))
    return Reply(200, copy.deepcopy(ev))


@router.add("DELETE", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
async def delete_event(ctx: Ctx) -> Reply:
    guild, ev = _get(ctx)
    ctx.sb.state.require_guild(guild, p.MANAGE_EVENTS)
    del guild.events[int(ev["id"])]
    ctx.sb.dispatch("GUILD_SCHEDULED_EVENT_DELETE", copy.deepcopy(ev))
    return Reply(204)


def _query_int(ctx: Ctx, name: str, default: int | None) -> int | None:
    raw = ctx.query.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        kind = "snowflake" if name in ("before", "after") else "int"
        raise errors.field_error(
            [name], "NUMBER_TYPE_COERCE", f'Value "{raw}" is not {kind}.'
        ) from None


def _query_bool(ctx: Ctx, name: str) -> bool:
    raw = ctx.query.get(name)
    if raw is None:
        return False
    value = raw.lower()
    if value not in ("0", "1", "true", "false"):
        raise errors.field_error([name], "BOOLEAN_TYPE_COERCE", f'Value "{raw}" is not boolean.')
    return value in ("1", "true")


@router.add("GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/users")
async def event_users(ctx: Ctx) -> Reply:
    """Discord's rules: `limit` 1-100 (default 100); users in ascending id; `before` and
    `after` take a user id and, when both are given, only `before` counts (the page just below
    it); `with_member` adds the member object of those still in the server."""
    guild, ev = _get(ctx)
    limit = _query_int(ctx, "limit", 100)
    assert limit is not None
    if not 1 <= limit <= 100:
        raise errors.field_error(
            ["limit"], "NUMBER_TYPE_MAX", "int value should be between 1 and 100."
        )
    before = _query_int(ctx, "before", None)
    after = _query_int(ctx, "after", None)
    with_member = _query_bool(ctx, "with_member")
    users = sorted(ctx.sb.state.event_users.get(int(ev["id"]), []))
    if before is not None:
        users = [u for u in users if u < before][-limit:]
    elif after is not None:
        users = [u for u in users if u > after][:limit]
    else:
        users = users[:limit]
    out = []
    for uid in users:
        entry: dict[str, Any] = {
            "guild_scheduled_event_id": ev["id"],
            "user_id": str(uid),
            "guild_scheduled_event_exception_id": None,
            "response": 1,
            "user": copy.deepcopy(ctx.sb.state.users[uid]),
        }
        member = guild.members.get(uid)
        if with_member and member is not None:
            entry["member"] = copy.deepcopy(member)
        out.append(entry)
    return Reply(200, out)
