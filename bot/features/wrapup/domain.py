"""Pure rules of the wrap-up: what a locked place's @everyone overwrite is, which event status
a wrapped-up session's event goes to, and the order a teardown deletes in."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.permissions import Perm
from bot.domain.ports import EventStatus
from bot.domain.structure import ChannelKind, ItemKind, ResolvedOverwrite

# A place is locked when @everyone may not Connect (voice) nor Send Messages (text); the text
# chat of a voice channel and the posts of a forum are closed too.
TEXT_LOCK = Perm.SEND_MESSAGES | Perm.SEND_MESSAGES_IN_THREADS | Perm.CREATE_PUBLIC_THREADS
VOICE_LOCK = Perm.CONNECT | Perm.SEND_MESSAGES
LOCKS: dict[ChannelKind, int] = {
    ChannelKind.TEXT: int(TEXT_LOCK),
    ChannelKind.FORUM: int(TEXT_LOCK),
    ChannelKind.VOICE: int(VOICE_LOCK),
    ChannelKind.STAGE: int(VOICE_LOCK),
}

# Jobs a wrap-up keeps: the attendance retention purge (records are still deleted on time).
KEPT_JOBS = ("attendance.purge",)


def locked(
    overwrites: Iterable[ResolvedOverwrite], kind: ChannelKind, everyone_id: int
) -> list[ResolvedOverwrite] | None:
    """The channel's overwrites with @everyone locked out, or None when it is locked already
    (or is not a place: a category)."""
    bits = LOCKS.get(kind)
    if bits is None:
        return None
    kept = list(overwrites)
    everyone = next((o for o in kept if o.is_role and o.target_id == everyone_id), None)
    if everyone is not None and everyone.deny & bits == bits and not everyone.allow & bits:
        return None
    allow = everyone.allow & ~bits if everyone else 0
    deny = (everyone.deny if everyone else 0) | bits
    new = ResolvedOverwrite(target_id=everyone_id, is_role=True, allow=allow, deny=deny)
    others = [o for o in kept if o is not everyone]
    return sorted([new, *others], key=lambda o: (not o.is_role, o.target_id))


def final_status(status: EventStatus) -> EventStatus | None:
    """Where an event goes at wrap-up (Discord: SCHEDULED -> CANCELED, ACTIVE -> COMPLETED);
    None when it is over already."""
    if status is EventStatus.ACTIVE:
        return EventStatus.COMPLETED
    if status is EventStatus.SCHEDULED:
        return EventStatus.CANCELED
    return None


TEARDOWN_ORDER: dict[ItemKind, int] = {
    ItemKind.EVENT: 0,  # before their channels (Discord deletes hosted events with them)
    ItemKind.MESSAGE: 1,  # nothing to delete: they go with their channels
    ItemKind.TEXT: 2,
    ItemKind.VOICE: 2,
    ItemKind.STAGE: 2,
    ItemKind.FORUM: 2,
    ItemKind.CATEGORY: 3,  # empty by then
    ItemKind.ROLE: 4,  # last: nothing refers to them any more
}


def teardown_rank(kind: ItemKind) -> int:
    return TEARDOWN_ORDER.get(kind, 2)
