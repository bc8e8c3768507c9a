"""The hallway: which conversation to send someone to who is looking for one.

Among the open topic rooms with people inside and room to spare, small ones first: 1 to 3
people is a conversation one can still join (preferred), then any other size; fewest people
first, then the oldest room. The room the person is in already is never picked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PREFERRED = range(1, 4)  # 1-3 people inside


@dataclass(frozen=True)
class Conversation:
    room_id: int
    channel_id: int
    people: int
    user_limit: int | None


def pick(rooms: Sequence[Conversation], *, current: int | None = None) -> Conversation | None:
    open_ = [
        r
        for r in rooms
        if r.people >= 1
        and (r.user_limit is None or r.people < r.user_limit)
        and r.channel_id != current
    ]
    if not open_:
        return None
    return min(open_, key=lambda r: (r.people not in PREFERRED, r.people, r.room_id))
