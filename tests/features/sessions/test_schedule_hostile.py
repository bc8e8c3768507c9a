"""Hostile schedule files: each is refused with a reason naming where, quickly, unexpanded.

The parser runs in a budgeted worker in the bot (tests/unit/test_untrusted.py), but these files
must not even need the budget: they are refused while being read.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain.schedule_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_SESSIONS,
    ImportResult,
    parse_schedule,
)
from tests.fakes.factories import TOKYO

NOW = datetime(2027, 6, 1, tzinfo=UTC)
MB = 1024 * 1024

BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
sessions: *i
"""


def parse(name: str, data: bytes | str) -> ImportResult:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return parse_schedule(name, raw, TOKYO, now=NOW)


def refusal(name: str, data: bytes | str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        parse(name, data)
    return info.value


def bounded(fn: Callable[[], object], limit: int = 64 * MB) -> None:
    """`fn` never holds more than `limit` bytes of Python objects at once."""
    tracemalloc.start()
    try:
        fn()
    except InvalidInput:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < limit, f"peak {peak / MB:.0f} MB"


def test_billion_laughs_is_refused_before_it_expands() -> None:
    assert len(BILLION_LAUGHS.encode()) < 400
    error = refusal("laughs.yaml", BILLION_LAUGHS)
    assert error.key == "errors.import_yaml_too_many_values"
    assert error.params["line"] <= 6
    bounded(lambda: parse("laughs.yaml", BILLION_LAUGHS), 8 * MB)


def test_an_alias_bomb_in_a_field_is_named_by_its_type_never_expanded() -> None:
    text = "x: &x [a, a, a, a, a, a, a, a]\ny: &y [*x, *x, *x, *x]\n"
    text += "sessions:\n  - {title: *y, start: 2027-07-01 10:00, duration: 30}\n"
    result = parse("s.yaml", text)
    assert [(p.where, p.key, p.params) for p in result.problems if p.severity == "error"] == [
        ("session 1", "import.value_not_text", {"field": "title", "type": "a list"})
    ]


def test_an_alias_inside_what_it_names_is_refused() -> None:
    error = refusal("s.yaml", "sessions: &s [*s]\n")
    assert error.key == "errors.import_yaml_recursive_alias"
    assert error.params == {"line": 1, "anchor": "s"}


def test_aliases_and_merge_keys_within_limits_still_work() -> None:
    text = """defaults: &d {duration: 30, track: Hall A}
sessions:
  - {<<: *d, title: One, start: 2027-07-01 10:00}
  - {<<: *d, title: Two, start: 2027-07-01 10:30}
"""
    result = parse("s.yaml", text)
    assert [(d.title, d.track, d.duration_minutes) for d in result.drafts] == [
        ("One", "Hall A", 30),
        ("Two", "Hall A", 30),
    ]


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("sessions:\n" + "".join("  " * i + "- \n" for i in range(1, 40)), "too_deep", 17),
        ("sessions:\n" + "".join("  " * i + "- x:\n" for i in range(1, 40)), "too_deep", 9),
        ("sessions: " + "[" * 20, "too_deep", 1),
    ],
)
def test_deep_yaml_is_refused_naming_the_line(text: str, key: str, line: int) -> None:
    error = refusal("s.yaml", text)
    assert (error.key, error.params) == (f"errors.import_yaml_{key}", {"line": line, "max": 16})


def test_a_megabyte_of_open_brackets_in_yaml_stops_in_libyaml() -> None:
    error = refusal("s.yaml", "sessions: " + "[" * 500_000)
    assert error.key == "errors.import_malformed"
    assert "nesting depth" in error.params["detail"]


def test_deep_json_is_refused_naming_the_line() -> None:
    error = refusal("schedule.json", "[" * MB)
    assert error.key == "errors.import_json_too_deep"
    assert error.params == {"line": 1, "max": 32}
    nested = '{"schedule": {"conference": {"days": [\n{"rooms": {"A": [{"title": '
    nested += "[" * 100 + "]" * 100 + "}]}}]}}}"
    error = refusal("schedule.json", nested)
    assert (error.key, error.params["line"]) == ("errors.import_json_too_deep", 2)


def test_brackets_inside_json_strings_do_not_count() -> None:
    text = json.dumps(
        {"schedule": {"conference": {"days": [{"date": "2027-07-01", "rooms": {"A": [
            {"title": "[" * 50 + '"{{', "start": "10:00", "duration": "00:30"}
        ]}}]}}}
    )  # fmt: skip
    assert parse("schedule.json", text).drafts[0].title.startswith("[[[")


def test_a_megabyte_of_tiny_yaml_items_stops_early() -> None:
    text = "sessions:\n" + "- {t: a}\n" * ((MB - 10) // 9)
    assert len(text) <= MAX_IMPORT_BYTES
    error = refusal("s.yaml", text)
    assert error.key == "errors.import_yaml_too_many_values"
    bounded(lambda: parse("s.yaml", text))


def test_a_megabyte_of_tiny_csv_rows_is_counted_not_built() -> None:
    text = "title,start,duration\n" + "a\n" * ((MB - 30) // 2)
    error = refusal("s.csv", text)
    assert error.key == "errors.import_too_many"
    assert error.params["count"] > MAX_IMPORT_SESSIONS


def test_a_megabyte_of_tiny_json_events() -> None:
    events = ",".join(["{}"] * ((MB - 100) // 3))
    text = '{"schedule": {"conference": {"days": [{"rooms": {"A": [' + events + "]}}]}}}"
    assert len(text) <= MAX_IMPORT_BYTES
    assert refusal("schedule.json", text).key == "errors.import_too_many"


def test_a_megabyte_header_is_refused_by_its_column_count() -> None:
    text = "title,start,duration" + ",x" * ((MB - 30) // 2) + "\n"
    error = refusal("s.csv", text)
    assert error.key == "errors.import_too_many_columns"


def frab(event: dict[str, object], day: str = "2027-07-01") -> str:
    return json.dumps(
        {"schedule": {"conference": {"days": [{"index": 1, "date": day, "rooms": {"A": [event]}}]}}}
    )


def test_a_5000_digit_frab_duration_is_refused_at_its_slot() -> None:
    for duration in ("9" * 5000, "9" * 4998 + ":00"):
        result = parse(
            "schedule.json", frab({"title": "T", "start": "10:00", "duration": duration})
        )
        assert [(p.where, p.key) for p in result.problems] == [
            ("day 1 / room A / slot 10:00", "errors.duration_unparseable")
        ]
        assert len(result.problems[0].params["value"]) < 30
    numeric = '{"title": "T", "start": "10:00", "duration": ' + "9" * 5000 + "}"
    text = frab({}).replace("{}", numeric)
    result = parse("schedule.json", text)
    assert [p.key for p in result.problems] == ["errors.duration_unparseable"]
    huge_id = frab({}).replace("{}", '{"id": ' + "1" * 5000 + ', "start": "10:00"}')
    result = parse("schedule.json", huge_id)
    assert {p.where for p in result.problems} == {"day 1 / room A / slot 10:00"}


def test_huge_numbers_in_csv_and_yaml() -> None:
    result = parse("s.csv", f"title,start,duration\nX,2027-07-01 10:00,{'9' * 5000}\n")
    assert [(p.where, p.key) for p in result.problems] == [("row 2", "import.value_too_long")]
    result = parse("s.csv", "title,start,duration\nX,2027-07-01 10:00,99999999999999999999\n")
    assert [(p.where, p.key) for p in result.problems] == [
        ("row 2", "errors.duration_out_of_range")
    ]
    error = refusal("s.yaml", f"sessions:\n  - {{title: X, duration: !!int {'9' * 5000}}}\n")
    assert error.key == "errors.import_malformed"  # explicit tags are refused, not converted


OUT_OF_RANGE = "errors.time_out_of_range"
YEAR_9999 = [
    ("s.csv", "title,start,duration\nX,9999-12-31 23:00,120\n", "row 2", OUT_OF_RANGE),
    ("s.csv", "title,start,end\nX,2027-07-01 10:00,9999-01-01 10:00\n", "row 2", OUT_OF_RANGE),
    ("s.csv", "title,date,start,duration\nX,9999/1/1,10:00,30\n", "row 2", OUT_OF_RANGE),
    ("s.csv", "title,start,duration\nX,0001-01-01T00:00+09:00,30\n", "row 2", OUT_OF_RANGE),
    (
        "s.yaml",
        "sessions:\n  - {title: X, start: 9999-12-31 23:59, duration: 30}\n",
        "session 1",
        OUT_OF_RANGE,
    ),
    (
        "s.yaml",
        "days:\n  - date: 9999-12-31\n    sessions: [{title: X, start: '10:00', duration: 30}]\n",
        "day 1",
        "import.day_date_invalid",
    ),
    (
        "schedule.json",
        frab({"title": "T", "date": "9999-12-31T23:00:00+09:00", "duration": "02:00"}),
        "day 1 / room A / slot ?",
        OUT_OF_RANGE,
    ),
    (
        "schedule.json",
        frab({"title": "T", "start": "10:00", "duration": "01:00"}, "9999-12-31"),
        "day 1 / room A / slot 10:00",
        OUT_OF_RANGE,
    ),
]


@pytest.mark.parametrize(("name", "data", "where", "key"), YEAR_9999)
def test_year_9999_is_refused_naming_the_row(name: str, data: str, where: str, key: str) -> None:
    result = parse(name, data)
    assert [(p.where, p.key) for p in result.problems] == [(where, key)]
    assert result.rows == []


def test_a_megabyte_time_cell_is_refused_unread() -> None:
    cell = "２" * 60_000  # NFKC would be the first thing to touch it (CSV cells: < 128 KiB)
    result = parse("s.csv", f"title,start,duration\nX,{cell},30\n")
    assert [(p.where, p.key) for p in result.problems] == [("row 2", "import.value_too_long")]


def test_control_characters_and_nul_bytes_are_not_text() -> None:
    assert refusal("s.csv", b"title,start\x00,duration\n").key == "errors.import_not_text"


def test_room_names_and_types_are_cut_in_messages() -> None:
    event = {"title": "T", "start": "10:00", "duration": "x", "type": "y" * 100_000}
    days = [{"date": "2027-07-01", "rooms": {"R" * 100_000: [event]}}]
    text = json.dumps({"schedule": {"conference": {"days": days}}})
    result = parse("schedule.json", text)
    assert all(len(p.where) < 100 for p in result.problems)


def test_a_megabyte_json_string_costs_no_backtracking_memory() -> None:
    text = frab({"title": "T", "start": "10:00", "duration": "9" * (MB - 200)})
    assert len(text) <= MAX_IMPORT_BYTES
    bounded(lambda: parse("schedule.json", text), 16 * MB)
