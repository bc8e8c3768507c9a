"""What a Discord reader would see in a text the bot sends: the checks the text-safety tests make on
rendered messages (a small reading of Discord's markdown, enough to spot what user text may not
do)."""

from __future__ import annotations

import re

OVERRIDES = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
ISOLATE_OPEN, ISOLATE_CLOSE = frozenset("\u2066\u2067\u2068"), "\u2069"

_CODE = re.compile(r"(`+)(?:[\s\S]*?[^`])\1(?!`)")
_HEADING = re.compile(
    r"^[ \t]*(?:>>> |> )?[ \t]*(?:(?:[-*+]|\d+\.)[ \t]+)?(?:#{1,3}|-#)[ \t]", re.MULTILINE
)
_MASKED_LINK = re.compile(r"\[[^\]\n]*\]\(")  # Discord needs `](` right after the text
_UNESCAPED = r"(?<!\\)(?:\\\\)*"


def without_code(text: str) -> str:
    return _CODE.sub("", text)


def masked_links(text: str) -> list[str]:
    """Masked links `[text](url)` Discord would render (`]\\(` is no link)."""
    return _MASKED_LINK.findall(without_code(text))


def headings(text: str) -> list[str]:
    """Lines Discord would render as a heading or subtext."""
    return [m.group() for m in _HEADING.finditer(without_code(text))]


def styled(text: str) -> bool:
    """Whether an unescaped emphasis, strike, spoiler or code marker is in `text`."""
    return re.search(_UNESCAPED + r"(?:\*|__|~~|\|\||`)", text) is not None


def bidi_is_contained(text: str) -> bool:
    """No override, embedding or directional mark; isolates (the bot's own) balanced."""
    if any(ch in OVERRIDES for ch in text):
        return False
    depth = 0
    for ch in text:
        if ch in ISOLATE_OPEN:
            depth += 1
        elif ch == ISOLATE_CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
