"""Setting the scene by hand, as an organizer would in the Discord client."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.state import CATEGORY, THREAD_TYPES, GuildState, Snowflakes, State


@dataclass(frozen=True)
class SandboxGuild:
    id: int
    name: str
    owner_id: int
    everyone_role_id: int
    bot_role_id: int


class SetupMixin:
    state: State
    ids: Snowflakes
    bot_user_id: int
    application_id: int
    default_bot_permissions: int
    everyone_permissions: int

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def add_guild(
        self,
        name: str = "Camp",
        owner_id: int | None = None,
        *,
        default_channels: bool = False,
        locale: str = "en-US",
        everyone_permissions: int | None = None,
        community: bool = True,
    ) -> SandboxGuild:
        """A guild with @everyone, an owner, the bot and its managed role (GUILD_CREATE if live).

        @everyone gets `everyone_permissions`, else the sandbox's `everyone_permissions`
        (Discord's own default for a new server is `permissions.DEFAULT_EVERYONE`).
        `community=False`: a server that has not enabled Community (no `COMMUNITY` or `NEWS`
        feature), where Discord refuses Stage, Forum, Media and Announcement channels."""
        gid = self.ids.next()
        owner = self.state.users.get(owner_id) if owner_id else None
        if owner is None:
            owner = self.state.add_user(owner_id, f"{name.lower()}-owner")
        guild = GuildState(
            data={
                "id": str(gid),
                "name": name,
                "icon": None,
                "splash": None,
                "discovery_splash": None,
                "owner_id": owner["id"],
                "afk_channel_id": None,
                "afk_timeout": 300,
                "verification_level": 1,
                "default_message_notifications": 1,
                "explicit_content_filter": 2,
                "features": ["COMMUNITY", "NEWS"] if community else [],
                "mfa_level": 0,
                "application_id": None,
                "system_channel_id": None,
                "system_channel_flags": 0,
                "rules_channel_id": None,
                "max_members": 500000,
                "vanity_url_code": None,
                "description": None,
                "banner": None,
                "premium_tier": 0,
                "premium_subscription_count": 0,
                "preferred_locale": locale,
                "public_updates_channel_id": None,
                "nsfw_level": 0,
                "premium_progress_bar_enabled": False,
                "safety_alerts_channel_id": None,
                "emojis": [],
                "stickers": [],
            }
        )
        self.state.guilds[gid] = guild
        guild.roles[gid] = self.state.role_payload(
            guild,
            gid,
            "@everyone",
            self.everyone_permissions if everyone_permissions is None else everyone_permissions,
            position=0,
        )
        bot_role = self.ids.next()
        guild.bot_role_id = bot_role
        guild.roles[bot_role] = self.state.role_payload(
            guild,
            bot_role,
            self.state.users[self.bot_user_id]["username"],
            self.default_bot_permissions,
            position=1,
            managed=True,
            tags={"bot_id": str(self.bot_user_id)},
        )
        guild.members[int(owner["id"])] = self.state.member_payload(guild, owner, [])
        bot_user = self.state.users[self.bot_user_id]
        guild.members[self.bot_user_id] = self.state.member_payload(guild, bot_user, [bot_role])
        if default_channels:
            self.add_channel(gid, "general", 0)
            self.add_channel(gid, "General", 2)
        self.dispatch(
            "GUILD_CREATE", guild.full_guild(members=[guild.members[self.bot_user_id]], threads=[])
        )
        return SandboxGuild(gid, name, int(owner["id"]), gid, bot_role)

    def add_role(
        self,
        guild_id: int,
        name: str,
        permissions: int = 0,
        *,
        mentionable: bool = False,
        color: int = 0,
        hoist: bool = False,
        above_bot: bool = False,
    ) -> dict[str, Any]:
        """A role made by hand; placed just above @everyone (below the bot) unless ``above_bot``."""
        guild = self.state.guild(guild_id)
        role_id = self.ids.next()
        if above_bot:
            position = max(r["position"] for r in guild.roles.values()) + 1
        else:
            position = 1
            for role in guild.roles.values():
                if role["position"] >= 1:
                    role["position"] += 1
        role = self.state.role_payload(
            guild,
            role_id,
            name,
            permissions,
            position=position,
            mentionable=mentionable,
            color=color,
            hoist=hoist,
        )
        guild.roles[role_id] = role
        self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": copy.deepcopy(role)})
        return copy.deepcopy(role)

    def add_member(
        self,
        guild_id: int,
        user_id: int | None = None,
        *,
        name: str,
        display_name: str | None = None,
        roles: Iterable[int] = (),
        bot: bool = False,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        guild = self.state.guild(guild_id)
        user = self.state.users.get(int(user_id)) if user_id else None
        if user is None:
            user = self.state.add_user(user_id, name, bot=bot, global_name=display_name)
        self.state.user_locales[int(user["id"])] = locale
        role_ids = [int(r) for r in roles]
        for rid in role_ids:
            self.state.role(guild, rid)
        member = self.state.member_payload(guild, user, role_ids)
        guild.members[int(user["id"])] = member
        self.dispatch("GUILD_MEMBER_ADD", {**copy.deepcopy(member), "guild_id": str(guild.id)})
        out = copy.deepcopy(member)
        out["id"] = user["id"]
        return out

    def set_community(self, guild_id: int, enabled: bool = True) -> None:
        """An organizer turns Community on (or off) in Server Settings: GUILD_UPDATE follows."""
        guild = self.state.guild(guild_id)
        features = [f for f in guild.data["features"] if f not in ("COMMUNITY", "NEWS")]
        guild.data["features"] = [*features, "COMMUNITY", "NEWS"] if enabled else features
        data = copy.deepcopy(guild.data)
        data["roles"] = copy.deepcopy(sorted(guild.roles.values(), key=lambda r: r["position"]))
        self.dispatch("GUILD_UPDATE", data)

    def archive_thread(self, thread_id: int) -> None:
        """Discord archives a thread (a forum post) after its inactivity period: THREAD_UPDATE."""
        _, thread = self.state.channel(thread_id)
        assert thread["type"] in THREAD_TYPES, "not a thread"
        thread["thread_metadata"]["archived"] = True
        self.dispatch("THREAD_UPDATE", copy.deepcopy(thread))

    def set_bot_permissions(self, guild_id: int, permissions: int) -> None:
        guild = self.state.guild(guild_id)
        role = guild.roles[guild.bot_role_id]
        role["permissions"] = str(int(permissions))
        self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": copy.deepcopy(role)})

    def set_member_roles(self, guild_id: int, user_id: int, roles: Iterable[int]) -> None:
        """An organizer gives or takes roles by hand (GUILD_MEMBER_UPDATE; Discord sends it for
        the bot itself even without the members intent)."""
        guild = self.state.guild(guild_id)
        member = self.state.member(guild, user_id)
        role_ids = [int(r) for r in roles]
        for rid in role_ids:
            self.state.role(guild, rid)
        member["roles"] = [str(r) for r in role_ids]
        self.dispatch("GUILD_MEMBER_UPDATE", {**copy.deepcopy(member), "guild_id": str(guild.id)})

    def set_role_permissions(self, guild_id: int, role_id: int, permissions: int) -> None:
        """Change any role's permissions by hand (e.g. @everyone, whose id is the guild id)."""
        guild = self.state.guild(guild_id)
        role = self.state.role(guild, role_id)
        role["permissions"] = str(int(permissions))
        self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": copy.deepcopy(role)})

    def add_channel(
        self,
        guild_id: int,
        name: str,
        type: int = 0,
        parent_id: int | None = None,
        overwrites: Iterable[dict[str, Any]] = (),
        *,
        position: int | None = None,
    ) -> dict[str, Any]:
        """A channel made by hand (no permission or rename checks; Discord's shape)."""
        guild = self.state.guild(guild_id)
        if parent_id is not None:
            _, parent = self.state.channel(parent_id)
            assert parent["type"] == CATEGORY, "parent must be a category"
        ows = [
            {
                "id": str(o["id"]),
                "type": int(o.get("type", 0)),
                "allow": str(int(o.get("allow", 0))),
                "deny": str(int(o.get("deny", 0))),
            }
            for o in overwrites
        ]
        cid = self.ids.next()
        pos = self.state.next_position(guild, type) if position is None else position
        channel = self.state.channel_payload(
            guild, cid, name, type, parent_id=parent_id, position=pos, overwrites=ows
        )
        self.state.register_channel(guild, channel)
        self.dispatch("CHANNEL_CREATE", copy.deepcopy(channel))
        return copy.deepcopy(channel)

    def edit_channel(self, channel_id: int, **fields: Any) -> dict[str, Any]:
        """An organizer edits a channel by hand (name, topic, parent_id, user_limit, overwrites...).

        ``permission_overwrites`` take the same dicts as ``add_channel``; CHANNEL_UPDATE follows.
        """
        _, channel = self.state.channel(channel_id)
        for key, value in fields.items():
            if key == "permission_overwrites":
                value = [
                    {
                        "id": str(o["id"]),
                        "type": int(o.get("type", 0)),
                        "allow": str(int(o.get("allow", 0))),
                        "deny": str(int(o.get("deny", 0))),
                    }
                    for o in value
                ]
            elif key == "parent_id" and value is not None:
                value = str(value)
            channel[key] = value
        self.dispatch("CHANNEL_UPDATE", copy.deepcopy(channel))
        return copy.deepcopy(channel)

    def add_event(
        self,
        guild_id: int,
        name: str,
        start: dt.datetime,
        end: dt.datetime,
        *,
        location: str = "https://example.org/meetup",
        creator_id: int | None = None,
    ) -> dict[str, Any]:
        """An external Scheduled Event made by hand in the client (it counts toward Discord's
        100 scheduled or active events)."""
        guild = self.state.guild(guild_id)
        creator = self.state.users[int(creator_id or guild.data["owner_id"])]
        eid = self.ids.next()
        event = {
            "id": str(eid),
            "guild_id": str(guild.id),
            "channel_id": None,
            "creator_id": creator["id"],
            "name": name,
            "description": None,
            "scheduled_start_time": start.isoformat(),
            "scheduled_end_time": end.isoformat(),
            "privacy_level": 2,
            "status": 1,
            "entity_type": 3,
            "entity_id": None,
            "entity_metadata": {"location": location},
            "creator": copy.deepcopy(creator),
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
            "auto_start": False,
            "guild_scheduled_event_exceptions": [],
        }
        guild.events[eid] = event
        self.dispatch("GUILD_SCHEDULED_EVENT_CREATE", copy.deepcopy(event))
        return copy.deepcopy(event)

    def remove_member(self, guild_id: int, user_id: int) -> None:
        """A member leaves the guild (voice state cleared, GUILD_MEMBER_REMOVE)."""
        guild = self.state.guild(guild_id)
        member = self.state.member(guild, user_id)
        vs = guild.voice_states.pop(int(user_id), None)
        if vs is not None:
            left = copy.deepcopy(vs)
            left["channel_id"] = None
            self.dispatch("VOICE_STATE_UPDATE", left)
        del guild.members[int(user_id)]
        self.dispatch(
            "GUILD_MEMBER_REMOVE",
            {"guild_id": str(guild.id), "user": copy.deepcopy(member["user"])},
        )

    def delete_channel(self, channel_id: int) -> None:
        """Deleted by hand: CHANNEL_DELETE; a category's children lose their parent."""
        guild, channel = self.state.channel(channel_id)
        remove_channel(self.state, guild, channel, self.dispatch)


def remove_channel(state: State, guild: GuildState, channel: dict[str, Any], dispatch: Any) -> None:
    cid = int(channel["id"])
    for child in list(guild.channels.values()):
        if child.get("parent_id") == str(cid) and child["type"] not in THREAD_TYPES:
            child["parent_id"] = None
            dispatch("CHANNEL_UPDATE", copy.deepcopy(child))
        elif child.get("parent_id") == str(cid):
            state.unregister_channel(guild, int(child["id"]))
    for uid, vs in list(guild.voice_states.items()):
        if vs["channel_id"] == str(cid):
            del guild.voice_states[uid]
            left = copy.deepcopy(vs)
            left["channel_id"] = None
            dispatch("VOICE_STATE_UPDATE", left)
    state.unregister_channel(guild, cid)
    guild.stage_instances.pop(cid, None)
    if channel["type"] in THREAD_TYPES:
        # Discord reports a deleted thread (a forum post too) with THREAD_DELETE, not
        # CHANNEL_DELETE, and only these fields.
        dispatch(
            "THREAD_DELETE",
            {
                "id": channel["id"],
                "guild_id": str(guild.id),
                "parent_id": channel.get("parent_id"),
                "type": channel["type"],
            },
        )
        return
    dispatch("CHANNEL_DELETE", copy.deepcopy(channel))
    # Discord removes the scheduled events hosted in a deleted voice/stage channel.
    for eid, ev in list(guild.events.items()):
        if ev.get("channel_id") == str(cid):
            del guild.events[eid]
            dispatch("GUILD_SCHEDULED_EVENT_DELETE", copy.deepcopy(ev))
