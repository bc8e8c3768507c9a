"""Who may rate a session, and when; what a rating is. Pure: the service gives the facts.

A rating is an integer 1-5 with an optional comment of at most 1000 characters, stored as typed
(only a comment of nothing but spaces counts as none). A person may rate a session that started,
was not cancelled, and that they attended for at least `min_minutes` (attendance is the truth);
they may change it until `open_hours` after the session's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.domain.errors import DomainError, InvalidInput

RATING_MIN, RATING_MAX = 1, 5
COMMENT_MAX = 1000


class FeedbackRefused(DomainError):
    """Not allowed to rate (the key says why); nothing was stored."""


class RatingInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rating: int
    comment: str | None = None

    @field_validator("rating", mode="before")
    @classmethod
    def _rating(cls, value: Any) -> int:
        # An integer, or its digits as typed in the form (full-width ones too: ５).
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("rating")
        try:
            number = int(value.strip()) if isinstance(value, str) else value
        except ValueError:
            raise ValueError("rating") from None
        if not RATING_MIN <= number <= RATING_MAX:
            raise ValueError("rating")
        return number

    @field_validator("comment", mode="before")
    @classmethod
    def _comment(cls, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("comment")
        if not value.strip():
            return None
        if len(value) > COMMENT_MAX:
            raise ValueError("comment_length")
        return value  # as typed


def parse_rating(rating: Any, comment: Any = None) -> RatingInput:
    """A validated rating, else `InvalidInput` with the feedback catalog key of the problem."""
    try:
        return RatingInput(rating=rating, comment=comment)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "rating"
        if field == "comment" and "comment_length" in str(error.get("msg", "")):
            length = len(comment) if isinstance(comment, str) else 0
            raise InvalidInput(
                "errors.feedback.comment_too_long", max=COMMENT_MAX, length=length
            ) from None
        if field == "comment":
            raise InvalidInput("errors.feedback.comment_invalid") from None
        raise InvalidInput(
            "errors.feedback.rating_invalid", value=str(rating)[:20], min=RATING_MIN, max=RATING_MAX
        ) from None


@dataclass(frozen=True)
class Window:
    """When a session's ratings are accepted."""

    start: datetime
    end: datetime  # the session's end
    open_for: timedelta

    @property
    def closes(self) -> datetime:
        return self.end + self.open_for


def check_may_rate(
    *,
    cancelled: bool,
    window: Window,
    now: datetime,
    seconds_present: int,
    min_minutes: int,
) -> None:
    """Raises `FeedbackRefused` (the reason's key) unless the person may rate now."""
    if cancelled:
        raise FeedbackRefused("errors.feedback.session_cancelled")
    if now < window.start:
        raise FeedbackRefused("errors.feedback.not_started", start=int(window.start.timestamp()))
    if now >= window.closes:
        raise FeedbackRefused("errors.feedback.closed", closed=int(window.closes.timestamp()))
    if seconds_present < min_minutes * 60:
        raise FeedbackRefused(
            "errors.feedback.not_attended", minutes=min_minutes, present=seconds_present // 60
        )


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    distribution: tuple[int, int, int, int, int]  # how many 1s, 2s, ... 5s


def summarize(ratings: list[int]) -> Summary:
    counts = [0] * (RATING_MAX - RATING_MIN + 1)
    for rating in ratings:
        counts[rating - RATING_MIN] += 1
    mean = round(sum(ratings) / len(ratings), 2) if ratings else None
    return Summary(count=len(ratings), mean=mean, distribution=tuple(counts))  # type: ignore[arg-type]
