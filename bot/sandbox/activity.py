"""What members do by hand: write, react, join voice, click "Interested"."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterable
from typing import Any

from bot.sandbox import permissions as p
from bot.sandbox.state import GuildState, Snowflakes, State


def new_voice_session() -> str:
    """A voice connection's `session_id` (32 hex digits, as Discord's): new at every join
    from outside voice, kept while the person moves between channels."""
    return secrets.token_hex(16)


def voice_state_payload(
    guild: GuildState,
    user_id: int,
    channel_id: int | None,
    member: dict[str, Any] | None,
    session_id: str,
) -> dict[str, Any]:
    return {
        "guild_id": str(guild.id),
        "channel_id": str(channel_id) if channel_id else None,
        "user_id": str(user_id),
        "member": copy.deepcopy(member),
        "session_id": session_id,
        "deaf": False,
        "mute": False,
        "self_deaf": False,
        "self_mute": False,
        "self_stream": False,
        "self_video": False,
        "suppress": False,
        "request_to_speak_timestamp": None,
    }


class ActivityMixin:
    state: State
    ids: Snowflakes
    bot_user_id: int

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post_message(
        self,
        channel_id: int,
        user_id: int,
        content: str = "",
        *,
        embeds: Iterable[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        """A member writes in a channel (MESSAGE_CREATE; content hidden without MESSAGE_CONTENT)."""
        from bot.sandbox import messages

        guild, channel = self.state.channel(channel_id)
        member = self.state.member(guild, user_id)
        body = {"content": content, "embeds": list(embeds)}
        msg = messages.build(self, guild, channel, body, [], author=member["user"])  # type: ignore[arg-type]
        messages.store(self, guild, channel, msg)  # type: ignore[arg-type]
        return copy.deepcopy(msg)

    def add_reaction(
        self, channel_id: int, message_id: int, user_id: int, emoji: str, *, remove: bool = False
    ) -> None:
        """A member reacts (or un-reacts) by hand: MESSAGE_REACTION_ADD / _REMOVE."""
        from bot.sandbox.rest.pins_reactions import parse_emoji, react

        guild, channel = self.state.channel(channel_id)
        self.state.member(guild, user_id)
        msg = self.state.message(channel_id, message_id)
        payload = react(
            self.state,
            guild,
            channel,
            msg,
            int(user_id),
            parse_emoji(emoji),
            add=not remove,
            me=int(user_id) == self.bot_user_id,
        )
        if payload is not None:
            self.dispatch("MESSAGE_REACTION_REMOVE" if remove else "MESSAGE_REACTION_ADD", payload)

    def set_event_interest(
        self, guild_id: int, event_id: int, user_id: int, interested: bool = True
    ) -> None:
        """A member clicks "Interested" on a scheduled event (or takes it back)."""
        guild = self.state.guild(guild_id)
        self.state.member(guild, user_id)
        ev = guild.events.get(int(event_id))
        if ev is None:
            raise KeyError(f"unknown scheduled event {event_id}")
        if interested and ev["status"] not in (1, 2):
            raise ValueError("Discord offers Interested only on scheduled or active events")
        users = self.state.event_users.setdefault(int(event_id), set())
        if interested == (int(user_id) in users):
            return
        (users.add if interested else users.discard)(int(user_id))
        ev["user_count"] = len(users)
        event = (
            "GUILD_SCHEDULED_EVENT_USER_ADD" if interested else "GUILD_SCHEDULED_EVENT_USER_REMOVE"
        )
        self.dispatch(
            event,
            {
                "guild_scheduled_event_id": str(event_id),
                "user_id": str(user_id),
                "guild_id": str(guild.id),
            },
        )

    def delete_message(self, channel_id: int, message_id: int) -> None:
        guild, _ = self.state.channel(channel_id)
        self.state.message(channel_id, message_id)
        del self.state.messages[int(channel_id)][int(message_id)]
        self.dispatch(
            "MESSAGE_DELETE",
            {"id": str(message_id), "channel_id": str(channel_id), "guild_id": str(guild.id)},
        )

    def set_voice_state(
        self, guild_id: int, user_id: int, channel_id: int | None, *, force: bool = False
    ) -> dict[str, Any]:
        """Join, move or leave voice (VOICE_STATE_UPDATE with the member object). A join from
        outside voice starts a new voice session (`session_id`); moves and the leave keep it.

        Like Discord's client, joining needs VIEW_CHANNEL and CONNECT, and a full channel
        (``user_limit``) only admits members with MOVE_MEMBERS; ``force=True`` skips the checks.
        """
        guild = self.state.guild(guild_id)
        member = self.state.member(guild, user_id)
        if channel_id is not None:
            _, channel = self.state.channel(channel_id)
            if channel["type"] not in (2, 13):
                raise ValueError("voice states need a voice or stage channel")
            if not force:
                self._check_can_join(guild, int(user_id), channel)
        prev = guild.voice_states.get(int(user_id))
        # One voice connection from join to leave: moves keep its session, a new join gets one.
        session = new_voice_session() if prev is None else prev["session_id"]
        vs = voice_state_payload(guild, int(user_id), channel_id, member, session)
        if channel_id is None:
            guild.voice_states.pop(int(user_id), None)
        else:
            guild.voice_states[int(user_id)] = vs
        self.dispatch("VOICE_STATE_UPDATE", copy.deepcopy(vs))
        return copy.deepcopy(vs)

    def _check_can_join(self, guild: GuildState, user_id: int, channel: dict[str, Any]) -> None:
        perms = guild.channel_permissions(user_id, channel)
        if perms & (p.VIEW_CHANNEL | p.CONNECT) != p.VIEW_CHANNEL | p.CONNECT:
            raise PermissionError(f"member {user_id} cannot connect to {channel['name']!r}")
        limit = int(channel.get("user_limit") or 0)
        inside = [
            uid
            for uid, vs in guild.voice_states.items()
            if vs["channel_id"] == channel["id"] and uid != user_id
        ]
        if limit and len(inside) >= limit and not perms & p.MOVE_MEMBERS:
            raise PermissionError(f"{channel['name']!r} is full ({limit})")
