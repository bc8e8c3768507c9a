"""In-memory Discord state, stored in the exact JSON shapes Discord sends."""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import errors
from bot.sandbox import permissions as p

DISCORD_EPOCH_MS = 1_420_070_400_000

# Channel types
TEXT, DM, VOICE, CATEGORY, NEWS, NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD, STAGE = (
    0,
    1,
    2,
    4,
    5,
    10,
    11,
    12,
    13,
)
FORUM, MEDIA = 15, 16
THREAD_TYPES = (NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD)
GUILD_CHANNEL_TYPES = (TEXT, VOICE, CATEGORY, NEWS, STAGE, FORUM, MEDIA)

Dispatcher = Callable[[str, dict[str, Any]], None]


class Snowflakes:
    """Realistic, strictly increasing snowflakes derived from the wall clock."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
            self._last = max(candidate, self._last + 1)
            return self._last


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def user_payload(
    user_id: int, name: str, *, bot: bool = False, global_name: str | None = None
) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }


@dataclass
class GuildState:
    data: dict[str, Any]
    roles: dict[int, dict[str, Any]] = field(default_factory=dict)
    members: dict[int, dict[str, Any]] = field(default_factory=dict)
    channels: dict[int, dict[str, Any]] = field(default_factory=dict)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    voice_states: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Channels that exist for interactions but are not in the guild's channel list (see
    # ``State.command_channel``).
    detached: dict[int, dict[str, Any]] = field(default_factory=dict)
    stage_instances: dict[int, dict[str, Any]] = field(default_factory=dict)
    bot_role_id: int = 0

    @property
    def id(self) -> int:
        return int(self.data["id"])

    def member_roles(self, user_id: int) -> list[int]:
        member = self.members.get(user_id)
        return [int(r) for r in member["roles"]] if member else []

    def top_role_position(self, user_id: int) -> int:
        if int(self.data["owner_id"]) == user_id:
            return 1 << 30
        positions = [
            self.roles[r]["position"] for r in self.member_roles(user_id) if r in self.roles
        ]
        return max(positions, default=0)

    def base_permissions(self, user_id: int) -> int:
        return p.base_permissions(self.data, self.roles, self.member_roles(user_id), user_id)

    def channel_permissions(self, user_id: int, channel: dict[str, Any]) -> int:
        if channel["type"] in THREAD_TYPES:
            parent = self.channels.get(int(channel["parent_id"]))
            if parent is None:
                return 0
            perms = self.channel_permissions(user_id, parent)
            return perms
        base = self.base_permissions(user_id)
        perms = p.apply_overwrites(
            base, channel["permission_overwrites"], self.id, self.member_roles(user_id), user_id
        )
        return p.finalize_channel(perms, channel["type"])

    def full_guild(
        self, *, members: list[dict[str, Any]], threads: list[dict[str, Any]]
    ) -> dict[str, Any]:
        data = copy.deepcopy(self.data)
        channels = [c for c in self.channels.values() if c["type"] not in THREAD_TYPES]
        data.update(
            roles=copy.deepcopy(sorted(self.roles.values(), key=lambda r: r["position"])),
            channels=copy.deepcopy(channels),
            threads=copy.deepcopy(threads),
            members=copy.deepcopy(members),
            voice_states=copy.deepcopy(list(self.voice_states.values())),
            guild_scheduled_events=copy.deepcopy(list(self.events.values())),
            member_count=len(self.members),
            large=len(self.members) > 250,
            unavailable=False,
            joined_at=iso_now(),
            presences=[],
            stage_instances=copy.deepcopy(list(self.stage_instances.values())),
            emojis=[],
            stickers=[],
            soundboard_sounds=[],
        )
        return data


class State:
    """Everything the fake Discord knows; REST handlers and the facade mutate it."""

    def __init__(self, bot_user_id: int, application_id: int, snowflakes: Snowflakes) -> None:
        self.ids = snowflakes
        self.bot_user_id = bot_user_id
        self.application_id = application_id
        self.guilds: dict[int, GuildState] = {}
        self.channel_guild: dict[int, int] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.global_commands: dict[int, dict[str, Any]] = {}
        self.guild_commands: dict[int, dict[int, dict[str, Any]]] = {}
        self.attachments: dict[int, tuple[str, bytes]] = {}
        self.rename_log: dict[int, list[float]] = {}
        self.voice_statuses: dict[int, str | None] = {}  # channel id -> its status line
        self.voice_status_log: dict[int, list[float]] = {}
        self.pinned_at: dict[int, str] = {}
        self.user_locales: dict[int, str] = {}
        self.event_users: dict[int, set[int]] = {}
        self.reactors: dict[tuple[int, str], set[int]] = {}
        # Direct messages: one DM channel per user, and the users who do not accept DMs from
        # server members (Discord answers 50007 "Cannot send messages to this user").
        self.dm_channels: dict[int, dict[str, Any]] = {}
        self.dm_recipient: dict[int, int] = {}
        self.closed_dms: set[int] = set()
        self.dispatch: Dispatcher = lambda event, data: None

    # ---- lookups -------------------------------------------------------------------------
    def guild(self, guild_id: int) -> GuildState:
        g = self.guilds.get(int(guild_id))
        if g is None:
            raise errors.unknown("guild")
        return g

    def channel(self, channel_id: int) -> tuple[GuildState, dict[str, Any]]:
        gid = self.channel_guild.get(int(channel_id))
        if gid is None:
            raise errors.unknown("channel")
        g = self.guilds[gid]
        channel = g.channels.get(int(channel_id)) or g.detached.get(int(channel_id))
        if channel is None:
            raise errors.unknown("channel")
        return g, channel

    def place(self, channel_id: int) -> tuple[GuildState | None, dict[str, Any]]:
        """A channel of a guild, or a DM channel (no guild)."""
        uid = self.dm_recipient.get(int(channel_id))
        if uid is not None:
            return None, self.dm_channels[uid]
        return self.channel(channel_id)

    def can_dm(self, user_id: int) -> bool:
        """Whether a message from the bot reaches this user: a human who shares a server with
        the bot and accepts direct messages from its members."""
        user = self.users.get(int(user_id))
        if user is None or user.get("bot") or int(user_id) in self.closed_dms:
            return False
        return any(int(user_id) in g.members for g in self.guilds.values())

    def message(self, channel_id: int, message_id: int) -> dict[str, Any]:
        msg = self.messages.get(int(channel_id), {}).get(int(message_id))
        if msg is None:
            raise errors.unknown("message")
        return msg

    def member(self, guild: GuildState, user_id: int) -> dict[str, Any]:
        member = guild.members.get(int(user_id))
        if member is None:
            if int(user_id) not in self.users:
                raise errors.unknown("user")
            raise errors.unknown("member")
        return member

    def role(self, guild: GuildState, role_id: int) -> dict[str, Any]:
        role = guild.roles.get(int(role_id))
        if role is None:
            raise errors.unknown("role")
        return role

    # ---- bot permission checks ------------------------------------------------------------
    def bot_perms(self, guild: GuildState) -> int:
        return guild.base_permissions(self.bot_user_id)

    def bot_channel_perms(self, guild: GuildState, channel: dict[str, Any]) -> int:
        return guild.channel_permissions(self.bot_user_id, channel)

    def require_guild(self, guild: GuildState, needed: int) -> None:
        have = self.bot_perms(guild)
        if have & needed != needed:
            raise errors.missing_permissions(f"bot lacks {p.names(needed & ~have)}")

    def require_channel(
        self, guild: GuildState | None, channel: dict[str, Any], needed: int
    ) -> None:
        if guild is None:
            return  # a DM channel: no permissions apply
        have = self.bot_channel_perms(guild, channel)
        if not have & p.VIEW_CHANNEL:
            raise errors.missing_access(f"bot cannot view channel {channel['id']}")
        if have & needed != needed:
            raise errors.missing_permissions(
                f"bot lacks {p.names(needed & ~have)} in {channel['id']}"
            )

    # ---- object factories -----------------------------------------------------------------
    def add_user(
        self, user_id: int | None, name: str, *, bot: bool = False, global_name: str | None = None
    ) -> dict[str, Any]:
        uid = user_id or self.ids.next()
        user = user_payload(uid, name, bot=bot, global_name=global_name)
        self.users[uid] = user
        return user

    def member_payload(
        self, guild: GuildState, user: dict[str, Any], roles: list[int], nick: str | None = None
    ) -> dict[str, Any]:
        return {
            "user": user,
            "nick": nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in roles],
            "joined_at": iso_now(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def role_payload(
        self,
        guild: GuildState,
        role_id: int,
        name: str,
        permissions: int,
        *,
        position: int,
        managed: bool = False,
        mentionable: bool = False,
        color: int = 0,
        hoist: bool = False,
        tags: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return {
            "id": str(role_id),
            "name": name,
            "color": color,
            "colors": {"primary_color": color, "secondary_color": None, "tertiary_color": None},
            "hoist": hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": position,
            "permissions": str(permissions),
            "managed": managed,
            "mentionable": mentionable,
            "flags": 0,
            **({"tags": tags} if tags else {}),
        }

    def channel_payload(
        self,
        guild: GuildState,
        channel_id: int,
        name: str,
        ctype: int,
        *,
        parent_id: int | None = None,
        position: int = 0,
        overwrites: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        ch: dict[str, Any] = {
            "id": str(channel_id),
            "type": ctype,
            "guild_id": str(guild.id),
            "name": name,
            "position": position,
            "permission_overwrites": overwrites or [],
            "parent_id": str(parent_id) if parent_id else None,
            "nsfw": False,
            "flags": 0,
        }
        if ctype in (TEXT, NEWS, FORUM, MEDIA):
            ch.update(
                topic=None,
                rate_limit_per_user=0,
                last_message_id=None,
                default_thread_rate_limit_per_user=0,
            )
        if ctype in (FORUM, MEDIA):
            ch.update(
                available_tags=[],
                default_reaction_emoji=None,
                default_sort_order=None,
                default_forum_layout=0,
            )
        if ctype in (VOICE, STAGE):
            ch.update(
                bitrate=64000,
                user_limit=0,
                rtc_region=None,
                last_message_id=None,
                rate_limit_per_user=0,
                video_quality_mode=1,
            )
        return ch

    def register_channel(self, guild: GuildState, channel: dict[str, Any]) -> None:
        cid = int(channel["id"])
        guild.channels[cid] = channel
        self.channel_guild[cid] = guild.id
        self.messages.setdefault(cid, {})

    def command_channel(self, guild: GuildState) -> int:
        """A text channel where interactions happen when a test names none.

        It is deliberately not part of the guild's channel list (not in GUILD_CREATE or
        GET /guilds/{id}/channels), so it never disturbs what a bot creates or counts.
        """
        if guild.detached:
            return int(next(iter(guild.detached)))
        cid = self.ids.next()
        channel = self.channel_payload(guild, cid, "sandbox-commands", TEXT, position=0)
        guild.detached[cid] = channel
        self.channel_guild[cid] = guild.id
        self.messages.setdefault(cid, {})
        return cid

    def unregister_channel(self, guild: GuildState, channel_id: int) -> dict[str, Any]:
        channel = guild.channels.pop(channel_id)
        self.channel_guild.pop(channel_id, None)
        self.messages.pop(channel_id, None)
        return channel

    def guild_channel_count(self, guild: GuildState) -> int:
        return sum(1 for c in guild.channels.values() if c["type"] not in THREAD_TYPES)

    def next_position(self, guild: GuildState, ctype: int) -> int:
        same = [
            c["position"]
            for c in guild.channels.values()
            if c["type"] not in THREAD_TYPES and (c["type"] == CATEGORY) == (ctype == CATEGORY)
        ]
        return max(same, default=-1) + 1
