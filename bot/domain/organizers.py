"""Who counts as an organizer: Manage Server (or Administrator), or a configured organizer role."""

from __future__ import annotations

from collections.abc import Iterable


def configured_role_ids(
    configured: Iterable[str], guild_roles: Iterable[tuple[int, str]]
) -> tuple[list[int], list[str]]:
    """Resolve configured names or ids against the guild's (id, name) roles.

    Returns the matching role ids and the configured entries that matched nothing. Names match
    case-insensitively; an entry of digits matches a role id.
    """
    roles = list(guild_roles)
    ids: list[int] = []
    missing: list[str] = []
    for entry in configured:
        matched = [
            rid
            for rid, name in roles
            if (entry.isdigit() and rid == int(entry)) or name.casefold() == entry.casefold()
        ]
        if matched:
            ids.extend(r for r in matched if r not in ids)
        else:
            missing.append(entry)
    return ids, missing


def is_organizer(
    *,
    member_role_ids: Iterable[int],
    organizer_role_ids: Iterable[int],
    manage_guild: bool,
    administrator: bool,
) -> bool:
    if manage_guild or administrator:
        return True
    return not set(member_role_ids).isdisjoint(organizer_role_ids)
