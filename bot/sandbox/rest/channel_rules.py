"""Channel field rules shared by channel routes: names, limits, overwrites, parents."""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox import errors, limits
from bot.sandbox import permissions as p
from bot.sandbox.errors import FormErrors
from bot.sandbox.rest import Ctx
from bot.sandbox.state import (
    CATEGORY,
    FORUM,
    MEDIA,
    NEWS,
    STAGE,
    TEXT,
    THREAD_TYPES,
    VOICE,
    GuildState,
)

TEXT_LIKE = (TEXT, NEWS, FORUM, MEDIA)
# Channel types a guild has only with a feature (Discord's "Community" server settings).
_FEATURE_OF_TYPE = {STAGE: "COMMUNITY", FORUM: "COMMUNITY", MEDIA: "COMMUNITY", NEWS: "NEWS"}


def check_type_available(guild: GuildState, ctype: int) -> None:
    """Stage, Forum and Media channels exist only in Community servers, Announcement channels
    only with NEWS: elsewhere Discord answers 400 / 50024 (as it does for a bot creating a
    stage channel in a server without Community)."""
    feature = _FEATURE_OF_TYPE.get(ctype)
    if feature is not None and feature not in guild.data.get("features", []):
        raise errors.ApiError(
            400,
            "Cannot execute action on this channel type",
            50024,
            detail=f"channel type {ctype} needs the guild feature {feature}",
        )


def normalize_name(name: str, ctype: int) -> str:
    if ctype not in TEXT_LIKE:
        return name
    out = re.sub(r"\s+", "-", name.strip().lower())
    return re.sub(r"-{2,}", "-", out)


def check_fields(errs: FormErrors, body: dict[str, Any], ctype: int, *, creating: bool) -> None:
    name = body.get("name")
    if creating and name is None:
        errs.add(["name"], "BASE_TYPE_REQUIRED", "This field is required")
    if name is not None:
        errs.length(["name"], str(name), 1, 100)
    topic = body.get("topic")
    if topic is not None:
        errs.length(["topic"], str(topic), 0, 4096 if ctype in (FORUM, MEDIA) else 1024)
    ul = body.get("user_limit")
    if ul is not None:
        hi = 99 if ctype == VOICE else 10000
        if not 0 <= int(ul) <= hi:
            errs.add(
                ["user_limit"],
                "NUMBER_TYPE_MAX",
                f"int value should be less than or equal to {hi}.",
            )
    bitrate = body.get("bitrate")
    if bitrate is not None and ctype in (VOICE, STAGE):
        hi = 96000 if ctype == VOICE else 64000
        if not 8000 <= int(bitrate) <= hi:
            errs.add(
                ["bitrate"],
                "NUMBER_TYPE_MAX" if int(bitrate) > hi else "NUMBER_TYPE_MIN",
                f"int value should be between 8000 and {hi}.",
            )
    slow = body.get("rate_limit_per_user")
    if slow is not None and not 0 <= int(slow) <= 21600:
        errs.add(
            ["rate_limit_per_user"],
            "NUMBER_TYPE_MAX",
            "int value should be less than or equal to 21600.",
        )


def parse_overwrites(ctx: Ctx, guild: GuildState, raw: list[Any]) -> list[dict[str, Any]]:
    out = []
    errs = FormErrors()
    for i, ow in enumerate(raw):
        try:
            oid = int(ow["id"])
            kind = int(
                ow.get("type") if ow.get("type") is not None else (0 if oid in guild.roles else 1)
            )
            out.append(
                {
                    "id": str(oid),
                    "type": kind,
                    "allow": str(int(ow.get("allow") or 0)),
                    "deny": str(int(ow.get("deny") or 0)),
                }
            )
        except (KeyError, TypeError, ValueError):
            errs.add(
                ["permission_overwrites", i], "BASE_TYPE_INVALID", "Invalid permission overwrite"
            )
            continue
        if kind == 0 and oid not in guild.roles:
            errs.add(["permission_overwrites", i, "id"], "UNKNOWN_ROLE", "Unknown role")
        if kind == 1 and oid not in guild.members:
            errs.add(["permission_overwrites", i, "id"], "UNKNOWN_USER", "Unknown user")
    errs.raise_if_any()
    return out


def _manage_roles_overwrite(ctx: Ctx, guild: GuildState, channel: dict[str, Any]) -> bool:
    """Whether the channel has an overwrite allowing MANAGE_ROLES for the bot (its member
    overwrite or one of its roles'): Discord then lets it set any bit there."""
    bot_id = ctx.sb.bot_user_id
    roles = set(guild.member_roles(bot_id))
    for ow in channel["permission_overwrites"]:
        oid = int(ow["id"])
        mine = (ow["type"] == 1 and oid == bot_id) or (ow["type"] == 0 and oid in roles)
        if mine and int(ow["allow"]) & p.MANAGE_ROLES:
            return True
    return False


def check_overwrite_bits(
    ctx: Ctx, guild: GuildState, overwrites: list[dict[str, Any]], channel: dict[str, Any] | None
) -> None:
    """Discord's rule for overwrites a bot writes (403 / 50013 otherwise):

    - creating a channel with overwrites needs Manage Roles, and "only permissions your bot has
      in the guild can be allowed/denied"; setting MANAGE_ROLES in a channel is for
      administrators only;
    - editing (PATCH or PUT .../permissions/{id}): "only permissions your bot has in the guild
      or parent channel (if applicable) can be allowed/denied (unless your bot has a
      MANAGE_ROLES overwrite in the channel)".

    Allow and deny are treated alike: denying a bit the bot lacks is refused too.
    """
    if not overwrites:
        return
    state = ctx.sb.state
    base = state.bot_perms(guild)
    if base & p.ADMINISTRATOR or base == p.ALL:
        return
    if channel is None:
        state.require_guild(guild, p.MANAGE_ROLES)
    elif _manage_roles_overwrite(ctx, guild, channel):
        return
    have = base
    if channel is not None and channel.get("parent_id"):
        parent = guild.channels.get(int(channel["parent_id"]))
        if parent is not None:
            have |= state.bot_channel_perms(guild, parent)
    for ow in overwrites:
        bits = int(ow["allow"]) | int(ow["deny"])
        if bits & p.MANAGE_ROLES:
            raise errors.missing_permissions(
                "only administrators can set MANAGE_ROLES in overwrites"
            )
        if bits & ~have:
            raise errors.missing_permissions(
                f"overwrite allows or denies bits the bot lacks: {p.names(bits & ~have)}"
            )


def check_parent(
    ctx: Ctx, guild: GuildState, parent_id: Any, ctype: int, moving: int | None = None
) -> dict[str, Any] | None:
    if parent_id is None:
        return None
    parent = guild.channels.get(int(parent_id))
    if parent is None or parent["type"] != CATEGORY or ctype == CATEGORY:
        raise errors.field_error(
            ["parent_id"], "CHANNEL_PARENT_INVALID_TYPE", "Invalid parent channel"
        )
    children = [
        c
        for c in guild.channels.values()
        if c.get("parent_id") == parent["id"]
        and c["type"] not in THREAD_TYPES
        and int(c["id"]) != moving
    ]
    if len(children) >= limits.MAX_CATEGORY_CHANNELS:
        raise errors.field_error(
            ["parent_id"],
            "CHANNEL_PARENT_MAX_CHANNELS",
            "Maximum number of channels in category reached (50)",
        )
    return parent
