"""CSV and TSV schedules: a header row, then one session per row.

Columns (any order; English or Japanese names, see `columns.ALIASES`): `title`, `start`, `end`
or `duration`, and optionally `date`, `kind`, `track`, `description`, `location`, `id`,
`speakers`. `start`/`end` are read in the workshop zone (`2026-07-01 10:00`, `2026/7/1 10:00`,
`2026年7月1日 14:00`, ISO 8601 with offset, ...); with a `date` column they may be just `10:00`,
and `end` may always be just `11:30` (on the start's day).

The separator is a comma, a tab (Excel's "Unicode text") or a semicolon: whichever makes the
most columns recognisable. The header is the first row naming a title column, within the first
`HEADER_SEARCH` rows (a title line above the table, as spreadsheets often have, is skipped with a
warning). Rows are numbered like a spreadsheet: the first line is row 1. Blank rows are skipped;
unknown columns are ignored with a warning; empty cells beyond the header are ignored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.csv_safe import unescape_cell
from bot.domain.errors import InvalidInput
from bot.features.sessions.domain.schedule_import.columns import (
    EXPORT_ONLY,
    MAX_COLUMNS,
    Column,
    describe_missing,
    field_of,
    missing_fields,
    recognise,
)
from bot.features.sessions.domain.schedule_import.encoding import Encoding
from bot.features.sessions.domain.schedule_import.rows import (
    MAX_IMPORT_SESSIONS,
    FileInfo,
    ImportFormat,
    ImportProblem,
    ImportResult,
    RowBuilder,
)

DELIMITERS = (",", "\t", ";")
HEADER_SEARCH = 10
_SNIFF_CHARS = 64 * 1024

# Kept for callers of the old name.
EXPORT_ONLY_COLUMNS = EXPORT_ONLY


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    found: list[list[str]] = []
    try:
        for record in _records(text[:_SNIFF_CHARS], delimiter):
            found.append(record)
            if len(found) >= HEADER_SEARCH:
                break
    except csv.Error:
        pass
    return found


def _score(record: list[str]) -> tuple[int, bool]:
    fields = {field_of(cell) for cell in record[: MAX_COLUMNS + 1] if cell.strip()}
    return len(fields - {None}), "title" in fields


def sniff(text: str) -> tuple[str, int]:
    """The delimiter and the index of the header record: the pair that recognises the most
    columns in a row naming a title (ties: the earlier delimiter of `DELIMITERS`)."""
    best: tuple[int, int, str, int] = (-1, -1, ",", 0)
    for delimiter in DELIMITERS:
        for index, record in enumerate(_first_records(text, delimiter)):
            known, has_title = _score(record)
            candidate = (int(has_title), known, delimiter, index)
            if candidate[:2] > best[:2]:  # ties: the earlier delimiter, the earlier row
                best = candidate
    if best[1] <= 0:  # nothing recognisable: the most frequent separator of the first line
        first = text.split("\n", 1)[0]
        delimiter = max(DELIMITERS, key=first.count)
        return delimiter, 0
    return best[2], best[3]


def _malformed(reader: object, exc: csv.Error) -> InvalidInput:
    line = getattr(reader, "line_num", 0)
    return InvalidInput("errors.import_malformed", format="CSV", detail=f"line {line}: {exc}")


def parse_csv(
    text: str,
    zone: ZoneInfo,
    *,
    now: datetime | None = None,
    encoding: Encoding = Encoding.UTF8,
) -> ImportResult:
    """Parse CSV/TSV text (already decoded, BOM removed). Raises only for an unreadable file."""
    text = text.removeprefix("\ufeff")
    delimiter, header_index = sniff(text)
    reader = _records(text, delimiter)
    result = ImportResult(format=ImportFormat.CSV, zone=zone)
    try:
        head = [next(reader, None) for _ in range(header_index + 1)]
    except csv.Error as exc:
        raise _malformed(reader, exc) from None
    header_cells = head[-1] if head and head[-1] is not None else []
    if not any(cell.strip() for cell in header_cells):
        raise InvalidInput("errors.import_malformed", format="CSV", detail="no header row")
    if len(header_cells) > MAX_COLUMNS and any(c.strip() for c in header_cells[MAX_COLUMNS:]):
        raise InvalidInput(
            "errors.import_too_many_columns", count=len(header_cells), max=MAX_COLUMNS
        )
    header = [cell.strip() for cell in header_cells[:MAX_COLUMNS]]
    while header and not header[-1]:
        header.pop()
    columns, repeated = recognise(header)
    result.info = FileInfo(encoding, delimiter, tuple(columns))
    for field, first, again in repeated:
        raise InvalidInput("errors.import_column_twice", field=field, first=first, again=again)
    fields = {c.field for c in columns if c.field is not None}
    if missing := missing_fields(fields):
        raise InvalidInput(
            "errors.import_csv_columns",
            missing=", ".join(missing),
            found=", ".join(h for h in header if h) or "—",
            accepted=describe_missing(missing),
        )
    if header_index:
        result.problems.append(
            ImportProblem(
                f"row {header_index + 1}",
                "import.rows_above_header",
                {"rows": header_index},
                "warning",
            )
        )
    _warn_unused(result, columns, header_index + 1)
    data: list[tuple[int, list[str]]] = []
    count = 0
    try:
        for number, record in enumerate(reader, start=header_index + 2):
            if not any(cell.strip() for cell in record):
                continue
            count += 1
            if count <= MAX_IMPORT_SESSIONS:
                data.append((number, record))
    except csv.Error as exc:
        raise _malformed(reader, exc) from None
    if count > MAX_IMPORT_SESSIONS:
        raise InvalidInput("errors.import_too_many", count=count, max=MAX_IMPORT_SESSIONS)
    _build_rows(result, columns, data, zone, now)
    return result


def _warn_unused(result: ImportResult, columns: list[Column], row: int) -> None:
    for column in columns:
        if column.header and column.field is None and column.header.lower() not in EXPORT_ONLY:
            result.problems.append(
                ImportProblem(
                    f"row {row}", "import.column_ignored", {"column": column.header}, "warning"
                )
            )


def _build_rows(
    result: ImportResult,
    columns: list[Column],
    data: list[tuple[int, list[str]]],
    zone: ZoneInfo,
    now: datetime | None,
) -> None:
    builder = RowBuilder(zone, result.problems, now)
    width = len(columns)
    for number, record in data:
        where = f"row {number}"
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            builder.problem(where, "import.too_many_cells", count=len(record), columns=width)
            continue
        # A cell the bot's own export protected against spreadsheet formulas ('=…) reads back
        # as it was written by people.
        raw = {
            c.field: unescape_cell(value)
            for c, value in zip(columns, record, strict=False)
            if c.field
        }
        row = builder.build(where, raw)
        if row is not None:
            result.rows.append(row)
