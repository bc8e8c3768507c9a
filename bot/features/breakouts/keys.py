"""The purposes the breakouts feature owns Discord objects for (guild_structure), built and read
here only: `breakout:<session>:<breakout>:room:<n>` (a breakout room's voice channel) and
`breakout:<session>:<breakout>:category:<part>` (a category the rooms spill into when the
session's own category is full). Pure: the session is in the purpose, so attendance can count
a breakout room toward its session from the purpose alone."""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "breakout:"
PREFIXES = (PREFIX,)
ROOM = "room"
CATEGORY = "category"


@dataclass(frozen=True)
class BreakoutKey:
    session_id: int
    breakout_id: int
    what: str  # ROOM or CATEGORY
    number: int  # the room (1..N) or the category part (1..)


def room_purpose(session_id: int, breakout_id: int, room: int) -> str:
    return f"{PREFIX}{session_id}:{breakout_id}:{ROOM}:{room}"


def category_purpose(session_id: int, breakout_id: int, part: int) -> str:
    return f"{PREFIX}{session_id}:{breakout_id}:{CATEGORY}:{part}"


def breakout_prefix(session_id: int, breakout_id: int) -> str:
    return f"{PREFIX}{session_id}:{breakout_id}:"


def parse(purpose: str) -> BreakoutKey | None:
    parts = purpose.split(":")
    if len(parts) != 5 or f"{parts[0]}:" != PREFIX or parts[3] not in (ROOM, CATEGORY):
        return None
    if not (parts[1].isdigit() and parts[2].isdigit() and parts[4].isdigit()):
        return None
    return BreakoutKey(int(parts[1]), int(parts[2]), parts[3], int(parts[4]))


def session_of_room(purpose: str) -> int | None:
    """The session a breakout room's purpose belongs to (None for anything else)."""
    key = parse(purpose)
    return key.session_id if key is not None and key.what == ROOM else None
