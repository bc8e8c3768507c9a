"""Converging Discord to the programme: day categories, one channel per session, Scheduled Events.

Everything follows from the sessions table and the clock:
- each day (in the workshop zone) has a category, continued in `(2)`, `(3)`... before Discord's 50
  channels per category;
- each session that is not cancelled has its channel (stage / voice / text / forum) in its day's
  category, with the overwrites of its phase (locked before, open while running, read-only after);
  without Community a keynote gets a voice channel and a poster session a text channel, and a
  place keeps its kind when the server turns Community on or off (new places follow the server);
- running and upcoming sessions have a Scheduled Event, nearest first, as many as fit under
  `cap` and beside the events made by hand (Discord allows 100 at once; only a larger programme
  rolls: the latest get theirs as earlier ones end), within the horizon `window` if one is
  set; an event follows its session's status (ACTIVE when open, COMPLETED when closed).
Reads come from the gateway cache, so converging an unchanged guild costs no request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.gate import Gate
from bot.core.owned import ChannelWish, OwnedChannels
from bot.domain.clock import Clock
from bot.domain.organizers import configured_role_ids
from bot.domain.ports import SessionPort
from bot.domain.structure import ChannelKind, ItemKind, ResolvedOverwrite, resolve_overwrites
from bot.features.sessions import keys
from bot.features.sessions.domain.events_window import sessions_needing_events
from bot.features.sessions.domain.layout import ChannelKind as LayoutKind
from bot.features.sessions.domain.layout import LayoutPlan, compatible_kinds, plan
from bot.features.sessions.domain.model import Session, SessionDraft, SessionKind, SessionStatus
from bot.features.sessions.domain.places import people_overwrite, phase_of, place_overwrites
from bot.features.sessions.events import SessionEvents
from bot.features.sessions.keys import channel_purpose, day_purpose
from bot.features.sessions.repo import SessionRepository
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Placement:
    day_purpose: str
    day_name: str
    channel_name: str
    kind: ChannelKind


@dataclass(frozen=True)
class PlacesConfig:
    zone: ZoneInfo
    locale: str
    organizer_roles: tuple[str, ...]
    window: timedelta | None
    cap: int
    per_category: int = 50


class SessionPlaces:
    def __init__(
        self,
        port: SessionPort,
        objects: StructureRepository,
        sessions: SessionRepository,
        clock: Clock,
        config: PlacesConfig,
        *,
        event_text: Callable[[Session], str | None],
        gate: Gate | None = None,
    ) -> None:
        self._port = port
        self._objects = objects
        self._sessions = sessions
        self._clock = clock
        self._config = config
        self._channels = OwnedChannels(port, objects, clock, gate=gate or Gate.open())
        self._event_text = event_text  # a text channel's topic is the event's description
        self._events = SessionEvents(port, objects, clock, event_text=event_text)
        # The last convergence left upcoming sessions without an event (the cap was reached).
        self.rolling = False

    # -- public ----------------------------------------------------------------------------------

    def take_rename_retry(self) -> datetime | None:
        """When a rename that Discord rate-limited during the last convergence can be retried."""
        when, self._channels.retry_renames_at = self._channels.retry_renames_at, None
        return when

    async def converge(self, guild_id: int, only: Iterable[int] | None = None) -> None:
        """Make Discord match the programme, for every session or only those ids."""
        sessions = await self._sessions.in_guild(guild_id)
        placements = self._placements(sessions, community=self._port.is_community(guild_id))
        now = self._clock.now()
        _, owned_events = await self.discord_ids(guild_id)
        cap = self._events.cap(guild_id, self._config.cap, owned_events)
        chosen = sessions_needing_events(sessions, now, self._config.window, cap)
        wanted = {s.id for s in chosen}
        self.rolling = any(
            s.status is SessionStatus.SCHEDULED and s.start > now and s.id not in wanted
            for s in sessions
        )
        targets = set(only) if only is not None else None
        categories: dict[str, int] = {}
        for session in sessions:
            if targets is not None and session.id not in targets:
                continue
            await self._converge_one(guild_id, session, placements, wanted, categories)
        if targets is None:
            await self._drop_orphans(guild_id, {s.id for s in sessions})
            await self._drop_unused_categories(
                guild_id, {p.day_purpose for p in placements.values()}
            )

    async def new_channels(self, guild_id: int, sessions: Iterable[SessionDraft]) -> int:
        """How many channels (categories included) Discord would get if the programme were
        `sessions`: what their layout needs beyond what the bot already has."""
        layout = plan(
            list(sessions),
            self._config.zone,
            self._config.locale,
            per_category=self._config.per_category,
        )
        have = 0
        for prefix in (keys.DAY_PREFIX, keys.SESSION_PREFIX):
            for item in await self._objects.with_prefix(guild_id, prefix):
                live = item.discord_id is not None and item.kind is not ItemKind.EVENT
                have += live and self._port.channel(guild_id, item.discord_id or 0) is not None
        return max(0, layout.category_count + layout.channel_count - have)

    async def channel_id(self, session_id: int, guild_id: int) -> int | None:
        item = await self._objects.get(guild_id, channel_purpose(session_id))
        return None if item is None else item.discord_id

    async def discord_ids(self, guild_id: int) -> tuple[dict[int, int], dict[int, int]]:
        """(session id -> channel id, session id -> event id) for every live one."""
        channels: dict[int, int] = {}
        events: dict[int, int] = {}
        for item in await self._objects.with_prefix(guild_id, keys.SESSION_PREFIX):
            key = keys.parse(item.purpose)
            if item.discord_id is None or key is None:
                continue
            (channels if key.what == keys.CHANNEL else events)[key.session_id] = item.discord_id
        return channels, events

    async def session_of_channel(self, channel_id: int) -> int | None:
        """The session whose place `channel_id` is (one indexed lookup), else None."""
        item = await self._objects.by_discord_id(channel_id)
        return None if item is None else keys.channel_session(item.purpose)

    # -- layout ----------------------------------------------------------------------------------

    def _placements(self, sessions: list[Session], *, community: bool) -> dict[int, Placement]:
        layout: LayoutPlan = plan(
            sessions,
            self._config.zone,
            self._config.locale,
            per_category=self._config.per_category,
            community=community,
        )
        found: dict[int, Placement] = {}
        for day in layout.days:
            for category in day.categories:
                purpose = day_purpose(day.day.date.isoformat(), category.part)
                for channel in category.channels:
                    session = channel.session
                    assert isinstance(session, Session)
                    found[session.id] = Placement(
                        day_purpose=purpose,
                        day_name=category.name,
                        channel_name=channel.name,
                        kind=ChannelKind(channel.kind.value),
                    )
        return found

    # -- one session -----------------------------------------------------------------------------

    async def _converge_one(
        self,
        guild_id: int,
        session: Session,
        placements: dict[int, Placement],
        wanted_events: set[int],
        categories: dict[str, int],
    ) -> None:
        reason = f"session {session.id}: {session.title}"[:200]
        placement = placements.get(session.id)
        item = await self._objects.get(guild_id, channel_purpose(session.id))
        state = (
            self._port.channel_state(guild_id, item.discord_id)
            if item is not None and item.discord_id is not None
            else None
        )
        channel_id: int | None = None
        if placement is None:  # cancelled: keep the channel, read-only; no new one
            if state is not None and state.ref.kind is not None:
                overwrites = self._overwrites(guild_id, session, state.ref.kind)
                if state.overwrites != frozenset(overwrites):
                    await self._port.edit_channel(
                        state.ref.id, reason=reason, overwrites=overwrites
                    )
        else:
            kind = placement.kind
            if state is not None and state.ref.kind in _structure_kinds(session):
                kind = state.ref.kind  # made before the server turned Community on or off
            overwrites = self._overwrites(guild_id, session, kind)
            parent = categories.get(placement.day_purpose)
            if parent is None:
                _, parent = await self._channels.ensure(
                    guild_id,
                    ChannelWish(
                        purpose=placement.day_purpose,
                        kind=ChannelKind.CATEGORY,
                        name=placement.day_name,
                        parent_id=None,
                        parent_purpose=None,
                        enforce_name=True,
                    ),
                    f"programme day {placement.day_purpose}",
                )
                categories[placement.day_purpose] = parent
            _, channel_id = await self._channels.ensure(
                guild_id,
                ChannelWish(
                    purpose=channel_purpose(session.id),
                    kind=kind,
                    name=placement.channel_name,
                    parent_id=parent,
                    parent_purpose=placement.day_purpose,
                    overwrites=tuple(overwrites),
                    topic=self._event_text(session) if kind is ChannelKind.TEXT else None,
                    enforce_name=True,
                    enforce_overwrites=True,
                ),
                reason,
            )
        await self._events.converge(
            guild_id, session, channel_id, session.id in wanted_events, reason
        )

    def _overwrites(
        self, guild_id: int, session: Session, kind: ChannelKind
    ) -> list[ResolvedOverwrite]:
        organizer_ids, _ = configured_role_ids(
            self._config.organizer_roles, self._port.roles(guild_id)
        )
        resolved = resolve_overwrites(
            place_overwrites(
                LayoutKind(kind.value),
                phase_of(session.status),
                posters=session.kind is SessionKind.POSTER,
            ),
            everyone_role_id=guild_id,
            organizer_role_ids=organizer_ids,
            bot_user_id=self._port.bot_user_id,
        )
        # The chair and the speakers moderate their keynote's Stage (closed: read-only for all).
        allow = int(people_overwrite(LayoutKind(kind.value)))
        if allow and session.status in (SessionStatus.SCHEDULED, SessionStatus.OPEN):
            taken = {o.target_id for o in resolved if not o.is_role}
            resolved.extend(
                ResolvedOverwrite(target_id=uid, is_role=False, allow=allow, deny=0)
                for uid in session.people
                if uid not in taken
            )
        return resolved

    async def _drop_orphans(self, guild_id: int, known: set[int]) -> None:
        """Channels and events of sessions that are no longer in the database (a change that
        Discord refused was undone) go too."""
        for item in await self._objects.with_prefix(guild_id, keys.SESSION_PREFIX):
            key = keys.parse(item.purpose)
            if key is None or key.session_id in known:
                continue
            session_id = key.session_id
            reason = f"session {session_id} was undone"
            if item.kind is ItemKind.EVENT:
                if item.discord_id is not None and self._port.event(guild_id, item.discord_id):
                    await self._port.delete_event(guild_id, item.discord_id, reason)
                await self._objects.forget(guild_id, item.purpose)
            else:
                await self._channels.remove(guild_id, item.purpose, reason)

    async def _drop_unused_categories(self, guild_id: int, used: set[str]) -> None:
        for item in await self._objects.with_prefix(guild_id, keys.DAY_PREFIX):
            if item.purpose in used:
                continue
            if item.discord_id is not None and self._port.children(guild_id, item.discord_id):
                continue  # something else lives there now: leave it
            await self._channels.remove(guild_id, item.purpose, "programme day no longer used")


def _structure_kinds(session: Session) -> set[ChannelKind]:
    return {ChannelKind(kind.value) for kind in compatible_kinds(session)}
