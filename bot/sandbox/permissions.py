"""Discord permission bits and the permission computation Discord documents.

See "Permissions > Permission Overwrites" in Discord's developer docs: base permissions come
from @everyone plus the member's roles (owner and ADMINISTRATOR get everything), then the
channel's @everyone overwrite, the combined role overwrites and finally the member overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_AUDIT_LOG = 1 << 7
PRIORITY_SPEAKER = 1 << 8
STREAM = 1 << 9
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
SEND_TTS_MESSAGES = 1 << 12
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
MUTE_MEMBERS = 1 << 22
DEAFEN_MEMBERS = 1 << 23
MOVE_MEMBERS = 1 << 24
USE_VAD = 1 << 25
CHANGE_NICKNAME = 1 << 26
MANAGE_NICKNAMES = 1 << 27
MANAGE_ROLES = 1 << 28
MANAGE_WEBHOOKS = 1 << 29
USE_APPLICATION_COMMANDS = 1 << 31
REQUEST_TO_SPEAK = 1 << 32
MANAGE_EVENTS = 1 << 33
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
CREATE_PRIVATE_THREADS = 1 << 36
SEND_MESSAGES_IN_THREADS = 1 << 38
MODERATE_MEMBERS = 1 << 40
CREATE_EVENTS = 1 << 44
SEND_VOICE_MESSAGES = 1 << 46
SET_VOICE_CHANNEL_STATUS = 1 << 48
SEND_POLLS = 1 << 49
USE_EXTERNAL_APPS = 1 << 50
PIN_MESSAGES = 1 << 51

ALL = (1 << 53) - 1

DEFAULT_EVERYONE = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | STREAM
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CONNECT
    | SPEAK
    | USE_VAD
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | REQUEST_TO_SPEAK
    | CREATE_PUBLIC_THREADS
    | CREATE_PRIVATE_THREADS
    | SEND_MESSAGES_IN_THREADS
    | SEND_VOICE_MESSAGES
    | SEND_POLLS
    | USE_EXTERNAL_APPS
)


# A workshop server whose @everyone lends the bot nothing beyond what its invite asks: the
# tests' default, so the bot is tested holding exactly its catalogue (see Sandbox).
def locked_everyone(invite: int) -> int:
    return DEFAULT_EVERYONE & invite


# Permissions that only make sense for text-capable channels; Discord drops them implicitly
# when SEND_MESSAGES is denied.
_TEXT_DEPENDENT = MENTION_EVERYONE | SEND_TTS_MESSAGES | ATTACH_FILES | EMBED_LINKS

NAMES = {
    value: name
    for name, value in list(globals().items())
    if name.isupper() and isinstance(value, int) and value and value & (value - 1) == 0
}


def names(bits: int) -> list[str]:
    return [name for value, name in sorted(NAMES.items()) if bits & value]


def base_permissions(
    guild: Mapping[str, Any],
    roles: Mapping[int, Mapping[str, Any]],
    member_roles: Iterable[int],
    user_id: int,
) -> int:
    """Guild-level permissions of a member (Discord's ``compute_base_permissions``)."""
    if int(guild["owner_id"]) == user_id:
        return ALL
    everyone = roles.get(int(guild["id"]))
    perms = int(everyone["permissions"]) if everyone else 0
    for role_id in member_roles:
        role = roles.get(int(role_id))
        if role is not None:
            perms |= int(role["permissions"])
    if perms & ADMINISTRATOR:
        return ALL
    return perms


def apply_overwrites(
    base: int,
    overwrites: Iterable[Mapping[str, Any]],
    guild_id: int,
    member_roles: Iterable[int],
    user_id: int,
) -> int:
    """Apply a channel's overwrites to base permissions (Discord's ``compute_overwrites``)."""
    if base & ADMINISTRATOR or base == ALL:
        return ALL
    by_id = {int(o["id"]): o for o in overwrites}
    perms = base
    everyone = by_id.get(guild_id)
    if everyone is not None:
        perms &= ~int(everyone["deny"])
        perms |= int(everyone["allow"])
    allow = deny = 0
    role_set = {int(r) for r in member_roles}
    for oid, ow in by_id.items():
        if int(ow["type"]) == 0 and oid in role_set:
            allow |= int(ow["allow"])
            deny |= int(ow["deny"])
    perms &= ~deny
    perms |= allow
    member = by_id.get(user_id)
    if member is not None and int(member["type"]) == 1:
        perms &= ~int(member["deny"])
        perms |= int(member["allow"])
    return perms


def finalize_channel(perms: int, channel_type: int) -> int:
    """Implicit permission rules: no VIEW_CHANNEL means nothing; no SEND means no embeds etc."""
    if perms == ALL:
        return perms
    if not perms & VIEW_CHANNEL:
        return 0
    if channel_type in (0, 2, 5, 13, 15, 16) and not perms & SEND_MESSAGES:
        perms &= ~_TEXT_DEPENDENT
    return perms
