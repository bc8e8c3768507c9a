"""The cells of every CSV the bot writes: data a spreadsheet shows, never a formula it runs.

Excel, LibreOffice Calc, Google Sheets and Numbers read a CSV cell whose first character is `=`,
`+`, `-` or `@` as a formula (`=HYPERLINK("http://…","x")` becomes a live link that can send the
sheet's data away; `-2+3` is computed), and some do the same after a leading tab, carriage return
or NUL. Display names, room topics and session titles are typed by members, so following OWASP's
CSV injection guidance (and ASVS 1.2.10) such a cell gets one single quote `'` in front: the
spreadsheet shows the text, with the quote, and runs nothing.

The rule (`escape_cell`):
- integers, floats and decimals are written as numbers (`-5` stays a number);
- a string that is just a decimal number (`-5`, `+3`, `3.5`, `-1.5e3`, ASCII digits, nothing
  else) stays as it is: a spreadsheet reads it as that number, which is what it is, and nothing
  runs;
- any other string whose first character after its leading single quotes is one of
  `= + - @ TAB CR NUL` gets one more `'` in front. Counting the quotes already there makes the
  rule reversible: `unescape_cell` drops exactly the quote `escape_cell` added, so a file the bot
  wrote reads back to the very text that was typed (`'=x` is written `''=x` and read back `'=x`);
- `None` is an empty cell; everything else is written as typed.

Only the first character matters: the csv module quotes a cell holding commas, quotes or line
breaks, and a spreadsheet never starts a formula in the middle of a quoted cell.
"""

from __future__ import annotations

import re
from decimal import Decimal

#: The characters that make a spreadsheet read a cell as a formula when they come first.
FORMULA_START = frozenset("=+-@\t\r\0")
QUOTE = "'"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)

Cell = str | int | float | Decimal | None


def is_plain_number(text: str) -> bool:
    """`-5`, `+3`, `3.5`, `-1.5e3`: a decimal number and nothing else (no spaces, ASCII)."""
    return _NUMBER.fullmatch(text) is not None


def needs_quote(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula (or it starts like an escaped one)."""
    rest = text.lstrip(QUOTE)
    if not rest or rest[0] not in FORMULA_START:
        return False
    return len(rest) != len(text) or not is_plain_number(text)


def escape_cell(value: Cell) -> str | int | float | Decimal:
    """The value as the CSV cell to write (numbers stay numbers)."""
    if isinstance(value, str):
        if not value or (value[0] not in FORMULA_START and value[0] != QUOTE):
            return value  # the common case, decided by the first character
        return QUOTE + value if needs_quote(value) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return QUOTE + text if needs_quote(text) else text


def unescape_cell(text: str) -> str:
    """The text `escape_cell` was given, from the cell it wrote: one leading `'` dropped when the
    rest (after its own leading quotes) starts with a formula character; anything else as is.
    Readers of the bot's own CSV files (the schedule importer) apply this to every text cell."""
    if text.startswith(QUOTE):
        rest = text.lstrip(QUOTE)
        if rest and rest[0] in FORMULA_START:
            return text[1:]
    return text
