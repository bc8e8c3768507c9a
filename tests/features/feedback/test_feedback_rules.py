"""The feedback rules without Discord: ratings, comments, who may rate when, the summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import InvalidInput
from bot.features.feedback.domain.rules import (
    FeedbackRefused,
    Window,
    check_may_rate,
    parse_rating,
    summarize,
)

START = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
WINDOW = Window(start=START, end=START + timedelta(hours=1), open_for=timedelta(hours=48))


@pytest.mark.parametrize("value", [1, 5, "3", " 4 ", "５"])
def test_ratings_one_to_five(value: object) -> None:
    assert 1 <= parse_rating(value).rating <= 5


@pytest.mark.parametrize("value", [0, 6, "x", "", None, True, 2.5, "4.0", "-1"])
def test_other_ratings_are_refused(value: object) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_rating(value)
    assert raised.value.key == "errors.feedback.rating_invalid"


def test_comments_are_kept_as_typed_up_to_1000_characters() -> None:
    typed = "  @everyone <@&1>\n**bold** =1+1  "
    assert parse_rating(3, typed).comment == typed
    assert parse_rating(3, "   ").comment is None
    assert parse_rating(3, "x" * 1000).comment == "x" * 1000
    with pytest.raises(InvalidInput) as raised:
        parse_rating(3, "x" * 1001)
    assert raised.value.key == "errors.feedback.comment_too_long"
    assert raised.value.params == {"max": 1000, "length": 1001}


def refusal(**facts: object) -> str | None:
    values: dict[str, object] = {
        "cancelled": False,
        "window": WINDOW,
        "now": START + timedelta(minutes=70),
        "seconds_present": 600,
        "min_minutes": 5,
        **facts,
    }
    try:
        check_may_rate(**values)  # type: ignore[arg-type]
    except FeedbackRefused as exc:
        return exc.key
    return None


def test_who_may_rate_when() -> None:
    assert refusal() is None
    assert refusal(now=START) is None, "from the start (someone leaving early)"
    assert refusal(now=START - timedelta(seconds=1)) == "errors.feedback.not_started"
    assert refusal(now=WINDOW.closes - timedelta(seconds=1)) is None
    assert refusal(now=WINDOW.closes) == "errors.feedback.closed"
    assert refusal(cancelled=True) == "errors.feedback.session_cancelled"
    assert refusal(seconds_present=299) == "errors.feedback.not_attended"
    assert refusal(seconds_present=300) is None
    assert refusal(seconds_present=0, min_minutes=0) is None


def test_summary() -> None:
    assert summarize([]).mean is None and summarize([]).count == 0
    summary = summarize([5, 3, 5, 1])
    assert summary.count == 4 and summary.mean == 3.5
    assert summary.distribution == (1, 0, 1, 0, 2)
