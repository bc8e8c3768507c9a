"""What attendance needs from the gateway, read synchronously as discord.py dispatches events.

Listeners are too late for this: discord.py runs them as tasks after its gateway reader may
have parsed further events, and `after` in `on_voice_state_update` is the guild's live voice
state, so under a burst an intermediate stay would vanish (see DESIGN.md, "Known traps").
`WorkshopBot.dispatch` calls the `VoiceTap` for every event, in gateway order, while the cache
shows exactly that event: a voice move, a guild's voice states when it becomes available
(GUILD_CREATE at READY or later), READY (with the guilds it lists), RESUMED and disconnects.
Each voice state carries its voice `session_id` (discord.py keeps the one of the join while a
person moves), which tells after a restart whether someone never left voice. The tap only
builds a small record and queues it; the attendance writer does the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.domain.clock import Clock
from bot.features.attendance.domain.observations import (
    Connected,
    Disconnected,
    GuildSeen,
    Moved,
    Presence,
    Ready,
    Resumed,
)
from bot.features.attendance.service import AttendanceService

log = logging.getLogger(__name__)

NAME_MAX = 100
WATCHED = frozenset(
    {
        "voice_state_update",
        "guild_available",
        "guild_join",
        "connect",
        "ready",
        "resumed",
        "disconnect",
    }
)


def _presence(member: discord.Member, state: discord.VoiceState) -> Presence | None:
    channel = state.channel
    if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
        return None
    return Presence(
        channel_id=channel.id,
        channel_name=channel.name[:NAME_MAX],
        display_name=member.display_name[:NAME_MAX],
        session=state.session_id,
    )


def guild_voice(guild: discord.Guild) -> dict[int, Presence]:
    """Everyone (not bots) in a voice or stage channel of the guild, as the cache has it."""
    present: dict[int, Presence] = {}
    for channel in guild.channels:
        if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            continue
        for user_id, state in channel.voice_states.items():
            member = guild.get_member(user_id)
            if member is None or member.bot:
                continue
            presence = _presence(member, state)
            if presence is not None:
                present[user_id] = presence
    return present


class VoiceTap:
    """The tap wire.py gives the core: `tap(event, args)` for every dispatched event."""

    def __init__(
        self,
        attendance: AttendanceService,
        clock: Clock,
        serves: Callable[[int], bool],
        guilds: Callable[[], Sequence[discord.Guild]],
    ) -> None:
        self._attendance = attendance
        self._clock = clock
        self._serves = serves
        self._guilds = guilds

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        """Queue what attendance needs from one dispatched event (cheap; never raises into
        discord.py's dispatch)."""
        if event not in WATCHED:
            return
        try:
            self._observe(event, args)
        except Exception:
            log.exception("attendance could not read the %s event", event)

    def _observe(self, event: str, args: tuple[Any, ...]) -> None:
        attendance, serves = self._attendance, self._serves
        if not attendance.recorder.running:
            return
        now = self._clock.now()
        if event == "voice_state_update":
            member, before, after = args
            if member.bot or not serves(member.guild.id):
                return
            was, now_in = _presence(member, before), _presence(member, after)
            if (was and was.channel_id) == (now_in and now_in.channel_id):
                return  # mute, deafen, video...: not a move
            attendance.record(Moved(member.guild.id, member.id, now, was, now_in))
        elif event in ("guild_available", "guild_join"):
            (guild,) = args
            if serves(guild.id):
                attendance.record(GuildSeen(guild.id, now, guild_voice(guild)))
        elif event == "connect":
            served = frozenset(guild.id for guild in self._guilds() if serves(guild.id))
            attendance.record(Connected(now, served))
        elif event == "ready":
            attendance.record(Ready(now))
        elif event == "resumed":
            attendance.record(Resumed(now))
        else:
            attendance.record(Disconnected(now))
