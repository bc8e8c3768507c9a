from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain import SessionKind
from bot.features.sessions.domain.schedule_import import (
    MAX_IMPORT_BYTES,
    ImportFormat,
    ImportResult,
    detect_format,
    parse_schedule,
)
from bot.features.sessions.domain.schedule_import.columns import accepted_names
from tests.fakes.factories import TOKYO, at

# A real frab export (Apache-2.0, see tests/data/LICENSE-frab-schedule-anyconf).
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "frab-schedule-anyconf.json"
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def parse(name: str, text: str, **kwargs: Any) -> ImportResult:
    return parse_schedule(name, text.encode(), TOKYO, **kwargs)


def problems(result: ImportResult) -> list[tuple[str, str]]:
    return [(p.where, p.key) for p in result.problems]


# --- CSV -----------------------------------------------------------------------------------------

CSV_OK = """title,start,end,duration,kind,track,description,location,id
Opening keynote,2026-07-01 09:00,10:00,,keynote,,Welcome,,kn1
Talk A,2026-07-01 10:00,,90,talk,Room A,,,t1
"Remote, with comma",2026/07/01 10:00,2026-07-01 11:00,,panel,Room B,"multi
line",https://zoom.example/j/1,t2
,,,,,,,,
"""


def test_csv_rows() -> None:
    result = parse("schedule.csv", CSV_OK)
    assert result.format is ImportFormat.CSV
    assert result.problems == []
    keynote, talk, remote = result.drafts
    assert (keynote.title, keynote.kind, keynote.start, keynote.end) == (
        "Opening keynote",
        SessionKind.KEYNOTE,
        at(9),
        at(10),
    )
    assert keynote.external_id == "kn1"
    assert (talk.track, talk.duration_minutes, talk.kind) == ("Room A", 90, SessionKind.TALK)
    assert remote.title == "Remote, with comma"
    assert remote.description == "multi\nline"
    assert remote.location == "https://zoom.example/j/1"
    assert [r.where for r in result.rows] == ["row 2", "row 3", "row 4"]


def test_csv_with_bom_semicolons_and_column_order() -> None:
    text = "\ufeffTrack;Title;Start;Duration\nA;Hello;2026-07-01T10:00:00+09:00;30\n"
    result = parse_schedule("x.csv", text.encode("utf-8"), TOKYO)
    assert [d.title for d in result.drafts] == ["Hello"]
    assert result.drafts[0].start == at(10)
    bom = parse_schedule("x.csv", "\ufefftitle,start,duration\nHi,2026-07-01 10:00,30\n".encode())
    assert bom.drafts[0].title == "Hi"


def test_csv_bad_rows_are_problems_with_their_row() -> None:
    text = """title,start,end,kind,location,colour
Good,2026-07-01 10:00,11:00,talk,,red
,2026-07-01 10:00,11:00,talk,,
Bad time,tomorrow,11:00,talk,,
Bad kind,2026-07-01 12:00,13:00,lecture-ish,,
Too short,2026-07-01 12:00,12:03,talk,,
No end,2026-07-01 12:00,,talk,,
Backwards,2026-07-01 12:00,11:00,talk,,
Bad url,2026-07-01 14:00,15:00,talk,zoom.us/j/1,
Gap,2026-07-01 16:00,17:00,talk,,,extra
"""
    result = parse("s.csv", text)
    assert [d.title for d in result.drafts] == ["Good"]
    assert problems(result) == [
        ("row 1", "import.column_ignored"),
        ("row 3", "errors.title_empty"),
        ("row 4", "errors.time_unparseable"),
        ("row 5", "errors.kind_unknown"),
        ("row 6", "errors.duration_out_of_range"),
        ("row 7", "errors.field_missing"),
        ("row 8", "errors.end_before_start"),
        ("row 9", "errors.location_invalid"),
        ("row 10", "import.too_many_cells"),
    ]
    assert result.problems[0].severity == "warning"
    assert result.has_errors


def test_csv_month_day_needs_now() -> None:
    text = "title,start,duration\nX,07-01 10:00,30\n"
    assert problems(parse("s.csv", text)) == [("row 2", "errors.time_needs_date")]
    assert parse("s.csv", text, now=NOW).drafts[0].start == at(10)


def test_csv_end_and_duration_must_agree() -> None:
    text = "title,start,end,duration\nX,2026-07-01 10:00,11:00,30\nY,2026-07-01 12:00,13:00,60\n"
    result = parse("s.csv", text)
    assert problems(result) == [("row 2", "import.end_duration_mismatch")]
    assert [d.title for d in result.drafts] == ["Y"]


def test_csv_long_description_is_truncated_with_a_warning() -> None:
    text = f"title,start,duration,description\nX,2026-07-01 10:00,30,{'d' * 1500}\n"
    result = parse("s.csv", text)
    assert len(result.drafts[0].description or "") == 1000
    assert (result.drafts[0].description or "").endswith("…")
    assert [(p.key, p.severity) for p in result.problems] == [
        ("import.description_truncated", "warning")
    ]
    assert not result.has_errors


def test_csv_missing_columns_is_unreadable() -> None:
    with pytest.raises(InvalidInput) as info:
        parse("s.csv", "title,kind\nX,talk\n")
    assert info.value.key == "errors.import_csv_columns"
    assert info.value.params == {
        "missing": "start, end|duration",
        "found": "title, kind",
        "accepted": "start ("
        + accepted_names("start")
        + "); end or duration ("
        + accepted_names("end")
        + "; "
        + accepted_names("duration")
        + ")",
    }
    with pytest.raises(InvalidInput) as info:
        parse("s.csv", "")
    assert info.value.key == "errors.import_malformed"


# --- YAML ----------------------------------------------------------------------------------------

YAML_OK = """
timezone: Asia/Tokyo
sessions:
  - title: Opening keynote
    start: 2026-07-01 09:00
    end: 10:00
    kind: keynote
    id: kn1
days:
  - date: 2026-07-02
    sessions:
      - {title: Talks A, start: "10:00", duration: 1:30, track: Room A}
      - title: Social evening
        start: 18:00
        duration: 2h
        kind: social
        location: https://gather.example/room
        colour: red
"""


def test_yaml_sessions_and_days() -> None:
    result = parse("camp.yaml", YAML_OK)
    assert result.format is ImportFormat.YAML
    keynote, talks, social = result.drafts
    assert (keynote.start, keynote.end, keynote.kind) == (at(9), at(10), SessionKind.KEYNOTE)
    assert (talks.start, talks.duration_minutes, talks.track) == (at(10, day=2), 90, "Room A")
    assert (social.start, social.duration_minutes) == (at(18, day=2), 120)
    assert [r.where for r in result.rows] == [
        "session 1",
        "day 1 / session 1",
        "day 1 / session 2",
    ]
    assert problems(result) == [("day 1 / session 2", "import.key_ignored")]


def test_yaml_own_timezone_and_problems() -> None:
    text = """
timezone: Europe/Berlin
days:
  - date: 2026-03-29
    sessions:
      - {title: In the gap, start: "02:30", duration: 30}
      - {title: Fine, start: "10:00", duration: 30}
      - just a string
  - date: not-a-date
    sessions: [{title: X, start: "10:00", duration: 30}]
"""
    result = parse("s.yml", text)
    assert result.zone.key == "Europe/Berlin"
    assert [d.start for d in result.drafts] == [datetime(2026, 3, 29, 8, 0, tzinfo=UTC)]
    assert problems(result) == [
        ("day 1 / session 1", "errors.time_nonexistent"),
        ("day 1 / session 3", "import.not_a_mapping"),
        ("day 2", "import.day_date_invalid"),
    ]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("sessions: [unclosed", "errors.import_malformed"),
        ("just: a mapping", "errors.import_malformed"),
        ("sessions: 3", "errors.import_malformed"),
        ("timezone: Mars/Olympus\nsessions: []", "errors.timezone_unknown"),
    ],
)
def test_unreadable_yaml(text: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse("s.yaml", text)
    assert info.value.key == key


# --- frab / Pretalx ------------------------------------------------------------------------------


def frab(events: dict[str, list[Any]], zone: str = "Europe/Brussels") -> str:
    day = {"index": 1, "date": "2026-07-01", "rooms": events}
    return json.dumps({"schedule": {"conference": {"time_zone_name": zone, "days": [day]}}})


def event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "guid": "g-1",
        "id": 1,
        "date": "2026-07-01T10:00:00+02:00",
        "start": "10:00",
        "duration": "01:30",
        "title": "A talk",
        "type": "Talk",
        "track": "ML",
        "abstract": "<p>Hello <b>world</b> &amp; [friends](https://x.example)</p>",
        "description": "**Longer** text",
        "persons": [{"public_name": "Ada"}, {"name": "Grace"}],
        "url": "https://pretalx.example/talk/1/",
    }
    return {**base, **fields}


def test_frab_mapping() -> None:
    result = parse("schedule.json", frab({"Hall A": [event()]}))
    assert result.format is ImportFormat.FRAB
    assert result.zone.key == "Europe/Brussels"
    (row,) = result.rows
    d = row.draft
    assert row.where == "day 1 / room Hall A / slot 10:00"
    assert (d.start, d.duration_minutes) == (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), 90)
    assert (d.track, d.kind, d.external_id, d.location) == ("Hall A", SessionKind.TALK, "g-1", None)
    assert d.description == (
        "Speakers: Ada, Grace\n\nTrack: ML\n\nHello world & friends (https://x.example)"
        "\n\nLonger text\n\nhttps://pretalx.example/talk/1/"
    )


def test_frab_without_date_uses_its_own_zone_and_kinds() -> None:
    events = {
        "": [event(date=None, start="09:00", room="", type="Keynote", guid="", id=5)],
        "Hall B": [event(guid="g-2", type="Workshop"), event(guid="g-3", type="Lightning")],
    }
    result = parse("schedule.json", frab(events, zone="America/New_York"))
    keynote, workshop, lightning = result.drafts
    assert keynote.start == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    assert (keynote.kind, keynote.track, keynote.external_id) == (SessionKind.KEYNOTE, "ML", "5")
    assert workshop.kind is SessionKind.DISCUSSION
    assert lightning.kind is SessionKind.TALK
    assert [(p.key, p.severity) for p in result.problems] == [("import.kind_defaulted", "warning")]


def test_frab_bad_events_and_long_description() -> None:
    events = {
        "R": [
            event(duration="soon"),
            event(guid="g-2", date="yesterday"),
            event(guid="g-3", title=""),
            event(guid="g-4", abstract="a" * 2000),
            "not an event",
        ]
    }
    result = parse("schedule.json", frab(events, zone="Nowhere/Special"))
    assert [d.external_id for d in result.drafts] == ["g-4"]
    assert len(result.drafts[0].description or "") == 1000
    assert [(p.where, p.key) for p in result.problems] == [
        ("file", "import.timezone_ignored"),
        ("day 1 / room R / slot 10:00", "errors.duration_unparseable"),
        ("day 1 / room R / slot 10:00", "errors.time_unparseable"),
        ("day 1 / room R / slot 10:00", "errors.title_empty"),
        ("day 1 / room R / slot 10:00", "import.description_truncated"),
        ("day 1 / room R / slot ?", "import.not_a_mapping"),
    ]


def test_frab_not_a_schedule() -> None:
    for text in ('{"foo": 1}', "[1, 2]", "{broken"):
        with pytest.raises(InvalidInput) as info:
            parse("schedule.json", text)
        assert info.value.key == "errors.import_malformed"


def test_real_frab_sample() -> None:
    result = parse_schedule(SAMPLE.name, SAMPLE.read_bytes(), TOKYO)
    assert result.problems == []
    assert result.zone.key == "Europe/Brussels"
    first, second = result.drafts
    assert first.title == "Welcome to AnyConf 2024"
    assert first.start == datetime(2024, 2, 3, 8, 0, tzinfo=UTC)  # 09:00+01:00
    assert first.duration_minutes == 25
    assert first.track == "janson"
    assert first.external_id == "5bb0aa4e-0c0e-5ccd-9523-0ed1ca679039"
    assert (first.description or "").startswith("Speakers: AnyConf Staff, Alice AnyConf")
    assert "Track: Keynotes" in (first.description or "")
    assert second.start.date() == date(2024, 2, 4)


# --- detection and caps --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("a.CSV", "", ImportFormat.CSV),
        ("a.yml", "", ImportFormat.YAML),
        ("schedule.json", "", ImportFormat.FRAB),
        ("upload", '  {"schedule": {}}', ImportFormat.FRAB),
        ("upload.txt", "title,start,duration\n", ImportFormat.CSV),
        ("upload", "sessions: []\n", ImportFormat.YAML),
    ],
)
def test_detect_format(name: str, text: str, fmt: ImportFormat) -> None:
    assert detect_format(name, text.encode()) is fmt


def test_unknown_format() -> None:
    with pytest.raises(InvalidInput) as info:
        detect_format("poster.pdf", b"%PDF-1.7")
    assert info.value.key == "errors.import_unknown_format"
    assert info.value.params["filename"] == "poster.pdf"


def test_shift_jis_is_read_and_bytes_that_are_no_text_are_refused() -> None:
    # Issue 12 item 8 turned this refusal around: Excel's Japanese CSV is cp932 (Shift_JIS).
    result = parse_schedule(
        "s.csv", "title,start,duration\n講演,2026-07-01 10:00,30\n".encode("shift_jis")
    )
    assert [d.title for d in result.drafts] == ["講演"]
    with pytest.raises(InvalidInput) as info:
        parse_schedule("s.csv", b"title,start\n\x81\x00\xff\xfe\x80")
    assert info.value.key == "errors.import_not_text"


def test_file_over_1_mb_is_refused() -> None:
    data = b"title,start,duration\n" + b"x" * MAX_IMPORT_BYTES
    with pytest.raises(InvalidInput) as info:
        parse_schedule("s.csv", data)
    assert info.value.key == "errors.import_too_large"
    assert info.value.params["max"] == MAX_IMPORT_BYTES


def test_more_than_1000_sessions_is_refused() -> None:
    rows = "".join(f"S{i},2026-07-01 10:00,30,T{i}\n" for i in range(1001))
    with pytest.raises(InvalidInput) as info:
        parse("s.csv", "title,start,duration,track\n" + rows)
    assert (info.value.key, info.value.params) == (
        "errors.import_too_many",
        {"count": 1001, "max": 1000},
    )
    ok = parse("s.csv", "title,start,duration,track\n" + rows.split("\n", 1)[1])
    assert len(ok.drafts) == 1000
    yaml_text = "sessions:\n" + "".join(
        f"  - {{title: S{i}, start: 2026-07-01 10:00, duration: 30}}\n" for i in range(1001)
    )
    with pytest.raises(InvalidInput):
        parse("s.yaml", yaml_text)
    with pytest.raises(InvalidInput):
        parse("schedule.json", frab({"R": [event(guid=str(i)) for i in range(1001)]}))


def test_a_poster_sessions_board_count_is_read_and_checked() -> None:
    data = (
        "title,start,duration,kind,boards\n"
        "Posters,2027-07-01 14:00,90,poster,３０\n"
        "Talk,2027-07-01 10:00,30,talk,5\n"
        "Bad,2027-07-01 16:00,30,poster,500\n"
        "No count,2027-07-01 17:00,30,poster,\n"
    ).encode()
    result = parse_schedule("camp.csv", data, TOKYO)
    assert [(r.draft.title, r.boards) for r in result.rows] == [
        ("Posters", 30),
        ("Talk", None),
        ("No count", None),
    ]
    keys = {(p.where, p.key, p.severity) for p in result.problems}
    assert ("row 3", "import.boards_not_poster", "warning") in keys
    assert ("row 4", "import.bad_boards", "error") in keys
    # Only a new poster session without a count is warned about (the import's preview).
    from datetime import UTC, datetime

    from bot.features.sessions.domain.schedule_import import plan_import

    planned = plan_import(
        "camp.csv", data, TOKYO, datetime(2027, 6, 1, tzinfo=UTC), [], frozenset()
    )
    warned = [p.where for p in planned.preview.problems if p.key == "import.poster_no_boards"]
    assert warned == ["row 5"]
