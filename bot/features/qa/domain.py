"""Pure rules of a session's questions and time signals (no discord, no aiosqlite)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.errors import InvalidInput, LimitReached
from bot.domain.text_safety import strip_controls

TEXT_MIN = 1
TEXT_MAX = 500
PER_PERSON = 10  # questions per person per session
OPENS_BEFORE = timedelta(minutes=10)


class QuestionState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class Question:
    id: int
    guild_id: int
    session_id: int
    author_id: int
    anonymous: bool
    text: str
    state: QuestionState
    votes: int
    channel_id: int | None
    message_id: int | None
    card_votes: int | None
    card_state: str | None
    asked_at: datetime

    @property
    def card_lags(self) -> bool:
        """The posted card shows another count or state than the database holds."""
        return self.message_id is not None and (
            self.card_votes != self.votes or self.card_state != self.state.value
        )


def clean_question(text: str) -> str:
    """A question as it is kept: no control characters, 1-500 characters (else refused)."""
    kept = strip_controls(text, keep_newlines=True).strip()
    if len(kept) < TEXT_MIN:
        raise InvalidInput("qa.question_empty")
    if len(kept) > TEXT_MAX:
        raise InvalidInput("qa.question_too_long", max=TEXT_MAX, length=len(kept))
    return kept


def check_window(start: datetime, end: datetime, now: datetime, *, title: str) -> None:
    """Questions open 10 minutes before the start and close at the end."""
    opens = start - OPENS_BEFORE
    if now < opens:
        raise InvalidInput("qa.not_open_yet", title=title, opens=int(opens.timestamp()))
    if now >= end:
        raise InvalidInput("qa.closed", title=title)


def check_quota(asked: int, *, title: str) -> None:
    if asked >= PER_PERSON:
        raise LimitReached("qa.too_many_questions", max=PER_PERSON, title=title)


def ranked(questions: Sequence[Question]) -> list[Question]:
    """Most upvoted first, then oldest (then lowest id: a stable order)."""
    return sorted(questions, key=lambda q: (-q.votes, q.asked_at, q.id))


def next_signal(end: datetime, signals: Sequence[int], sent: set[int], now: datetime) -> int | None:
    """The next time signal (minutes before `end`) not sent yet whose moment is still ahead or
    has just come (a signal more than a minute late is skipped: it would mislead)."""
    for minutes in sorted(signals, reverse=True):
        if minutes in sent:
            continue
        at = end - timedelta(minutes=minutes)
        if now <= at + timedelta(minutes=1):
            return minutes
    return None
