"""The ``data`` part of interactions: command options with ``resolved``, components, modals."""

from __future__ import annotations

import copy
import mimetypes
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)


def _find_command(sb: Sandbox, guild_id: int, name: str) -> dict[str, Any]:
    pools = [sb.state.guild_commands.get(guild_id, {}), sb.state.global_commands]
    for pool in pools:
        for cmd in pool.values():
            if cmd["name"] == name and cmd.get("type", 1) == 1:
                return cmd
    raise ValueError(f"command /{name} is not registered (sync the tree to the sandbox first)")


def build_command_data(
    sb: Sandbox,
    guild_id: int,
    path: str,
    values: dict[str, Any],
    focused: str | None,
    user_id: int | None = None,
) -> dict[str, Any]:
    words = path.strip().lstrip("/").split()
    cmd = _find_command(sb, guild_id, words[0])
    if user_id is not None and sb.enforce_command_permissions:
        _check_command_permission(sb, guild_id, user_id, cmd)
    resolved: dict[str, dict[str, Any]] = {}
    level: list[dict[str, Any]] = cmd.get("options") or []
    top: list[dict[str, Any]] = []
    holder = top
    for word in words[1:]:
        sub = next((o for o in level if o["name"] == word and o["type"] in (1, 2)), None)
        if sub is None:
            raise ValueError(f"/{path}: no subcommand {word!r}")
        node: dict[str, Any] = {"name": word, "type": sub["type"], "options": []}
        holder.append(node)
        holder = node["options"]
        level = sub.get("options") or []
    if any(o["type"] in (1, 2) for o in level):
        raise ValueError(f"/{path} needs a subcommand")
    for name, value in values.items():
        spec = next((o for o in level if o["name"] == name), None)
        if spec is None:
            raise ValueError(f"/{path} has no option {name!r}")
        if focused != name:
            _check_value(path, spec, value)
        entry: dict[str, Any] = {
            "name": name,
            "type": spec["type"],
            "value": _option_value(sb, guild_id, spec, value, resolved),
        }
        if focused == name:
            entry["focused"] = True
            entry["value"] = value if isinstance(value, str) else str(value)
        holder.append(entry)
    missing = [o["name"] for o in level if o.get("required") and o["name"] not in values]
    if missing and focused is None:
        raise ValueError(f"/{path}: required options missing: {missing}")
    data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": top}
    if cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _check_command_permission(
    sb: Sandbox, guild_id: int, user_id: int, cmd: dict[str, Any]
) -> None:
    needed = cmd.get("default_member_permissions")
    if needed is None:
        return
    have = sb.state.guild(guild_id).base_permissions(int(user_id))
    if int(needed) == 0 or have & int(needed) != int(needed):
        raise PermissionError(f"member {user_id} cannot see /{cmd['name']} (needs {needed})")


def _check_value(path: str, spec: dict[str, Any], value: Any) -> None:
    """What Discord's client would refuse to send: out-of-range values and unknown choices."""
    name = spec["name"]
    choices = spec.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise ValueError(f"/{path} {name}: {value!r} is not one of the choices")
    if spec["type"] in (INTEGER, NUMBER):
        lo, hi = spec.get("min_value"), spec.get("max_value")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ValueError(f"/{path} {name}: {value!r} is outside [{lo}, {hi}]")
    if spec["type"] == STRING:
        lo, hi = spec.get("min_length", 0), spec.get("max_length", 6000)
        if not lo <= len(str(value)) <= hi:
            raise ValueError(f"/{path} {name}: length must be within [{lo}, {hi}]")


def _option_value(
    sb: Sandbox,
    guild_id: int,
    spec: dict[str, Any],
    value: Any,
    resolved: dict[str, dict[str, Any]],
) -> Any:
    kind = spec["type"]
    guild = sb.state.guild(guild_id)
    if kind in (USER, MENTIONABLE) and int(value) in sb.state.users:
        uid = int(value)
        resolved.setdefault("users", {})[str(uid)] = copy.deepcopy(sb.state.users[uid])
        member = guild.members.get(uid)
        if member is not None:
            partial = copy.deepcopy(member)
            partial.pop("user", None)
            partial["permissions"] = str(guild.base_permissions(uid))
            resolved.setdefault("members", {})[str(uid)] = partial
        return str(uid)
    if kind in (ROLE, MENTIONABLE):
        role = sb.state.role(guild, int(value))
        resolved.setdefault("roles", {})[role["id"]] = copy.deepcopy(role)
        return role["id"]
    if kind == CHANNEL:
        _, channel = sb.state.channel(int(value))
        partial = copy.deepcopy(channel)
        partial["permissions"] = str(sb.state.bot_channel_perms(guild, channel))
        resolved.setdefault("channels", {})[channel["id"]] = partial
        return channel["id"]
    if kind == ATTACHMENT:
        filename, data = value
        att_id = sb.ids.next()
        sb.state.attachments[att_id] = (filename, bytes(data))
        url = f"{sb.base_url}/attachments/0/{att_id}/{filename}"
        resolved.setdefault("attachments", {})[str(att_id)] = {
            "id": str(att_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "ephemeral": True,
            "content_type": mimetypes.guess_type(filename)[0] or "application/octet-stream",
        }
        return str(att_id)
    if kind == INTEGER:
        return int(value)
    if kind == NUMBER:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    return value


def find_component(rows: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for comp in rows:
        if comp.get("custom_id") == custom_id:
            return comp
        for key in ("components", "accessory", "component"):
            child = comp.get(key)
            children = child if isinstance(child, list) else [child] if child else []
            found = find_component(children, custom_id)
            if found is not None:
                return found
    return None


def modal_data(modal: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    known: set[str] = set()
    rows: list[dict[str, Any]] = []
    for row in modal.get("components") or []:
        if row.get("type") == 18 and row.get("component"):
            comp = row["component"]
            known.add(comp["custom_id"])
            rows.append({"type": 18, "id": row.get("id", 0), "component": _submitted(comp, fields)})
            continue
        children = []
        for comp in row.get("components") or []:
            if comp.get("custom_id"):
                known.add(comp["custom_id"])
                children.append(_submitted(comp, fields))
        rows.append({"type": 1, "components": children})
    extra = set(fields) - known
    if extra:
        raise ValueError(f"modal {modal.get('custom_id')!r} has no fields {sorted(extra)}")
    return {"custom_id": modal["custom_id"], "components": rows}


def _submitted(comp: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    value = fields.get(comp["custom_id"], comp.get("value") or "")
    if comp.get("type") == 4:
        return {"type": 4, "custom_id": comp["custom_id"], "value": value}
    values = value if isinstance(value, list) else [value] if value else []
    return {"type": comp["type"], "custom_id": comp["custom_id"], "values": values}
