"""Pure rules of the personal agenda: reminder modes, mention chunks that fit a message, clashes
between my sessions, and what changed in a session its subscribers should hear of."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MESSAGE_MAX = 2000
MENTIONS_PER_MESSAGE = 80  # 80 mentions of 20-digit ids stay well under 2000 characters
ALLOWED_USERS_MAX = 100  # Discord: allowed_mentions.users holds at most 100 ids


class Mode(StrEnum):
    MENTION = "mention"
    DM = "dm"
    OFF = "off"


DEFAULT_MODE = Mode.MENTION


class Source(StrEnum):
    EVENT = "interested"
    COMMAND = "command"


def mention_chunks(
    user_ids: Iterable[int], header: str, *, per: int = MENTIONS_PER_MESSAGE
) -> list[tuple[list[int], str]]:
    """The users (sorted, so a re-run after a crash cuts the same chunks) in messages of at most
    `per` mentions, each `header` + their mentions, under 2000 characters."""
    users = sorted(set(user_ids))
    chunks: list[tuple[list[int], str]] = []
    current: list[int] = []
    for user in users:
        candidate = [*current, user]
        text = _chunk_text(header, candidate)
        if current and (len(candidate) > min(per, ALLOWED_USERS_MAX) or len(text) > MESSAGE_MAX):
            chunks.append((current, _chunk_text(header, current)))
            current = [user]
        else:
            current = candidate
    if current:
        chunks.append((current, _chunk_text(header, current)))
    return chunks


def _chunk_text(header: str, users: Sequence[int]) -> str:
    return f"{header}\n" + " ".join(f"<@{u}>" for u in users)


@dataclass(frozen=True)
class Slot:
    session_id: int
    start: datetime
    end: datetime


def clashes(slots: Sequence[Slot]) -> set[int]:
    """The sessions that overlap another one of the same agenda."""
    ordered = sorted(slots, key=lambda s: (s.start, s.end))
    found: set[int] = set()
    latest: Slot | None = None  # the slot reaching furthest so far
    for slot in ordered:
        if latest is not None and slot.start < latest.end:
            found.update((slot.session_id, latest.session_id))
        if latest is None or slot.end > latest.end:
            latest = slot
    return found


@dataclass(frozen=True)
class Snapshot:
    """A session as its subscribers last heard of it."""

    title: str
    start: datetime
    end: datetime
    place: str | None
    cancelled: bool


class Change(StrEnum):
    MOVED = "moved"
    LENGTH = "length"
    RENAMED = "renamed"
    PLACE = "place"
    CANCELLED = "cancelled"
    RESTORED = "restored"


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    """What subscribers are told: moved, shortened/extended, renamed, a new place, cancelled."""
    if before.cancelled != after.cancelled:
        return [Change.CANCELLED if after.cancelled else Change.RESTORED]
    if after.cancelled:
        return []
    found: list[Change] = []
    if before.start != after.start:
        found.append(Change.MOVED)
    if (before.end - before.start) != (after.end - after.start):
        found.append(Change.LENGTH)
    if before.title != after.title:
        found.append(Change.RENAMED)
    if before.place != after.place:
        found.append(Change.PLACE)
    return found
