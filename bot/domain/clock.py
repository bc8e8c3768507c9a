"""Time source. The domain only ever sees timezone-aware UTC datetimes.

Besides `now()`, a clock tells the scheduler how long to really sleep until a moment
(`real_seconds_until`: None means "until poked", for a clock only tests move) and lets it
subscribe to jumps in time (a fake clock moved by a test, a rehearsal clock).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def real_seconds_until(self, when: datetime) -> float | None:
        """Wall-clock seconds until `when`, or None if only a jump of the clock will get there."""
        ...

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call `callback` whenever the clock jumps (never, for the system clock)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def real_seconds_until(self, when: datetime) -> float | None:
        return max(0.0, (when - self.now()).total_seconds())

    def subscribe(self, callback: Callable[[], None]) -> None:
        return None


class FakeClock:
    """A clock tests move by hand; subscribers (the scheduler) are told of every move."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 7, 1, 0, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._subscribers: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return self._now

    def real_seconds_until(self, when: datetime) -> float | None:
        return 0.0 if when <= self._now else None

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._subscribers.append(callback)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = when.astimezone(UTC)
        for callback in self._subscribers:
            callback()

    def advance(self, delta: timedelta | float) -> datetime:
        self.set(self._now + (delta if isinstance(delta, timedelta) else timedelta(seconds=delta)))
        return self._now


def to_epoch(when: datetime) -> int:
    """Aware datetime -> INTEGER epoch seconds, as stored in SQLite."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return int(when.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
