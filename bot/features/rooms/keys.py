"""The purposes the rooms feature owns Discord objects for (guild_structure), built and read
here only: `room:<id>:channel` (a topic room's voice channel) and `rooms:<part>` (the "Topic
rooms" categories, 1 and its continuations)."""

from __future__ import annotations

ROOM_PREFIX = "room:"
CATEGORY_PREFIX = "rooms:"
PREFIXES = (ROOM_PREFIX, CATEGORY_PREFIX)  # what the reconciler routes to this feature


def room_purpose(room_id: int) -> str:
    return f"{ROOM_PREFIX}{room_id}:channel"


def category_purpose(part: int) -> str:
    return f"{CATEGORY_PREFIX}{part}"


def room_id_of(purpose: str) -> int | None:
    """The room a `room:<id>:channel` purpose is about (None for any other purpose)."""
    if not purpose.startswith(ROOM_PREFIX):
        return None
    return int(purpose.split(":")[1])


def category_part_of(purpose: str) -> int | None:
    """The part of a `rooms:<part>` category purpose (None for any other purpose)."""
    if not purpose.startswith(CATEGORY_PREFIX):
        return None
    return int(purpose.removeprefix(CATEGORY_PREFIX))
