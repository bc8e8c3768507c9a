"""Discord Scheduled Events of sessions (native RSVP: "Interested")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.permissions import Perm
from bot.domain.ports import EventEntity, EventRef, EventSpec, EventStatus
from bot.gateway.base import GatewayBase, translate_errors

_ENTITY_TYPES = {EventEntity.STAGE: 1, EventEntity.VOICE: 2, EventEntity.EXTERNAL: 3}
PRIVACY_GUILD_ONLY = 2


def _payload(spec: EventSpec) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": spec.name,
        "privacy_level": PRIVACY_GUILD_ONLY,
        "scheduled_start_time": spec.start.isoformat(),
        "scheduled_end_time": spec.end.isoformat(),
        "entity_type": _ENTITY_TYPES[spec.entity],
        "description": spec.description or "",
    }
    if spec.entity is EventEntity.EXTERNAL:
        payload["entity_metadata"] = {"location": spec.location}
        payload["channel_id"] = None
    else:
        payload["channel_id"] = spec.channel_id
    return payload


def _event_needs(spec: EventSpec | None) -> int:
    """Manage Events, and for an event in a channel what Discord checks there (a stage event
    is made by a stage moderator)."""
    needs = int(Perm.MANAGE_EVENTS)
    if spec is not None and spec.entity is EventEntity.VOICE:
        needs |= Perm.VIEW_CHANNEL | Perm.CONNECT
    elif spec is not None and spec.entity is EventEntity.STAGE:
        needs |= (
            Perm.VIEW_CHANNEL
            | Perm.CONNECT
            | Perm.MANAGE_CHANNELS
            | Perm.MUTE_MEMBERS
            | Perm.MOVE_MEMBERS
        )
    return needs


def _ref_from_payload(data: dict[str, Any]) -> EventRef:
    metadata = data.get("entity_metadata") or {}
    channel = data.get("channel_id")
    end = data.get("scheduled_end_time")
    return EventRef(
        id=int(data["id"]),
        name=str(data["name"]),
        description=data.get("description") or None,
        start=datetime.fromisoformat(str(data["scheduled_start_time"])),
        end=datetime.fromisoformat(str(end)) if end else None,
        status=EventStatus(int(data["status"])),
        channel_id=int(channel) if channel else None,
        location=metadata.get("location"),
    )


class EventsMixin(GatewayBase):
    def event(self, guild_id: int, event_id: int) -> EventRef | None:
        if event_id in self._deleted:
            return None
        if event_id in self._written_events:
            return self._written_events[event_id]
        event = self._guild(guild_id).get_scheduled_event(event_id)
        if event is None:
            return None
        return EventRef(
            id=event.id,
            name=event.name,
            description=event.description or None,
            start=event.start_time,
            end=event.end_time,
            status=EventStatus(event.status.value),
            channel_id=event.channel_id,
            location=event.location,
        )

    def live_event_ids(self, guild_id: int) -> set[int]:
        live = (EventStatus.SCHEDULED, EventStatus.ACTIVE)
        found = {
            event.id
            for event in self._guild(guild_id).scheduled_events
            if (ref := self.event(guild_id, event.id)) is not None and ref.status in live
        }
        return found - self._deleted

    def find_event(self, guild_id: int, *, name: str, start: datetime) -> EventRef | None:
        candidates = [*self._written_events.values()]
        candidates += [
            ref
            for event in self._guild(guild_id).scheduled_events
            if (ref := self.event(guild_id, event.id)) is not None
        ]
        for ref in candidates:
            if (
                ref.name == name
                and ref.start == start
                and ref.status in (EventStatus.SCHEDULED, EventStatus.ACTIVE)
                and ref.id not in self._deleted
            ):
                return ref
        return None

    @translate_errors
    async def create_event(self, guild_id: int, spec: EventSpec, reason: str) -> int:
        with self._needs(guild_id, _event_needs(spec), spec.channel_id):
            data = await self._client.http.create_guild_scheduled_event(
                guild_id, reason=reason, **_payload(spec)
            )
        ref = _ref_from_payload(dict(data))
        self._written_events[ref.id] = ref
        return ref.id

    @translate_errors
    async def edit_event(
        self,
        guild_id: int,
        event_id: int,
        *,
        reason: str,
        spec: EventSpec | None = None,
        status: EventStatus | None = None,
    ) -> None:
        payload = _payload(spec) if spec is not None else {}
        if status is not None:
            payload["status"] = int(status)
        channel_id = spec.channel_id if spec is not None else None
        with self._needs(guild_id, _event_needs(spec), channel_id):
            data = await self._client.http.edit_scheduled_event(
                guild_id, event_id, reason=reason, **payload
            )
        self._written_events[event_id] = _ref_from_payload(dict(data))

    @translate_errors
    async def delete_event(self, guild_id: int, event_id: int, reason: str) -> None:
        with self._needs(guild_id, int(Perm.MANAGE_EVENTS)):
            await self._delete_own(
                event_id,
                lambda: self._client.http.delete_scheduled_event(guild_id, event_id, reason=reason),
            )
        self._written_events.pop(event_id, None)
        self._deleted.add(event_id)
