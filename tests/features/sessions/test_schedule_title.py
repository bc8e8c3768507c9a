"""The workshop's title a YAML schedule names (`title:`): cleaned like session titles, held to the
`title` setting's length, and a problem of the `file` when it cannot be kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.features.sessions.calendar import calendar_title
from bot.features.sessions.domain.schedule_import import ImportProblem, parse_schedule
from bot.features.sessions.domain.schedule_import.plan import plan_import
from bot.features.sessions.domain.schedule_import.title import WORKSHOP_TITLE_MAX
from tests.fakes.factories import TOKYO

NOW = datetime(2027, 6, 1, tzinfo=UTC)
SESSIONS = "sessions:\n  - {title: Talk, start: 2027-07-01 10:00, duration: 30}\n"


def parse(head: str) -> tuple[str | None, list[ImportProblem]]:
    result = parse_schedule("camp.yaml", (head + SESSIONS).encode(), TOKYO, now=NOW)
    return result.title, result.problems


@pytest.mark.parametrize(
    ("head", "title"),
    [
        (
            "title: MLエンジニアリング研究会 サマーキャンプ 2027\n",
            "MLエンジニアリング研究会 サマーキャンプ 2027",
        ),
        ('title: "  Camp\\n2027\\tday\\u0000s  "\n', "Camp 2027 days"),  # one line, no controls
        ("title: 2027\n", "2027"),  # every scalar is text
        ("title: '  '\n", None),
        ("title: ~\n", None),
        ("title:\n", None),
        ("", None),
        (f"title: {'x' * WORKSHOP_TITLE_MAX}\n", "x" * WORKSHOP_TITLE_MAX),
    ],
)
def test_a_title_is_kept_as_one_line(head: str, title: str | None) -> None:
    assert parse(head) == (title, [])


def test_a_title_that_is_too_long_or_not_text_is_an_error_of_the_file() -> None:
    title, problems = parse(f"title: {'長' * (WORKSHOP_TITLE_MAX + 1)}\n")
    assert title is None
    assert problems == [
        ImportProblem("file", "errors.title_too_long", {"max": 200, "length": 201}, "error")
    ]
    title, problems = parse("title: [a, b]\n")
    assert title is None
    assert problems == [
        ImportProblem("file", "import.value_not_text", {"field": "title", "type": "a list"})
    ]


def test_the_title_reaches_the_planned_import_and_csv_has_none() -> None:
    data = ("title: Camp\n" + SESSIONS).encode()
    assert plan_import("camp.yaml", data, TOKYO, NOW, [], frozenset()).title == "Camp"
    csv = b"title,start,duration\nTalk,2027-07-01 10:00,30\n"
    assert plan_import("camp.csv", csv, TOKYO, NOW, [], frozenset()).title is None


def test_the_calendar_title_is_the_first_with_text_on_one_plain_line() -> None:
    assert calendar_title("Setting", "Imported", "Server") == "Setting"
    assert calendar_title(None, "Imported\u202e", "Server") == "Imported"
    assert calendar_title(None, None, "Server") == "Server"
    assert calendar_title("  ", "\u200b", "Server") == "Server"
    assert calendar_title(None, "x" * 300, "Server") == "x" * 199 + "…"
    with pytest.raises(ValueError):
        calendar_title(None, "")
