"""The one CSV writer of the bot: every export (attendance, one session's people, the programme)
writes through it, so every cell follows `bot.domain.csv_safe` (no cell reaches a spreadsheet as
a formula). A test fails when a `csv.writer` appears anywhere else.

Rows are written as they come (the attendance export streams tens of thousands of rows). Lines
end with CRLF, as RFC 4180 has it (open files with `newline=""`): the csv module then quotes every
cell holding a line break of either kind, so a display name with a carriage return in it cannot
start a row of its own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from bot.domain.csv_safe import Cell, escape_cell


class TextSink(Protocol):
    def write(self, text: str, /) -> object: ...


class CsvOut:
    """A CSV with the header `columns`, written to `out` row by row."""

    def __init__(self, out: TextSink, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._writer = csv.writer(out, lineterminator="\r\n")
        self._writer.writerow([escape_cell(c) for c in self.columns])

    def row(self, cells: Iterable[Cell]) -> None:
        self._writer.writerow([escape_cell(c) for c in cells])

    def rows(self, rows: Iterable[Iterable[Cell]]) -> None:
        self._writer.writerows([escape_cell(c) for c in cells] for cells in rows)

    def record(self, values: Mapping[str, Cell]) -> None:
        """One row from a mapping by column name (a missing column is an empty cell)."""
        self.row(values.get(column) for column in self.columns)
