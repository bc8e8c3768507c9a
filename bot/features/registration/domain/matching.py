"""How a person's input is matched to a ticket of the registrants file.

Receipt numbers: Unicode NFKC (full-width digits become ASCII), case-folded, every whitespace
and the punctuation people copy along (`#`, `-`, `.`) removed, and a spreadsheet's `="0123"`
wrapper unwrapped: `＃０１２３`, `0123 ` and `="0123"` are one number.

Names: NFKC, case-folded, every whitespace (also the ideographic space U+3000) and punctuation
(Unicode categories P* and S*: `・`, `.`, `-`, `'`) removed. Family and given name may come in
either order: a name written in two or more parts matches its parts reversed too
(`山田 太郎` = `太郎　山田` = `YAMADA Taro` = `taro yamada`); names written without a space
compare as they are (`山田太郎` matches `山田 太郎`, not `太郎山田`).
"""

from __future__ import annotations

import re
import unicodedata

_SPREADSHEET_TEXT = re.compile(r'^=\s*"(.*)"\s*$', re.DOTALL)


def _strip(text: str) -> str:
    return "".join(
        c
        for c in text
        if not c.isspace() and unicodedata.category(c)[0] not in ("P", "S", "C", "Z")
    )


def unwrap_cell(text: str) -> str:
    """`="0123"` (Excel's way of keeping a leading zero) as `0123`; anything else as is."""
    match = _SPREADSHEET_TEXT.match(text.strip())
    return match.group(1) if match else text


def receipt_key(text: str) -> str:
    """The comparable form of a receipt number ('' for none)."""
    return _strip(unicodedata.normalize("NFKC", unwrap_cell(text)).casefold())


def _parts(text: str) -> list[str]:
    normalized = unicodedata.normalize("NFKC", text).casefold()
    return [p for p in (_strip(part) for part in normalized.split()) if p]


def name_key(text: str) -> str:
    """The stored comparable form of a registered name ('' when nothing is left)."""
    return "".join(_parts(text))


def name_keys(text: str) -> frozenset[str]:
    """Every form that counts as this name: as written, and with its parts reversed."""
    parts = _parts(text)
    if not parts:
        return frozenset()
    return frozenset({"".join(parts), "".join(reversed(parts))})


def names_match(registered: str, typed: str) -> bool:
    """Whether `typed` is the registered name, in either order of family and given name."""
    return bool(name_keys(registered) & name_keys(typed))
