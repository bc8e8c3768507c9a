"""Channels and guild reads: reads come from the gateway cache, every change is one request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.domain.errors import RenameLimited
from bot.domain.permissions import Perm
from bot.domain.ports import ChannelRef, ChannelState, GuildStats
from bot.domain.structure import ChannelKind, ResolvedOverwrite
from bot.gateway.base import GatewayBase, translate_errors

_KINDS: dict[discord.ChannelType, ChannelKind] = {
    discord.ChannelType.category: ChannelKind.CATEGORY,
    discord.ChannelType.text: ChannelKind.TEXT,
    discord.ChannelType.voice: ChannelKind.VOICE,
    discord.ChannelType.stage_voice: ChannelKind.STAGE,
    discord.ChannelType.forum: ChannelKind.FORUM,
}
_TYPES = {kind: ctype for ctype, kind in _KINDS.items()}


def channel_ref(channel: discord.abc.GuildChannel) -> ChannelRef:
    return ChannelRef(
        id=channel.id,
        kind=_KINDS.get(channel.type),
        name=channel.name,
        parent_id=channel.category_id,
    )


def overwrites_payload(overwrites: Sequence[ResolvedOverwrite]) -> list[dict[str, object]]:
    return [
        {
            "id": o.target_id,
            "type": 0 if o.is_role else 1,
            "allow": str(o.allow),
            "deny": str(o.deny),
        }
        for o in overwrites
    ]


def _state_from_payload(data: dict[str, Any]) -> ChannelState:
    ctype = discord.ChannelType(int(data["type"]))
    parent = data.get("parent_id")
    ref = ChannelRef(
        id=int(data["id"]),
        kind=_KINDS.get(ctype),
        name=str(data["name"]),
        parent_id=int(parent) if parent else None,
    )
    overwrites = frozenset(
        ResolvedOverwrite(
            target_id=int(o["id"]),
            is_role=int(o["type"]) == 0,
            allow=int(o["allow"]),
            deny=int(o["deny"]),
        )
        for o in data.get("permission_overwrites", [])
    )
    return ChannelState(ref=ref, overwrites=overwrites)


def overwrite_bits(overwrites: Sequence[ResolvedOverwrite]) -> int:
    """What writing these overwrites needs: Manage Roles, and every bit they allow or deny."""
    if not overwrites:
        return 0
    bits = int(Perm.MANAGE_ROLES)
    for o in overwrites:
        bits |= o.allow | o.deny
    return bits


def _resolved(channel: discord.abc.GuildChannel) -> frozenset[ResolvedOverwrite]:
    found = set()
    for target, overwrite in channel.overwrites.items():
        is_role = isinstance(target, discord.Role) or (
            isinstance(target, discord.Object) and target.type is discord.Role
        )
        allow, deny = overwrite.pair()
        found.add(
            ResolvedOverwrite(
                target_id=target.id, is_role=is_role, allow=allow.value, deny=deny.value
            )
        )
    return frozenset(found)


class ChannelsMixin(GatewayBase):
    def channel(self, guild_id: int, channel_id: int) -> ChannelRef | None:
        state = self.channel_state(guild_id, channel_id)
        return None if state is None else state.ref

    def channel_state(self, guild_id: int, channel_id: int) -> ChannelState | None:
        if channel_id in self._deleted:
            return None
        if channel_id in self._written_channels:
            return self._written_channels[channel_id]
        channel = self._guild(guild_id).get_channel(channel_id)
        if channel is None:
            return None
        return ChannelState(ref=channel_ref(channel), overwrites=_resolved(channel))

    def find_channel(
        self, guild_id: int, *, name: str, kind: ChannelKind, parent_id: int | None
    ) -> ChannelRef | None:
        for channel in self._guild(guild_id).channels:
            if (
                channel.name == name
                and _KINDS.get(channel.type) is kind
                and channel.category_id == parent_id
            ):
                return channel_ref(channel)
        return None

    def children(self, guild_id: int, category_id: int) -> list[int]:
        # The bot's own writes count before the gateway confirms them (spilling at 50 depends
        # on it when rooms open in quick succession).
        found = {
            c.id
            for c in self._guild(guild_id).channels
            if c.category_id == category_id and c.id not in self._written_channels
        }
        found.update(
            cid
            for cid, state in self._written_channels.items()
            if state.ref.parent_id == category_id
        )
        return sorted(found - self._deleted)

    def roles(self, guild_id: int) -> list[tuple[int, str]]:
        return [(role.id, role.name) for role in self._guild(guild_id).roles]

    def is_community(self, guild_id: int) -> bool:
        # discord.py keeps `features` current from GUILD_UPDATE (a server can turn it on later).
        return "COMMUNITY" in self._guild(guild_id).features

    def stats(self, guild_id: int) -> GuildStats:
        guild = self._guild(guild_id)
        people = 0
        in_use = 0
        for channel in (*guild.voice_channels, *guild.stage_channels):
            humans = 0
            for user_id in channel.voice_states:
                member = guild.get_member(user_id)
                if member is None or not member.bot:
                    humans += 1
            people += humans
            in_use += humans > 0
        return GuildStats(
            channels=len(guild.channels), people_in_voice=people, voice_channels_in_use=in_use
        )

    @translate_errors
    async def create_channel(
        self,
        guild_id: int,
        *,
        name: str,
        kind: ChannelKind,
        parent_id: int | None,
        topic: str | None,
        overwrites: Sequence[ResolvedOverwrite],
        reason: str,
        user_limit: int | None = None,
    ) -> ChannelRef:
        # Overwrites travel in the create request itself: one request per channel.
        options: dict[str, object] = {}
        if topic is not None and kind is ChannelKind.TEXT:
            options["topic"] = topic
        if user_limit is not None and kind is ChannelKind.VOICE:
            options["user_limit"] = user_limit
        needs = Perm.VIEW_CHANNEL | Perm.MANAGE_CHANNELS | overwrite_bits(overwrites)
        with self._needs(guild_id, needs, parent_id):
            data = await self._client.http.create_channel(
                guild_id,
                _TYPES[kind].value,
                name=name,
                parent_id=parent_id,
                permission_overwrites=overwrites_payload(overwrites),
                reason=reason,
                **options,
            )
        state = _state_from_payload(dict(data))
        self._written_channels[state.ref.id] = state
        return state.ref

    @translate_errors
    async def edit_channel(
        self,
        channel_id: int,
        *,
        reason: str,
        name: str | None = None,
        parent_id: int | None = None,
        overwrites: Sequence[ResolvedOverwrite] | None = None,
    ) -> None:
        fields: dict[str, object] = {}
        if name is not None:
            fields["name"] = name
        if parent_id is not None:
            fields["parent_id"] = parent_id
        if overwrites is not None:
            fields["permission_overwrites"] = overwrites_payload(overwrites)
        if not fields:
            return
        needs = Perm.VIEW_CHANNEL | Perm.MANAGE_CHANNELS | overwrite_bits(overwrites or ())
        try:
            with self._needs(None, needs, channel_id):
                data = await self._client.http.edit_channel(channel_id, reason=reason, **fields)
        except discord.RateLimited as exc:
            if "name" not in fields:
                raise
            # Discord's rename limit (about 2 per 10 minutes per channel): apply the rest now
            # and tell the caller when the name can change.
            del fields["name"]
            if fields:
                with self._needs(None, needs, channel_id):
                    data = await self._client.http.edit_channel(channel_id, reason=reason, **fields)
                self._written_channels[channel_id] = _state_from_payload(dict(data))
            raise RenameLimited(exc.retry_after) from None
        self._written_channels[channel_id] = _state_from_payload(dict(data))

    @translate_errors
    async def delete_channel(self, channel_id: int, reason: str) -> None:
        channel = self._client.get_channel(channel_id)
        hosted = set()
        if isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            # Discord deletes the events hosted in a deleted channel: those deletes are ours.
            hosted = {e.id for e in channel.scheduled_events}
        self._deleting.update(hosted)
        try:
            with self._needs(None, Perm.VIEW_CHANNEL | Perm.MANAGE_CHANNELS, channel_id):
                await self._delete_own(
                    channel_id,
                    lambda: self._client.http.delete_channel(channel_id, reason=reason),
                )
        except BaseException:
            self._deleting.difference_update(hosted)
            raise
        self._written_channels.pop(channel_id, None)
        self._deleted.add(channel_id)
