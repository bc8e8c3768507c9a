"""Reading registrants files (connpass, Peatix, Google Forms) and the matching rules: pure."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from bot.domain.errors import InvalidInput
from bot.features.registration.domain.matching import name_key, names_match, receipt_key
from bot.features.registration.domain.registrants import (
    MAX_ROWS,
    Registrant,
    Source,
    plan,
    read_registrants,
    roles_for,
)
from bot.features.sessions.domain.schedule_import.encoding import Encoding

DATA = Path(__file__).resolve().parents[2] / "data" / "registration"


def by_ticket(data: bytes, **columns: str) -> dict[str, Registrant]:
    return {r.ticket: r for r in read_registrants(data, columns).registrants}


@pytest.mark.parametrize(
    ("filename", "encoding"),
    [("connpass_cp932.csv", Encoding.CP932), ("connpass_utf8_bom.csv", Encoding.UTF8_BOM)],
)
def test_connpass_in_both_encodings(filename: str, encoding: Encoding) -> None:
    read = read_registrants((DATA / filename).read_bytes())
    assert read.source is Source.CONNPASS and read.encoding is encoding
    found = {r.ticket: r for r in read.registrants}
    assert set(found) == {"1001", "1002", "1003", "1004", "1005", "1006", "0107"}
    assert found["1001"].types == ("一般参加枠",) and found["1001"].name == "山田 太郎"
    assert found["1002"].name_key == "佐藤花子"  # U+3000 removed
    assert found["1004"].cancelled, "キャンセル"
    assert found["1005"].cancelled, "補欠者: on the waiting list, not admitted"
    assert not found["1001"].cancelled
    # A formula-looking name is kept as text (never run: exports escape it); ="0107" unwrapped.
    assert found["1006"].name.startswith("=HYPERLINK(")
    assert found["0107"].name == "髙橋 ①", "cp932's NEC/IBM extensions read right"
    assert read.problems == []


def test_only_what_the_check_needs_is_kept() -> None:
    read = read_registrants((DATA / "connpass_utf8_bom.csv").read_bytes())
    kept = {f for r in read.registrants for f in vars(r)}
    assert kept == {"ticket", "key", "types", "name", "name_key", "cancelled"}
    assert all("yamada_t" not in str(vars(r)) for r in read.registrants), "no user name kept"
    assert all("よろしく" not in str(vars(r)) for r in read.registrants), "no comment kept"


def test_peatix_tickets_and_status() -> None:
    read = read_registrants((DATA / "peatix.csv").read_bytes())
    assert read.source is Source.PEATIX
    found = {r.ticket: r for r in read.registrants}
    assert found["T1"].types == ("一般",) and found["T2"].types == ("懇親会",)
    assert found["T1"].name == "Alice Smith" and found["T3"].cancelled


def test_google_form_needs_its_headers_named() -> None:
    data = (DATA / "forms.tsv").read_bytes()
    with pytest.raises(InvalidInput) as missing:
        read_registrants(data)
    assert missing.value.key == "registration.file_columns_missing"
    assert "申込番号" in missing.value.params["headers"]
    found = by_ticket(data, ticket="申込番号", type="区分", name="お名前（フルネーム）")
    assert found["F-1"].name == "小林 さくら" and found["F-2"].types == ("学生",)
    named = {"ticket": "申込番号", "name": "お名前（フルネーム）"}
    assert read_registrants(data, named).source is Source.FORM


def test_duplicates_conflicts_and_empty_cells_are_reported() -> None:
    text = (
        "受付番号,参加枠名,表示名\n"
        "1,一般,山田 太郎\n"
        "1,一般,山田 太郎\n"  # the same row again
        "1,懇親会,山田太郎\n"  # the same ticket with another type: merged
        "1,一般,佐藤 花子\n"  # the same ticket, another person: conflict
        ",一般,名無し\n"
        "2,一般,\n"
        "3,一般,@@@\n"  # nothing left of the name
        "\n"
    )
    read = read_registrants(text.encode())
    assert [(p.line, p.key) for p in read.problems] == [
        (3, "duplicate"),
        (5, "conflict"),
        (6, "no_ticket"),
        (7, "no_name"),
        (8, "no_name"),
    ]
    assert read.duplicates == 1 and read.rows == 7
    assert [r.types for r in read.registrants] == [("一般", "懇親会")]


def test_cancel_wait_is_not_cancelled_and_not_admitted_either() -> None:
    text = "受付番号,参加枠名,表示名,参加ステータス\n1,一般,A B,キャンセル待ち\n2,一般,C D,参加者\n"
    found = by_ticket(text.encode())
    assert found["1"].cancelled and not found["2"].cancelled


def test_five_thousand_rows_in_utf16_tsv() -> None:
    lines = ["受付番号\t参加枠名\t表示名"]
    lines += [f"{100000 + i}\t{'学生枠' if i % 3 else '一般枠'}\t参加者 {i}号" for i in range(5000)]
    data = codecs.BOM_UTF16_LE + "\r\n".join(lines).encode("utf-16-le")
    started = time.perf_counter()
    read = read_registrants(data)
    print(f"5000 rows read in {time.perf_counter() - started:.3f}s")
    assert len(read.registrants) == 5000 and read.encoding is Encoding.UTF16LE_BOM


def test_too_many_rows_and_not_text_are_refused() -> None:
    text = "受付番号,表示名\n" + "".join(f"{i},n{i}\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(InvalidInput) as big:
        read_registrants(text.encode())
    assert big.value.key == "registration.file_too_many_rows"
    with pytest.raises(InvalidInput) as binary:
        read_registrants(bytes(range(256)) * 4)
    assert binary.value.key == "errors.import_not_text"
    with pytest.raises(InvalidInput) as empty:
        read_registrants(b"\xef\xbb\xbf\r\n\r\n")
    assert empty.value.key == "registration.file_empty"


@pytest.mark.parametrize(
    ("typed", "registered", "match"),
    [
        ("山田 太郎", "山田 太郎", True),
        ("山田太郎", "山田　太郎", True),  # ideographic space
        ("太郎 山田", "山田 太郎", True),  # given name first
        ("太郎　山田", "山田太郎", True),  # typed in two parts, reversed
        ("taro yamada", "YAMADA Taro", True),  # case and order
        ("ＹＡＭＡＤＡ　Ｔａｒｏ", "Yamada Taro", True),  # full-width (NFKC)
        ("Jean-Luc Picard", "jean luc picard", True),  # punctuation removed
        ("山田・太郎", "山田 太郎", True),
        ("山田 花子", "山田 太郎", False),
        ("山田", "山田 太郎", False),  # half a name is not the name
        ("", "山田 太郎", False),
    ],
)
def test_names_match(typed: str, registered: str, match: bool) -> None:
    assert names_match(registered, typed) is match


def test_receipt_numbers() -> None:
    assert receipt_key("１００１") == receipt_key(" 1001 ") == receipt_key("#1001") == "1001"
    assert receipt_key('="0107"') == "0107"
    assert receipt_key("P-5001") == receipt_key("p5001")
    assert receipt_key("  ") == ""
    assert name_key("@everyone") == "everyone"


def test_reimport_plan() -> None:
    first = read_registrants(
        "受付番号,参加枠名,表示名\n1,一般,A B\n2,一般,C D\n3,学生,E F\n".encode()
    )
    stored = {r.key: r for r in first.registrants}
    again = read_registrants(
        "受付番号,参加枠名,表示名,参加ステータス\n1,一般,A B,参加者\n2,学生,C D,参加者\n"
        "4,一般,G H,参加者\n3,学生,E F,キャンセル\n".encode()
    )
    changes = plan(stored, again)
    assert [r.key for r in changes.added] == ["4"]
    assert [r.key for r in changes.changed] == ["2"]
    assert [r.key for r in changes.cancelled] == ["3"] and changes.unchanged == 1
    missing = plan(stored, read_registrants("受付番号,表示名\n1,A B\n".encode()))
    assert sorted(r.key for r in missing.cancelled) == ["2", "3"], "missing: cancelled"


def test_roles_for_ticket_types() -> None:
    mapping = {"学生枠": "Student", "一般参加枠": "Participant", "*": "Attendee"}
    assert roles_for(("学生枠",), mapping) == ["Student", "Attendee"]
    assert roles_for(("学生枠", "一般参加枠"), mapping) == ["Student", "Participant", "Attendee"]
    assert roles_for(("other",), {"一般": "P"}) == []
