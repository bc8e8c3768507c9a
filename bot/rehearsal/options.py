"""What a rehearsal is asked to do (the command line's options) and the guard that keeps it away
from the real Discord whatever the environment holds."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO


@dataclass
class Options:
    schedule: Path
    attendees: int = 150
    posters: int = 20
    seed: int = 1
    speed: float | None = None  # None: the whole programme in about a minute
    database: Path | None = None
    until: str | None = None  # "2" (end of day 2) or "2/12:00"
    out: TextIO = field(default_factory=lambda: sys.stdout)
    quiet: bool = False


class RehearsalError(Exception):
    """The rehearsal cannot start (bad file, bad --until)."""


def parse_until(text: str, days: list[datetime]) -> datetime:
    """`2` -> the end of day 2, `2/12:00` -> day 2 at 12:00 (in the workshop zone)."""
    match = re.fullmatch(r"(\d+)(?:/(\d{1,2}):(\d{2}))?", text.strip())
    if not match or not 1 <= int(match[1]) <= len(days):
        raise RehearsalError(
            f"--until {text!r}: use DAY or DAY/HH:MM with DAY from 1 to {len(days)}"
        )
    day = days[int(match[1]) - 1]
    if match[2] is None:
        return day.replace(hour=23, minute=59)
    return day.replace(hour=int(match[2]), minute=int(match[3]))


def loopback(url: str) -> bool:
    return bool(re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)", url))


def refuse_real_discord(
    environ: dict[str, str], check: Callable[[str], bool] = loopback
) -> str | None:
    """A reason not to start when the environment points the bot at a Discord that is not the
    local sandbox; None when it is safe."""
    for key in ("DISCORD_API_BASE", "DISCORD_GATEWAY_URL"):
        value = environ.get(key)
        if value and not check(value):
            return (
                f"{key} points to {value}: a rehearsal only ever talks to the local sandbox; "
                "unset it"
            )
    return None
