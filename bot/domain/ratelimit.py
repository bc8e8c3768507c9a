"""Per-member limits on actions that make or remove Discord objects (a poster claim or release,
a topic room, later questions, registration attempts, breakouts): at most `count` in any
`window`. Pure: the history comes from the caller (the database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.errors import LimitReached


@dataclass(frozen=True)
class Rule:
    count: int
    window: timedelta
    key: str = "errors.too_soon"  # the refusal's message: {max}, {minutes}, {at}

    @property
    def minutes(self) -> int:
        return max(1, round(self.window.total_seconds() / 60))


def free_at(times: Iterable[datetime], rule: Rule, now: datetime) -> datetime | None:
    """When the next action is allowed, or None when it is allowed now: the oldest action in
    the window has to age out first."""
    recent = sorted(t for t in times if t > now - rule.window)
    if len(recent) < rule.count:
        return None
    return recent[len(recent) - rule.count] + rule.window


class TooSoon(LimitReached):
    """A member did this too often: refused, saying when it becomes possible."""

    key = "errors.too_soon"

    def __init__(self, rule: Rule, at: datetime) -> None:
        super().__init__(rule.key, max=rule.count, minutes=rule.minutes, at=int(at.timestamp()))


def check(times: Iterable[datetime], rule: Rule, now: datetime) -> None:
    """Raise TooSoon when one more action would break `rule`."""
    at = free_at(times, rule, now)
    if at is not None:
        raise TooSoon(rule, at)
