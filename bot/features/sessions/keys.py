"""The purposes of what the sessions feature owns in Discord (guild_structure), built and read here
only: `session:<id>:channel`, `session:<id>:event` and `day:<date>:<part>` (a day's category).
Pure (no discord, no aiosqlite): other features and the exports read a session's channel here too.
"""

from __future__ import annotations

from dataclasses import dataclass

SESSION_PREFIX = "session:"
DAY_PREFIX = "day:"
#: Every purpose the feature owns starts with one of these (the reconciler routes them here).
PREFIXES = (SESSION_PREFIX, DAY_PREFIX)

CHANNEL = "channel"
EVENT = "event"


@dataclass(frozen=True)
class SessionKey:
    session_id: int
    what: str  # CHANNEL or EVENT


def channel_purpose(session_id: int) -> str:
    return f"{SESSION_PREFIX}{session_id}:{CHANNEL}"


def event_purpose(session_id: int) -> str:
    return f"{SESSION_PREFIX}{session_id}:{EVENT}"


def day_purpose(day: str, part: int) -> str:
    """A programme day's category (`day` an ISO date, `part` 1.. when a day needs more)."""
    return f"{DAY_PREFIX}{day}:{part}"


def parse(purpose: str) -> SessionKey | None:
    """`session:<id>:<what>` -> its session and what it is; None for anything else."""
    parts = purpose.split(":")
    if len(parts) != 3 or f"{parts[0]}:" != SESSION_PREFIX or not parts[1].isdigit():
        return None
    return SessionKey(int(parts[1]), parts[2])


def channel_session(purpose: str) -> int | None:
    """The session whose channel `purpose` names, or None."""
    key = parse(purpose)
    return key.session_id if key is not None and key.what == CHANNEL else None
