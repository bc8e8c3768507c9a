"""The event bus: how features tell each other what happened without knowing each other.

A feature publishes a domain event (a frozen dataclass below); every feature that subscribed to
that type is called, in the order it subscribed, one after the other (an `await publish(...)`
returns when all have run, so a publisher sees its effects in order). A handler that fails is
logged with its traceback and does not stop the others, nor the publisher: a broken board must
never undo a session change. Handlers may be plain functions or coroutines.
"""

from __future__ import annotations

import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something that happened in one guild."""

    guild_id: int


@dataclass(frozen=True)
class SessionChanged(Event):
    """The programme of the guild changed (a session created, edited, opened, closed, cancelled,
    or Discord converged back to it)."""


@dataclass(frozen=True)
class SessionClosed(Event):
    """A session closed (its close job ran, or `/session close`): what follows a session's end
    (the feedback prompt) starts now. May come more than once for one session (a job rerun
    after a crash): handlers are idempotent."""

    session_id: int


@dataclass(frozen=True)
class BoardTouched(Event):
    """Something the live room board shows may have changed (a room, a poster board, voice)."""


@dataclass(frozen=True)
class BoardPosted(Event):
    """The board message was (re)posted empty in the lobby; `board` is what it shows."""

    message_id: int
    board: Any  # the rooms feature's RoomBoard (kept loose: the bus knows no feature types)


E = TypeVar("E", bound=Event)
Handler = Callable[[E], Awaitable[None] | None]


class Bus:
    def __init__(self) -> None:
        self._handlers: defaultdict[type[Event], list[Callable[[Any], Any]]] = defaultdict(list)

    def subscribe(self, kind: type[E], handler: Handler[E]) -> None:
        self._handlers[kind].append(handler)

    def subscribers(self, kind: type[Event]) -> int:
        return len(self._handlers[kind])

    async def publish(self, event: Event) -> None:
        for handler in list(self._handlers[type(event)]):
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("a handler of %s failed (%r)", type(event).__name__, handler)
