"""CSV schedules: a header row, then one session per row.

Columns (any order, case-insensitive): `title`, `start`, `end` or `duration`, and optionally
`kind`, `track`, `description`, `location`, `id`. `start`/`end` are read in the workshop zone
(`2026-07-01 10:00`, ISO 8601 with offset, ...); `end` may be just `11:30` (on the start's day).
Rows are numbered like a spreadsheet: the header is row 1, the first session row 2.
Blank rows are skipped; unknown columns are ignored with a warning.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.schedule_import.rows import (
    MAX_IMPORT_SESSIONS,
    SESSION_COLUMNS,
    ImportFormat,
    ImportProblem,
    ImportResult,
    RowBuilder,
)


def _read(text: str) -> list[list[str]]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.split("\n", 1)[0], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise InvalidInput("errors.import_malformed", format="CSV", detail=str(exc)) from None


# Written by `workshop-bot export schedule --format csv`; read back without a warning.
EXPORT_ONLY_COLUMNS = frozenset({"status"})


def parse_csv(text: str, zone: ZoneInfo, *, now: datetime | None = None) -> ImportResult:
    """Parse CSV text (already decoded, BOM removed). Raises only for an unreadable file."""
    records = _read(text)
    if not records or not any(cell.strip() for cell in records[0]):
        raise InvalidInput("errors.import_malformed", format="CSV", detail="no header row")
    header = [cell.strip().lstrip("\ufeff").lower() for cell in records[0]]
    missing = [c for c in ("title", "start") if c not in header]
    if "end" not in header and "duration" not in header:
        missing.append("end|duration")
    if missing:
        raise InvalidInput("errors.import_csv_columns", missing=", ".join(missing))

    data = [(n, r) for n, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
    if len(data) > MAX_IMPORT_SESSIONS:
        raise InvalidInput("errors.import_too_many", count=len(data), max=MAX_IMPORT_SESSIONS)

    result = ImportResult(format=ImportFormat.CSV, zone=zone)
    for column in header:
        if column and column not in SESSION_COLUMNS and column not in EXPORT_ONLY_COLUMNS:
            result.problems.append(
                ImportProblem("row 1", "import.column_ignored", {"column": column}, "warning")
            )
    builder = RowBuilder(zone, result.problems, now)
    for number, record in data:
        where = f"row {number}"
        if len(record) > len(header):
            builder.problem(where, "import.too_many_cells", count=len(record), columns=len(header))
            continue
        raw = {name: value for name, value in zip(header, record, strict=False) if name}
        row = builder.build(where, raw)
        if row is not None:
            result.rows.append(row)
    return result
