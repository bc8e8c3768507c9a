"""Schedule files as Japanese organizers' spreadsheet apps really save them.

Every file is built as bytes in `tmp_path` the way the app writes it (encoding, BOM, CRLF,
separator, quoting) and read back from disk; nothing is handed to the parser pre-decoded.
"""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain import SessionKind
from bot.features.sessions.domain.schedule_import import (
    Encoding,
    ImportFormat,
    ImportResult,
    parse_schedule,
    preview_import,
)
from bot.features.sessions.domain.schedule_import.columns import accepted_names
from tests.fakes.factories import TOKYO

NOW = datetime(2027, 6, 1, tzinfo=UTC)


def tokyo(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 7, day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


def sheet(rows: list[list[str]], delimiter: str = ",") -> str:
    """Cells as a spreadsheet app writes them: quoted when needed, CRLF line ends."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(path: Path, **kwargs: Any) -> ImportResult:
    return parse_schedule(path.name, path.read_bytes(), TOKYO, now=NOW, **kwargs)


def problems(result: ImportResult) -> list[tuple[str, str]]:
    return [(p.where, p.key) for p in result.problems]


HEADER = [
    "ID",
    "タイトル",
    "開始",
    "終了",
    "時間（分）",
    "種別",
    "トラック",
    "説明",
    "場所",
    "登壇者",
]
KEYNOTE = ["k1", "基調講演：大規模言語モデルの今", "2027/7/1 9:30", "", "６０", "基調講演"]
INTRO = ["t1", "ＭＬ　入門 ①", "2027/7/1 11:00", "2027/7/1 11:45", "", "講演", "A会場"]
PANEL = ["t2", "Zoom 配信の回", "２０２７/７/１　１３：００", "", "90", "パネル", "B会場"]
JAPANESE_SHEET = [
    HEADER,
    [*KEYNOTE, "", "", "", "山田太郎"],
    [*INTRO, "概要、その他\r\n二行目", "", "髙橋一郎、佐藤花子"],
    [*PANEL, "", "https://zoom.example/j/1", ""],
]


def check_japanese(result: ImportResult) -> None:
    assert result.format is ImportFormat.CSV
    assert problems(result) == []
    keynote, intro, panel = result.drafts
    assert (keynote.title, keynote.kind, keynote.start, keynote.end) == (
        "基調講演：大規模言語モデルの今",
        SessionKind.KEYNOTE,
        tokyo(1, 9, 30),
        tokyo(1, 10, 30),
    )
    assert keynote.speakers == "山田太郎"
    # Full-width letters in a title are the organizer's: only whitespace is tidied, never NFKC.
    assert intro.title == "ＭＬ 入門 ①"
    assert (intro.start, intro.end, intro.track) == (tokyo(1, 11), tokyo(1, 11, 45), "A会場")
    assert intro.description == "概要、その他\n二行目"
    assert intro.speakers == "髙橋一郎, 佐藤花子"
    assert (panel.start, panel.duration_minutes, panel.kind) == (
        tokyo(1, 13),
        90,
        SessionKind.PANEL,
    )
    assert panel.location == "https://zoom.example/j/1"
    assert [d.external_id for d in result.drafts] == ["k1", "t1", "t2"]
    assert result.info is not None
    assert [(c.header, c.field) for c in result.info.columns] == [
        ("ID", "id"),
        ("タイトル", "title"),
        ("開始", "start"),
        ("終了", "end"),
        ("時間（分）", "duration"),
        ("種別", "kind"),
        ("トラック", "track"),
        ("説明", "description"),
        ("場所", "location"),
        ("登壇者", "speakers"),
    ]


def test_excel_csv_in_japanese_windows_default_encoding(tmp_path: Path) -> None:
    """Excel's plain "CSV (comma delimited)" on a Japanese system: cp932, CRLF, no BOM."""
    data = sheet(JAPANESE_SHEET).encode("cp932")
    assert not data.startswith(codecs.BOM_UTF8)
    result = read(save(tmp_path, "プログラム.csv", data))
    check_japanese(result)
    assert result.info is not None
    assert (result.info.encoding, result.info.delimiter) == (Encoding.CP932, ",")


def test_excel_csv_utf8_has_a_bom(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + sheet(JAPANESE_SHEET).encode("utf-8")
    result = read(save(tmp_path, "programme.csv", data))
    check_japanese(result)
    assert result.info is not None and result.info.encoding is Encoding.UTF8_BOM


def test_excel_unicode_text_is_utf16_tab_separated_txt(tmp_path: Path) -> None:
    """Excel "Unicode text (*.txt)": UTF-16 LE with a BOM, tabs, CRLF, saved as .txt."""
    data = codecs.BOM_UTF16_LE + sheet(JAPANESE_SHEET, "\t").encode("utf-16-le")
    result = read(save(tmp_path, "programme.txt", data))
    check_japanese(result)
    assert result.info is not None
    assert (result.info.encoding, result.info.delimiter) == (Encoding.UTF16LE_BOM, "\t")


def test_google_sheets_tsv_in_utf8_without_bom(tmp_path: Path) -> None:
    text = sheet(JAPANESE_SHEET, "\t").replace("\r\n", "\n")
    result = read(save(tmp_path, "programme.tsv", text.encode("utf-8")))
    check_japanese(result)
    assert result.info is not None
    assert (result.info.encoding, result.info.delimiter) == (Encoding.UTF8, "\t")


def test_euc_jp_from_an_old_unix_tool(tmp_path: Path) -> None:
    rows = [["タイトル", "開始", "時間(分)"], ["ポスターセッション案内", "2027/7/1 10:00", "30"]]
    result = read(save(tmp_path, "old.csv", sheet(rows).encode("euc_jp")))
    assert [d.title for d in result.drafts] == ["ポスターセッション案内"]
    assert result.info is not None and result.info.encoding is Encoding.EUC_JP


def test_utf16_without_bom_and_big_endian(tmp_path: Path) -> None:
    text = sheet([["title", "start", "duration"], ["講演", "2027-07-01 10:00", "30"]], "\t")
    for codec, encoding in (("utf-16-le", Encoding.UTF16LE), ("utf-16-be", Encoding.UTF16BE)):
        result = read(save(tmp_path, "x.tsv", text.encode(codec)))
        assert [d.title for d in result.drafts] == ["講演"], codec
        assert result.info is not None and result.info.encoding is encoding
    bom_be = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    assert read(save(tmp_path, "x.tsv", bom_be)).drafts[0].title == "講演"


def test_bytes_in_no_encoding_are_refused_naming_what_was_tried(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        read(save(tmp_path, "x.csv", b"title,start\r\n\x82\xa0\xff\xfe\x00\x01"))
    assert info.value.key == "errors.import_not_text"
    assert "Shift_JIS" in info.value.params["tried"]
    with pytest.raises(InvalidInput) as info:  # odd bytes after a UTF-16 BOM, no line at all
        read(save(tmp_path, "x.csv", codecs.BOM_UTF16_LE + b"\x00garbage"))
    assert info.value.key == "errors.import_not_text"


def test_excel_title_row_above_the_table_is_skipped_with_a_warning(tmp_path: Path) -> None:
    rows = [
        ["MLサマーキャンプ 2027 プログラム", "", ""],
        ["", "", ""],
        ["タイトル", "開始", "時間(分)"],
        ["開会", "2027/7/1 9:00", "15"],
    ]
    result = read(save(tmp_path, "p.csv", sheet(rows).encode("cp932")))
    assert [d.title for d in result.drafts] == ["開会"]
    assert [(p.where, p.key, p.severity) for p in result.problems] == [
        ("row 3", "import.rows_above_header", "warning")
    ]
    assert result.rows[0].where == "row 4"


def test_separate_date_column_with_times_and_japanese_durations(tmp_path: Path) -> None:
    rows = [
        ["日付", "開始時刻", "終了時刻", "所要時間", "タイトル", "発表者"],
        ["2027/7/1(木)", "10:00", "11:00", "", "A", "Ada Lovelace; Grace Hopper"],
        ["2027年7月1日", "11:00", "", "1時間30分", "B", ""],
        ["7/2", "9時", "", "60分", "C", ""],
        ["2027-07-02", "14:00", "", "1時間半", "D", ""],
        ["2027/7/2", "16:00", "", "1時間", "E", ""],
        ["2027/7/2", "17:00", "", "90 min", "F", ""],
        ["2027/7/2", "2027年7月2日 19:00", "", "1h30m", "G", ""],
    ]
    result = read(save(tmp_path, "p.csv", sheet(rows).encode("utf-8")))
    assert problems(result) == []
    got = [(d.title, d.start, d.duration_minutes) for d in result.drafts]
    assert got == [
        ("A", tokyo(1, 10), 60),
        ("B", tokyo(1, 11), 90),
        ("C", tokyo(2, 9), 60),
        ("D", tokyo(2, 14), 90),
        ("E", tokyo(2, 16), 60),
        ("F", tokyo(2, 17), 90),
        ("G", tokyo(2, 19), 90),
    ]
    assert result.drafts[0].speakers == "Ada Lovelace, Grace Hopper"


def test_date_column_problems_name_the_row(tmp_path: Path) -> None:
    rows = [
        ["date", "start", "duration", "title"],
        ["2027/13/1", "10:00", "30", "Bad month"],
        ["2027/7/1", "2027/7/2 10:00", "30", "Other day"],
        ["", "10:00", "30", "No date"],
    ]
    result = read(save(tmp_path, "p.csv", sheet(rows).encode("utf-8")))
    assert problems(result) == [
        ("row 2", "errors.date_unparseable"),
        ("row 3", "import.date_mismatch"),
        ("row 4", "import.start_needs_date"),
    ]
    assert result.problems[2].params == {"value": "10:00"}


def test_english_header_variants(tmp_path: Path) -> None:
    rows = [
        ["Session Title", "Start time", "Duration (min)", "Type", "Room", "Speakers", "Notes"],
        ["Hello", "2027-07-01 10:00", "45", "talk", "Hall", "Ada", "internal"],
    ]
    result = read(save(tmp_path, "p.csv", sheet(rows).encode("utf-8")))
    assert [(d.title, d.track, d.speakers) for d in result.drafts] == [("Hello", "Hall", "Ada")]
    assert problems(result) == [("row 1", "import.column_ignored")]


def test_missing_columns_list_the_headers_found_and_the_accepted_names(tmp_path: Path) -> None:
    rows = [["名前", "日時ではない", "メモ"], ["A", "x", "y"]]
    with pytest.raises(InvalidInput) as info:
        read(save(tmp_path, "p.csv", sheet(rows).encode("cp932")))
    assert info.value.key == "errors.import_csv_columns"
    params = info.value.params
    assert params["found"] == "名前, 日時ではない, メモ"
    assert params["missing"] == "start, end|duration"
    assert accepted_names("start") in params["accepted"]
    assert "開始" in params["accepted"] and "時間(分)" in params["accepted"]


def test_a_field_named_by_two_columns_is_refused(tmp_path: Path) -> None:
    rows = [["タイトル", "開始", "開始時刻", "時間(分)"], ["A", "2027/7/1 10:00", "10:00", "30"]]
    with pytest.raises(InvalidInput) as info:
        read(save(tmp_path, "p.csv", sheet(rows).encode("utf-8")))
    assert info.value.key == "errors.import_column_twice"
    assert info.value.params == {"field": "start", "first": "開始", "again": "開始時刻"}


def test_a_start_in_the_past_is_shown_as_the_file_wrote_it(tmp_path: Path) -> None:
    rows = [["タイトル", "開始", "時間(分)"], ["去年", "2026/7/1 10:00", "30"]]
    result = read(save(tmp_path, "p.csv", sheet(rows).encode("utf-8")))
    preview = preview_import(result, [], TOKYO, now=NOW)
    assert [(p.where, p.key) for p in preview.problems] == [("row 2", "import.start_in_past")]
    params = preview.problems[0].params
    assert params["value"] == "2026/7/1 10:00"
    assert params["start"] == int(datetime(2026, 7, 1, 1, 0, tzinfo=UTC).timestamp())


def test_trailing_empty_cells_as_excel_writes_them_are_fine(tmp_path: Path) -> None:
    text = "title,start,duration,,\r\nA,2027-07-01 10:00,30,,\r\nB,2027-07-01 11:00,30,,,\r\n"
    result = read(save(tmp_path, "p.csv", text.encode("utf-8")))
    assert [d.title for d in result.drafts] == ["A", "B"]
    assert problems(result) == []


def test_yaml_with_japanese_keys_and_a_speakers_list(tmp_path: Path) -> None:
    text = """days:
  - date: 2027年7月1日
    sessions:
      - {タイトル: 開会, 開始: "9:00", 時間(分): 15, 登壇者: [山田太郎, Ada Lovelace]}
      - {title: Talk, start: "10:00", duration: 1時間, speakers: "A、B"}
"""
    result = read(save(tmp_path, "camp.yaml", text.encode("utf-8")))
    assert problems(result) == []
    assert [(d.title, d.start, d.speakers) for d in result.drafts] == [
        ("開会", tokyo(1, 9), "山田太郎, Ada Lovelace"),
        ("Talk", tokyo(1, 10), "A, B"),
    ]
    assert result.info is not None and result.info.encoding is Encoding.UTF8


def test_frab_persons_become_speakers(tmp_path: Path) -> None:
    text = """{"schedule": {"conference": {"time_zone_name": "Asia/Tokyo", "days": [
      {"index": 1, "date": "2027-07-01", "rooms": {"Hall": [
        {"guid": "g1", "title": "T", "start": "10:00", "duration": "00:30",
         "persons": [{"public_name": "Ada"}, {"name": "山田太郎"}]}]}}]}}}"""
    result = read(save(tmp_path, "schedule.json", text.encode("utf-8")))
    assert problems(result) == []
    assert result.drafts[0].speakers == "Ada, 山田太郎"


def test_excel_date_cells_with_seconds_and_midnight(tmp_path: Path) -> None:
    rows = [["日付", "開始", "終了", "タイトル"], ["2027/7/1 0:00", "10:00:00", "11:30:00", "A"]]
    result = read(save(tmp_path, "p.csv", sheet(rows).encode("cp932")))
    assert [(d.start, d.end) for d in result.drafts] == [(tokyo(1, 10), tokyo(1, 11, 30))]
