"""Building, storing, editing and dispatching message objects."""

from __future__ import annotations

import copy
import mimetypes
import re
from typing import TYPE_CHECKING, Any

from bot.sandbox import errors, limits
from bot.sandbox import permissions as p
from bot.sandbox.state import GuildState, iso_now

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox

LOADING = 1 << 7
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
FileTuple = tuple[str, bytes, str]


def _attachments(
    sb: Sandbox, channel_id: int, body: dict[str, Any], files: list[FileTuple]
) -> list[dict[str, Any]]:
    meta = {str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)}
    out = []
    for index, (filename, data, field_name) in enumerate(files):
        key = field_name.removeprefix("files[").removesuffix("]") if field_name else str(index)
        info = meta.get(key, {})
        name = info.get("filename") or filename
        att_id = sb.ids.next()
        sb.state.attachments[att_id] = (name, data)
        url = f"{sb.base_url}/attachments/{channel_id}/{att_id}/{name}"
        out.append(
            {
                "id": str(att_id),
                "filename": name,
                "size": len(data),
                "url": url,
                "proxy_url": url,
                "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "ephemeral": False,
                **({"description": info["description"]} if info.get("description") else {}),
                **({"title": info["title"]} if info.get("title") else {}),
            }
        )
    return out


def _mentions(
    sb: Sandbox, guild: GuildState | None, body: dict[str, Any], channel: dict[str, Any] | None
) -> dict[str, Any]:
    content = str(body.get("content") or "")
    am = body.get("allowed_mentions")
    parse = ["users", "roles", "everyone"] if am is None else list(am.get("parse") or [])
    allowed_users = {str(u) for u in (am or {}).get("users") or []}
    allowed_roles = {str(r) for r in (am or {}).get("roles") or []}
    users, roles = [], []
    for uid in dict.fromkeys(_USER_MENTION.findall(content)):
        if ("users" in parse or uid in allowed_users) and int(uid) in sb.state.users:
            users.append(copy.deepcopy(sb.state.users[int(uid)]))
    for rid in dict.fromkeys(_ROLE_MENTION.findall(content)):
        role = guild.roles.get(int(rid)) if guild else None
        if role is None or not ("roles" in parse or rid in allowed_roles):
            continue
        can_mention_all = (
            guild is not None
            and channel is not None
            and bool(sb.state.bot_channel_perms(guild, channel) & p.MENTION_EVERYONE)
        )
        if role["mentionable"] or can_mention_all:
            roles.append(rid)
    everyone = ("@everyone" in content or "@here" in content) and "everyone" in parse
    if everyone and guild is not None and channel is not None:
        everyone = bool(sb.state.bot_channel_perms(guild, channel) & p.MENTION_EVERYONE)
    return {"mentions": users, "mention_roles": roles, "mention_everyone": bool(everyone)}


def build(
    sb: Sandbox,
    guild: GuildState | None,
    channel: dict[str, Any],
    body: dict[str, Any],
    files: list[FileTuple],
    *,
    author: dict[str, Any] | None = None,
    msg_type: int = 0,
    flags: int = 0,
    webhook_id: int | None = None,
    interaction: dict[str, Any] | None = None,
) -> dict[str, Any]:
    channel_id = int(channel["id"])
    msg: dict[str, Any] = {
        "id": str(sb.ids.next()),
        "type": msg_type,
        "channel_id": str(channel_id),
        "author": copy.deepcopy(author or sb.state.users[sb.bot_user_id]),
        "content": str(body.get("content") or ""),
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts", False)),
        "attachments": _attachments(sb, channel_id, body, files),
        "embeds": [_embed(e) for e in body.get("embeds") or []],
        "components": with_ids(body.get("components") or []),
        "reactions": [],
        "pinned": False,
        "flags": flags | (int(body.get("flags") or 0) & (4 | 64 | 4096 | limits.IS_COMPONENTS_V2)),
        "mention_channels": [],
        **_mentions(sb, guild, body, channel),
    }
    if guild is not None:
        msg["guild_id"] = str(guild.id)
    if body.get("nonce") is not None:
        msg["nonce"] = body["nonce"]
    if webhook_id is not None:
        msg["webhook_id"] = str(webhook_id)
        msg["application_id"] = str(sb.application_id)
    if interaction is not None:
        msg["interaction_metadata"] = interaction
    if body.get("message_reference"):
        msg["message_reference"] = {**body["message_reference"], "channel_id": str(channel_id)}
    return msg


def with_ids(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy components, numbering each one as Discord does in responses (``id`` from 1)."""
    out = copy.deepcopy(components)
    taken: set[int] = set()
    stack = list(out)
    everything: list[dict[str, Any]] = []
    while stack:
        comp = stack.pop(0)
        everything.append(comp)
        if isinstance(comp.get("id"), int):
            taken.add(comp["id"])
        for key in ("components", "accessory", "component"):
            child = comp.get(key)
            stack.extend(
                child if isinstance(child, list) else [child] if isinstance(child, dict) else []
            )
    next_id = 1
    for comp in everything:
        if not isinstance(comp.get("id"), int):
            while next_id in taken:
                next_id += 1
            comp["id"] = next_id
            taken.add(next_id)
    return out


def _embed(embed: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(embed)
    out.setdefault("type", "rich")
    return out


def store(
    sb: Sandbox, guild: GuildState | None, channel: dict[str, Any], msg: dict[str, Any]
) -> None:
    """Save a visible message in its channel and dispatch MESSAGE_CREATE."""
    sb.state.messages.setdefault(int(channel["id"]), {})[int(msg["id"])] = msg
    channel["last_message_id"] = msg["id"]
    if channel["type"] in (10, 11, 12):
        channel["message_count"] = channel.get("message_count", 0) + 1
        channel["total_message_sent"] = channel.get("total_message_sent", 0) + 1
    event = copy.deepcopy(msg)
    if guild is not None:
        author_member = guild.members.get(int(msg["author"]["id"]))
        if author_member is not None and "webhook_id" not in msg:
            member = copy.deepcopy(author_member)
            member.pop("user", None)
            event["member"] = member
    sb.dispatch("MESSAGE_CREATE", event)


def apply_edit(
    sb: Sandbox,
    guild: GuildState | None,
    channel: dict[str, Any],
    msg: dict[str, Any],
    body: dict[str, Any],
    files: list[FileTuple],
) -> None:
    """Apply a PATCH body (content/embeds/components/attachments/flags) to ``msg`` in place."""
    limits.check_message(body, files=len(files), editing=True)
    work = copy.deepcopy(msg)
    _edit(sb, guild, channel, work, body, files)
    msg.clear()
    msg.update(work)


def _edit(
    sb: Sandbox,
    guild: GuildState | None,
    channel: dict[str, Any],
    msg: dict[str, Any],
    body: dict[str, Any],
    files: list[FileTuple],
) -> None:
    if "content" in body:
        msg["content"] = str(body["content"] or "")
        msg.update(_mentions(sb, guild, body, channel))
    if "embeds" in body:
        msg["embeds"] = [_embed(e) for e in body["embeds"] or []]
    if "components" in body:
        msg["components"] = with_ids(body["components"] or [])
    if "attachments" in body or files:
        keep_ids = {str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, dict)}
        kept = (
            [a for a in msg["attachments"] if a["id"] in keep_ids]
            if "attachments" in body
            else msg["attachments"]
        )
        msg["attachments"] = kept + _attachments(sb, int(channel["id"]), body, files)
    if "flags" in body and body["flags"] is not None:
        msg["flags"] = (msg["flags"] & ~4) | (int(body["flags"]) & 4)
    msg["flags"] &= ~LOADING
    msg["edited_timestamp"] = iso_now()
    after = msg["content"] or msg["embeds"] or msg["components"] or msg["attachments"]
    if not after:
        raise errors.empty_message()


def dispatch_update(sb: Sandbox, msg: dict[str, Any]) -> None:
    if not int(msg["flags"]) & limits.EPHEMERAL:
        sb.dispatch("MESSAGE_UPDATE", copy.deepcopy(msg))


def file_bytes(sb: Sandbox, msg: dict[str, Any]) -> list[tuple[str, bytes]]:
    out = []
    for att in msg.get("attachments") or []:
        found = sb.state.attachments.get(int(att["id"]))
        if found is not None:
            out.append(found)
    return out
