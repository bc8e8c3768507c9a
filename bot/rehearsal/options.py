"""What a rehearsal is asked to do (the command line's options), the example camp it rehearses by
default (package data, so it works from any folder) and the guard that keeps it away from the
real Discord whatever the environment holds."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.rehearsal.text import Text

#: The example camp (a copy of config/schedule.example.yaml, kept identical by a test).
EXAMPLE_SCHEDULE = Path(__file__).parent / "data" / "schedule.example.yaml"
#: The path the example had before it was package data: still accepted from any folder.
OLD_EXAMPLE_PATHS = ("config/schedule.example.yaml", "schedule.example.yaml")


@dataclass
class Options:
    schedule: Path = EXAMPLE_SCHEDULE
    attendees: int = 150
    posters: int = 20
    seed: int = 1
    speed: float | None = None  # None: the whole programme in about a minute
    database: Path | None = None
    until: str | None = None  # "2" (end of day 2) or "2/12:00"
    out: TextIO = field(default_factory=lambda: sys.stdout)
    quiet: bool = False


class RehearsalError(Exception):
    """The rehearsal cannot start (bad file, bad --until): a message key of `cli.rehearse` and
    its parameters, rendered in the workshop's locale by `text(error)`."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def render(self, text: Text) -> str:
        return text(self.key, **self.params)

    def __str__(self) -> str:
        return self.render(Text())


def schedule_file(given: Path | None) -> Path:
    """The schedule to rehearse: the given file; the example camp when none is given, or when
    the example's old path is given from a folder that has no such file."""
    if given is None:
        return EXAMPLE_SCHEDULE
    if not given.exists() and given.as_posix() in OLD_EXAMPLE_PATHS:
        return EXAMPLE_SCHEDULE
    if not given.is_file():
        raise RehearsalError("no_file", file=given)
    return given


UNTIL = re.compile(r"(\d+)(?:/(\d{1,2}):(\d{2}))?")


def check_until(text: str) -> None:
    """Refuse a malformed --until before anything runs (its day is checked against the file)."""
    match = UNTIL.fullmatch(text.strip())
    if not match or int(match[1]) < 1 or not _clock_time(match):
        raise RehearsalError("bad_until_form", value=repr(text))


def _clock_time(match: re.Match[str]) -> bool:
    return match[2] is None or (int(match[2]) <= 23 and int(match[3]) <= 59)


def parse_until(text: str, days: list[datetime]) -> datetime:
    """`2` -> the end of day 2, `2/12:00` -> day 2 at 12:00 (in the workshop zone)."""
    match = UNTIL.fullmatch(text.strip())
    if not match or not 1 <= int(match[1]) <= len(days):
        raise RehearsalError("bad_until", value=repr(text), days=len(days))
    if not _clock_time(match):
        raise RehearsalError("bad_until_form", value=repr(text))
    day = days[int(match[1]) - 1]
    if match[2] is None:
        return day.replace(hour=23, minute=59)
    return day.replace(hour=int(match[2]), minute=int(match[3]))


def loopback(url: str) -> bool:
    return bool(re.match(r"^(https?|wss?)://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)", url))


def refuse_real_discord(
    environ: dict[str, str], check: Callable[[str], bool] = loopback, text: Text | None = None
) -> str | None:
    """A reason not to start when the environment points the bot at a Discord that is not the
    local sandbox; None when it is safe."""
    for key in ("DISCORD_API_BASE", "DISCORD_GATEWAY_URL"):
        value = environ.get(key)
        if value and not check(value):
            return RehearsalError("real_discord", key=key, value=value).render(text or Text())
    return None
