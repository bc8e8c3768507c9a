"""Plan the Discord layout of the programme, without Discord.

- One category per day in the workshop zone, named per locale: en `Day 1 · 7/1 (Wed)`,
  ja `1日目 · 7/1 (水)`. Days are numbered 1, 2, ... over the days that HAVE sessions (a weekend
  without sessions does not create a gap in the numbering).
- A category holds at most `per_category` channels (Discord: 50); further channels of that day
  spill into continuation categories `Day 1 · 7/1 (Wed) (2)`, `(3)`, ...
- The channel of a session: an external location (Zoom...) -> a text channel for chat/Q&A;
  otherwise a keynote -> a Stage channel, everything else -> a voice channel (whose built-in chat
  is the session's text chat); a poster session -> a Forum channel (one post per board).
- Stage and Forum channels exist only in Community servers. Elsewhere a keynote gets a voice
  channel and a poster session a text channel with one thread per board (`community=False`).
  A place keeps the kind it was created with when the server changes (`compatible_kinds`).
- Channel names follow Discord's rules: 1-100 characters; text channels lowercase, spaces become
  `-`, no `#`; voice and stage names keep their case. Japanese and emoji are kept.

`plan()` gives days -> categories -> channels with counts (used by `workshop-bot check`).
Cancelled sessions get no channel.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.limits import CHANNEL_NAME_MAX, CHANNELS_PER_CATEGORY
from bot.domain.text_safety import plain_line
from bot.features.sessions.domain.model import Session, SessionDraft, SessionKind, SessionStatus
from bot.features.sessions.domain.rules import place_key
from bot.features.sessions.domain.timeparse import DEFAULT_ZONE, local_date


def category_with_space(
    categories: Mapping[int, int | None], used: Callable[[int], int], per_category: int
) -> tuple[int, int | None]:
    """Among spilling categories (part 1, 2, ... -> category id, None when it must be created
    again), the first one a channel can go into: (part, id), id None when that category is to be
    created; a new part after the last when every one is full. `used(id)` counts its channels."""
    for part in sorted(categories):
        category_id = categories[part]
        if category_id is None or used(category_id) < per_category:
            return part, category_id
    return (max(categories) + 1 if categories else 1), None


_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
}


class ChannelKind(StrEnum):
    TEXT = "text"
    VOICE = "voice"
    STAGE = "stage"
    FORUM = "forum"  # a poster session: one post per board (its boards' voice channels come later)


def channel_kind(session: SessionDraft, *, community: bool = True) -> ChannelKind:
    """The kind of channel a new place of `session` gets; `community`: whether the server has
    Discord's COMMUNITY feature (Stage and Forum channels)."""
    if session.kind is SessionKind.POSTER:
        return ChannelKind.FORUM if community else ChannelKind.TEXT
    if session.location:
        return ChannelKind.TEXT
    if session.kind is SessionKind.KEYNOTE:
        return ChannelKind.STAGE if community else ChannelKind.VOICE
    return ChannelKind.VOICE


def compatible_kinds(session: SessionDraft) -> frozenset[ChannelKind]:
    """The kinds an existing place of `session` may keep: the Community kind and its stand-in
    (a keynote's stage or voice channel, a poster session's forum or text channel), so a server
    turning Community on or off converts nothing."""
    return frozenset({channel_kind(session), channel_kind(session, community=False)})


_DASHES = re.compile(r"-{2,}")


def channel_name(title: str, kind: ChannelKind, *, fallback: str = "session") -> str:
    """A valid Discord channel name for `title` (see the module doc); `fallback` when nothing
    usable is left."""
    # One line first: newlines and tabs become single spaces; controls, bidi formatting and
    # invisible fillers go (a name cannot reverse or hide what follows it).
    text = plain_line(title)
    if kind in (ChannelKind.TEXT, ChannelKind.FORUM):
        # Text channel names keep letters (any script), digits, emoji, '-' and '_' (as Discord's
        # client does): punctuation such as ':' or '#' goes, spaces become '-'.
        text = "".join(
            ch
            for ch in text.lower().replace(" ", "-")
            if ch in "-_" or unicodedata.category(ch)[0] in "LN" or unicodedata.category(ch) == "So"
        )
        text = _DASHES.sub("-", text).strip("-")
    text = text[:CHANNEL_NAME_MAX].strip()
    if kind in (ChannelKind.TEXT, ChannelKind.FORUM):
        text = text.strip("-")
    return text or fallback


@dataclass(frozen=True)
class DayInfo:
    """The parts of a day category's name."""

    number: int  # 1-based, over the days that have sessions
    date: date  # in the workshop zone
    weekday: int  # 0 = Monday ... 6 = Sunday


def _lang(locale: str) -> str:
    base = locale.replace("_", "-").split("-")[0].lower()
    return base if base in _WEEKDAYS else "en"


def day_name(day: DayInfo, locale: str = "en", part: int = 1) -> str:
    """`Day 1 · 7/1 (Wed)` (en) or `1日目 · 7/1 (水)` (ja); part >= 2 appends ` (2)` etc."""
    lang = _lang(locale)
    weekday = _WEEKDAYS[lang][day.weekday]
    label = f"{day.number}日目" if lang == "ja" else f"Day {day.number}"
    name = f"{label} · {day.date.month}/{day.date.day} ({weekday})"
    return f"{name} ({part})" if part > 1 else name


def _active(sessions: Iterable[SessionDraft]) -> list[SessionDraft]:
    return [
        s for s in sessions if not (isinstance(s, Session) and s.status is SessionStatus.CANCELLED)
    ]


def day_infos(
    sessions: Iterable[SessionDraft], zone: ZoneInfo = DEFAULT_ZONE
) -> dict[date, DayInfo]:
    """Each local day with at least one (non-cancelled) session, numbered from 1."""
    days = sorted({local_date(s.start, zone) for s in _active(sessions)})
    return {d: DayInfo(number=i, date=d, weekday=d.weekday()) for i, d in enumerate(days, start=1)}


@dataclass(frozen=True)
class ChannelPlan:
    session: SessionDraft
    kind: ChannelKind
    name: str


@dataclass
class CategoryPlan:
    day: DayInfo
    part: int  # 1 for the day's first category, 2+ for continuations
    name: str
    channels: list[ChannelPlan] = field(default_factory=list)


@dataclass
class DayPlan:
    day: DayInfo
    categories: list[CategoryPlan] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        return sum(len(c.channels) for c in self.categories)


@dataclass
class LayoutPlan:
    days: list[DayPlan]
    per_category: int

    @property
    def category_count(self) -> int:
        return sum(len(d.categories) for d in self.days)

    @property
    def channel_count(self) -> int:
        """Session channels (not counting the categories)."""
        return sum(d.session_count for d in self.days)

    @property
    def guild_channel_count(self) -> int:
        """What this plan adds towards Discord's 500 channels per guild (categories included)."""
        return self.channel_count + self.category_count

    def count_by_kind(self) -> dict[ChannelKind, int]:
        counts = dict.fromkeys(ChannelKind, 0)
        for day in self.days:
            for category in day.categories:
                for channel in category.channels:
                    counts[channel.kind] += 1
        return counts


def plan(
    sessions: Iterable[SessionDraft],
    zone: ZoneInfo = DEFAULT_ZONE,
    locale: str = "en",
    *,
    per_category: int = CHANNELS_PER_CATEGORY,
    community: bool = True,
) -> LayoutPlan:
    """Days -> categories (spilling every `per_category` channels) -> channels, in start order;
    `community`: see `channel_kind`."""
    if not 1 <= per_category <= CHANNELS_PER_CATEGORY:
        raise ValueError(f"per_category must be within 1..{CHANNELS_PER_CATEGORY}")
    active = sorted(_active(sessions), key=lambda s: (s.start, place_key(s.track), s.title))
    infos = day_infos(active, zone)
    by_day: dict[date, DayPlan] = {d: DayPlan(day=info) for d, info in infos.items()}
    for session in active:
        day_plan = by_day[local_date(session.start, zone)]
        cats = day_plan.categories
        if not cats or len(cats[-1].channels) >= per_category:
            part = len(cats) + 1
            cats.append(
                CategoryPlan(day=day_plan.day, part=part, name=day_name(day_plan.day, locale, part))
            )
        kind = channel_kind(session, community=community)
        cats[-1].channels.append(ChannelPlan(session, kind, channel_name(session.title, kind)))
    return LayoutPlan(days=[by_day[d] for d in sorted(by_day)], per_category=per_category)
