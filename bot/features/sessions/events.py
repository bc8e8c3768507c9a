"""A session's Discord Scheduled Event (native RSVP: "Interested"), kept in step with it.

The event is of the session's place: an external event pointing to a poster session's forum (or
text channel) or to a session's link (Zoom), a stage event for a keynote's stage, a voice event
otherwise. It goes ACTIVE when the session opens (the grace period included) and COMPLETED when
it closes; it is removed when the session is cancelled, or leaves the events the programme may
have (moved later, past the cap). A crash between Discord creating it and the id being recorded
is repaired by adopting it (same name and start).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from bot.domain.clock import Clock
from bot.domain.ports import EventEntity, EventRef, EventSpec, EventStatus, SessionPort
from bot.domain.structure import ChannelKind, ItemKind
from bot.domain.text_safety import plain_line
from bot.features.sessions.domain.events_window import DISCORD_EVENT_LIMIT
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.keys import event_purpose
from bot.store.structure_repo import StructureRepository

EVENT_LOCATION_MAX = 100
EVENT_NAME_MAX = 100
EVENT_MIN_LEAD = timedelta(minutes=1)  # Discord refuses an event whose start is in the past


def event_name(session: Session) -> str:
    """A Scheduled Event's name: Discord shows it as plain text, so one line, no bidi tricks."""
    return plain_line(session.title, EVENT_NAME_MAX)


class SessionEvents:
    def __init__(
        self,
        port: SessionPort,
        objects: StructureRepository,
        clock: Clock,
        *,
        event_text: Callable[[Session], str | None],
    ) -> None:
        self._port = port
        self._objects = objects
        self._clock = clock
        self._event_text = event_text

    def cap(self, guild_id: int, cap: int, owned: dict[int, int]) -> int:
        """How many events the programme may have: `cap`, less what events made by hand (or
        by anything else) already take of Discord's 100. `owned`: session id -> event id."""
        others = self._port.live_event_ids(guild_id) - set(owned.values())
        return max(0, min(cap, DISCORD_EVENT_LIMIT - len(others)))

    def spec(self, session: Session, channel_id: int | None) -> EventSpec | None:
        description = self._event_text(session)
        if session.kind is SessionKind.POSTER:
            # A poster session happens at its boards: the event points to its forum (or text
            # channel).
            if channel_id is None:
                return None
            return EventSpec(
                name=event_name(session),
                description=description,
                start=session.start,
                end=session.end,
                entity=EventEntity.EXTERNAL,
                location=f"https://discord.com/channels/{session.guild_id}/{channel_id}",
            )
        if session.location:
            location = session.location
            if len(location) > EVENT_LOCATION_MAX:
                if channel_id is None:
                    return None
                location = f"https://discord.com/channels/{session.guild_id}/{channel_id}"
            return EventSpec(
                name=event_name(session),
                description=description,
                start=session.start,
                end=session.end,
                entity=EventEntity.EXTERNAL,
                location=location,
            )
        if channel_id is None:
            return None
        # The event is of the kind of the channel it happens in: a keynote's stage, or (without
        # Community) its voice channel.
        ref = self._port.channel(session.guild_id, channel_id)
        stage = ref is not None and ref.kind is ChannelKind.STAGE
        return EventSpec(
            name=event_name(session),
            description=description,
            start=session.start,
            end=session.end,
            entity=EventEntity.STAGE if stage else EventEntity.VOICE,
            channel_id=channel_id,
        )

    async def converge(
        self, guild_id: int, session: Session, channel_id: int | None, wanted: bool, reason: str
    ) -> None:
        purpose = event_purpose(session.id)
        item = await self._objects.get(guild_id, purpose)
        event = (
            self._port.event(guild_id, item.discord_id)
            if item is not None and item.discord_id is not None
            else None
        )
        now = self._clock.now()
        status = session.status
        if event is not None and event.status in (EventStatus.COMPLETED, EventStatus.CANCELED):
            return  # finished events are history
        if event is not None:
            await self._follow(guild_id, session, event, channel_id, wanted, reason)
            return
        # No live event.
        if not wanted or status is not SessionStatus.SCHEDULED:
            if item is not None and item.discord_id is None and not item.pending:
                await self._objects.forget(guild_id, purpose)
            return
        spec = self.spec(session, channel_id)
        if spec is None:
            return
        if item is not None and item.pending:
            # A crash may have come between Discord creating the event and the id being recorded.
            found = self._port.find_event(guild_id, name=spec.name, start=spec.start)
            if found is not None:
                await self._objects.record(guild_id, purpose, found.id, now)
                return
        if spec.start <= now + EVENT_MIN_LEAD:
            return
        await self._objects.intend(guild_id, purpose, ItemKind.EVENT, None, now)
        event_id = await self._port.create_event(guild_id, spec, reason)
        await self._objects.record(guild_id, purpose, event_id, self._clock.now())

    async def _follow(
        self,
        guild_id: int,
        session: Session,
        event: EventRef,
        channel_id: int | None,
        wanted: bool,
        reason: str,
    ) -> None:
        """An existing event follows its session: ACTIVE while open (whatever the window says,
        the grace period included), COMPLETED once closed; removed when cancelled, or when a
        session that has not started leaves the window (it was moved later)."""
        status = session.status
        active = event.status is EventStatus.ACTIVE
        if status is SessionStatus.OPEN:
            if not active:
                await self._port.edit_event(
                    guild_id, event.id, reason=reason, status=EventStatus.ACTIVE
                )
            return
        if status is SessionStatus.CLOSED and active:
            await self._port.edit_event(
                guild_id, event.id, reason=reason, status=EventStatus.COMPLETED
            )
            return
        if status is not SessionStatus.SCHEDULED or not wanted:
            await self._port.delete_event(guild_id, event.id, reason)
            await self._objects.forget(guild_id, event_purpose(session.id))
            return
        spec = self.spec(session, channel_id)
        if (
            spec is not None
            and not active
            and _differs(event, spec)
            and spec.start > self._clock.now() + EVENT_MIN_LEAD
        ):
            await self._port.edit_event(guild_id, event.id, reason=reason, spec=spec)


def _differs(event: EventRef, spec: EventSpec) -> bool:
    return (
        event.name != spec.name
        or (event.description or None) != (spec.description or None)
        or event.start != spec.start
        or event.end != spec.end
        or (spec.channel_id is not None and event.channel_id != spec.channel_id)
        or (spec.location is not None and event.location != spec.location)
    )
