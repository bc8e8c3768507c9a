from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain.timeparse import (
    DEFAULT_ZONE,
    is_time_only,
    localize,
    parse_date,
    parse_duration,
    parse_time,
)

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 6, 20, 3, 0, tzinfo=UTC)  # 12:00 on 2026-06-20 in Tokyo


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_default_zone_is_tokyo() -> None:
    assert DEFAULT_ZONE.key == "Asia/Tokyo"


@pytest.mark.parametrize(
    "text",
    [
        "2026-07-01 10:00",
        "2026/07/01 10:00",
        "2026/7/1 10:00",
        "2026-07-01T10:00",
        "2026-07-01 10:00:00",
        "  2026-07-01   10:00 ",
        "２０２６-０７-０１ １０：００",  # full-width, as typed with a Japanese IME
    ],
)
def test_full_local_forms(text: str) -> None:
    assert parse_time(text, TOKYO) == utc(2026, 7, 1, 1, 0)


def test_result_is_aware_utc() -> None:
    result = parse_time("2026-07-01 10:00", TOKYO)
    assert result.tzinfo is UTC


def test_month_day_takes_year_from_event_day_or_today() -> None:
    assert parse_time("07-01 10:00", TOKYO, now=NOW) == utc(2026, 7, 1, 1, 0)
    assert parse_time("7/1 10:00", TOKYO, day=date(2027, 3, 3)) == utc(2027, 7, 1, 1, 0)


def test_time_only_on_event_day() -> None:
    assert parse_time("10:00", TOKYO, day=date(2026, 7, 2)) == utc(2026, 7, 2, 1, 0)


def test_time_only_defaults_to_today_in_the_zone() -> None:
    # 2026-06-20 20:00 UTC is already 2026-06-21 in Tokyo.
    late = datetime(2026, 6, 20, 20, 0, tzinfo=UTC)
    assert parse_time("10:00", TOKYO, now=late) == utc(2026, 6, 21, 1, 0)


def test_event_day_wins_over_today() -> None:
    assert parse_time("09:30", TOKYO, day=date(2026, 7, 3), now=NOW) == utc(2026, 7, 3, 0, 30)


def test_time_only_without_reference_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_time("10:00", TOKYO)
    assert info.value.key == "errors.time_needs_date"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-01T10:00:00+09:00", utc(2026, 7, 1, 1, 0)),
        ("2026-07-01T01:00:00Z", utc(2026, 7, 1, 1, 0)),
        ("2026-07-01T10:00:00-04:00", utc(2026, 7, 1, 14, 0)),
        ("2026-07-01 10:00+02:00", utc(2026, 7, 1, 8, 0)),
    ],
)
def test_iso_with_offset_ignores_the_workshop_zone(text: str, expected: datetime) -> None:
    assert parse_time(text, TOKYO) == expected
    assert parse_time(text, NEW_YORK) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "tomorrow", "10", "25:00", "2026-13-01 10:00", "2026-02-30 10:00", "2026-07-01"],
)
def test_garbage_is_refused_with_examples(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_time(text, TOKYO, now=NOW)
    assert info.value.key == "errors.time_unparseable"
    assert info.value.params["value"] == text
    assert "2026-07-01 10:00" in info.value.params["examples"]


def test_new_york_spring_forward_gap_is_refused() -> None:
    # 2026-03-08: clocks jump from 02:00 to 03:00 in New York.
    with pytest.raises(InvalidInput) as info:
        parse_time("2026-03-08 02:30", NEW_YORK)
    assert info.value.key == "errors.time_nonexistent"
    assert info.value.params == {"value": "2026-03-08 02:30", "zone": "America/New_York"}
    assert parse_time("2026-03-08 03:00", NEW_YORK) == utc(2026, 3, 8, 7, 0)


def test_new_york_fall_back_overlap_takes_first_occurrence() -> None:
    # 2026-11-01: 01:30 happens twice (EDT, then EST); we take the first (EDT, UTC-4).
    assert parse_time("2026-11-01 01:30", NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_berlin_gap_and_overlap() -> None:
    with pytest.raises(InvalidInput):
        parse_time("2026-03-29 02:15", BERLIN)
    assert parse_time("2026-10-25 02:30", BERLIN) == utc(2026, 10, 25, 0, 30)  # CEST first


def test_time_only_on_a_dst_day_uses_that_days_offset() -> None:
    assert parse_time("10:00", BERLIN, day=date(2026, 1, 15)) == utc(2026, 1, 15, 9, 0)
    assert parse_time("10:00", BERLIN, day=date(2026, 7, 15)) == utc(2026, 7, 15, 8, 0)


def test_localize_rejects_aware_input() -> None:
    with pytest.raises(ValueError):
        localize(utc(2026, 7, 1), TOKYO)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        (90, 90),
        ("90", 90),
        ("90m", 90),
        ("90 min", 90),
        ("1h", 60),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("2H", 120),
        ("1:30", 90),
        ("01:30", 90),
        ("00:25", 25),
        ("1:30:00", 90),
        ("４５", 45),
    ],
)
def test_durations(text: str | int, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "abc", "1.5h", "h", "m", "-5", "1:75", True, -3])
def test_bad_durations(text: str | int) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_duration(text)
    assert info.value.key == "errors.duration_unparseable"
    assert "examples" in info.value.params


# --- what Japanese spreadsheets and organizers write (issue 14) ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026年7月1日 10:00",
        "2026年7月1日10:00",
        "2026年 7月 1日 10時",
        "2026年7月1日 10時00分",
        "2026/7/1(水) 10:00",
        "2026/7/1（水）10:00",
        "2026/07/01 (Wed) 10:00",
        "２０２６年７月１日　１０：００",
    ],
)
def test_japanese_date_forms(text: str) -> None:
    assert parse_time(text, TOKYO) == utc(2026, 7, 1, 1, 0)


def test_japanese_month_day_and_clock_words() -> None:
    assert parse_time("7月1日 14時半", TOKYO, now=NOW) == utc(2026, 7, 1, 5, 30)
    assert parse_time("14時30分", TOKYO, day=date(2026, 7, 2)) == utc(2026, 7, 2, 5, 30)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("60分", 60),
        ("90分間", 90),
        ("1時間", 60),
        ("1時間30分", 90),
        ("1時間 30分", 90),
        ("1時間半", 90),
        ("２時間", 120),
        ("９０分", 90),
        ("90 min", 90),
        ("1h30m", 90),
    ],
)
def test_japanese_and_english_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-07-01", date(2026, 7, 1)),
        ("2026/7/1", date(2026, 7, 1)),
        ("2026年7月1日", date(2026, 7, 1)),
        ("2026/7/1(水)", date(2026, 7, 1)),
        ("2026/7/1 0:00", date(2026, 7, 1)),
        ("7/1", date(2026, 7, 1)),
        ("7月1日", date(2026, 7, 1)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026/13/1", "errors.date_unparseable"),
        ("2026/7/1 10:00", "errors.date_unparseable"),
        ("yesterday", "errors.date_unparseable"),
        ("9999/1/1", "errors.time_out_of_range"),
        ("1" * 5000, "errors.date_unparseable"),
    ],
)
def test_bad_dates(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_date(text, now=NOW)
    assert info.value.key == key
    assert len(str(info.value.params["value"])) <= 64


def test_years_outside_the_range_are_refused_before_any_arithmetic() -> None:
    for text in ("9999-12-31 23:00", "0001-01-01T00:00+09:00", "9999-12-31T23:59:59-12:00"):
        with pytest.raises(InvalidInput) as info:
            parse_time(text, TOKYO)
        assert info.value.key == "errors.time_out_of_range", text
        assert info.value.params["value"] == text


def test_long_texts_are_refused_unread() -> None:
    for parse in (parse_time, parse_duration):
        with pytest.raises(InvalidInput) as info:
            parse("9" * 5000)  # type: ignore[operator]
        assert len(info.value.params["value"]) < 30
    assert is_time_only("10:00") and is_time_only("１０時")
    assert not is_time_only("7/1 10:00") and not is_time_only("1" * 5000)
