"""User text shown to other people: it shows as typed and cannot pose as anything else.

Names, topics, titles, abstracts and descriptions come from members and from imported files
(Pretalx/frab, CSV, YAML). Put into a message as they are, a newline and `# Heading` in a topic
forge a line of the live room board, U+202E in a display name reverses the names after it, and
`[Join the Zoom here](https://…)` in an abstract is a link that says one thing and goes elsewhere.
This module decides, in one place, what such text may do; renderers call it where the text meets
Discord, and the database keeps what people typed.

- `plain_line(text, limit)`: one line for places Discord shows as plain text (channel, thread
  and Scheduled Event names, choice and button labels): control characters, bidirectional
  formatting (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) and invisible fillers
  removed, every run of whitespace (newlines included) one space, shortened with "…".
- `one_line(text, limit)`: the same for places where Discord reads markdown (message content,
  embed titles, descriptions, field names and values): markdown and mention syntax escaped so it
  shows as typed (a backslash Discord hides), plain URLs left intact so they stay clickable, and
  text in a right-to-left script isolated (U+2068 … U+2069) so it cannot reorder what is around
  it. At most `limit` characters come out, escapes included.
- `body(text, limit)`: the several lines someone wrote (a poster abstract, a session
  description): controls and bidi formatting removed, line breaks kept (at most one empty line in
  a row), the author's emphasis and lists kept, but headings (`#`, `##`, `###`, `-#` at a line's
  start) and masked links (`[text](url)`) shown as typed, outside code spans. A plain URL stays a
  clickable plain URL; no text pretends to be a heading or a link to somewhere else.

Mentions never ping (the bot sends with `AllowedMentions.none()`); this is about what people see.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

ELLIPSIS = "…"

#: Bidirectional formatting: embeddings, overrides, isolates and the directional marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
#: Characters that show nothing and serve to hide or fake text (zero-width space, word joiner,
#: invisible operators, deprecated format controls, BOM, annotation marks, Hangul fillers).
INVISIBLE = frozenset(
    "\u180e\u200b\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f"
    "\ufeff\ufff9\ufffa\ufffb\u115f\u1160\u3164\uffa0"
)
_LINE_BREAKS = ("\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029")
_FIRST_STRONG_ISOLATE, _POP_ISOLATE = "\u2068", "\u2069"

#: Escaped wherever they are: emphasis, code, spoilers, quotes, links, mentions, timestamps.
_SPECIAL = frozenset("\\*_~`|>[]()<@")
_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)
#: What a line may start with to become a heading, subtext, a quote or a list item.
_LINE_START = re.compile(r"(?:#{1,3}|-#|[-+*]|>{1,3}|\d+\.)(?=\s)")


def _dropped(ch: str) -> bool:
    if ch in BIDI_CONTROLS or ch in INVISIBLE:
        return True
    category = unicodedata.category(ch)
    return category == "Cc" or category == "Cs"  # controls; lone surrogates cannot be sent


def strip_controls(text: str, *, keep_newlines: bool = False) -> str:
    """`text` without control characters, bidi formatting or invisible fillers. Line breaks of any
    kind become `\\n` when `keep_newlines`, else spaces; tabs become spaces."""
    for brk in _LINE_BREAKS:
        text = text.replace(brk, "\n")
    if not keep_newlines:
        text = text.replace("\n", " ")
    text = text.replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or not _dropped(ch))


def _shorten(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def plain_line(text: str, limit: int | None = None) -> str:
    """One line of plain text (no markdown where it goes): see the module doc."""
    return _shorten(" ".join(strip_controls(text).split()), limit)


def is_rtl(text: str) -> bool:
    """Whether `text` holds a right-to-left letter (Hebrew, Arabic, …)."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


def _escaped_units(text: str) -> list[str]:
    """`text` as displayed units, each escaped: one character (with its backslash) at a time,
    URLs unescaped (a backslash would break them) and a line-start marker escaped."""
    units: list[str] = []
    position = 0
    start = _LINE_START.match(text)
    if start is not None:
        marker = start.group()
        if marker[0] in "#-+":  # `# `, `-# `, `- `, `+ ` show as typed
            units += ["\\" + marker[0], *marker[1:]]
            position = len(marker)
        elif marker.endswith("."):  # `1. ` is not a numbered list
            units += [*marker[:-1], "\\."]
            position = len(marker)
        # `* ` and `> ` are escaped wherever they are
    for url in _URL.finditer(text, position):
        units.extend(_escape_char(ch) for ch in text[position : url.start()])
        units.extend(url.group())
        position = url.end()
    units.extend(_escape_char(ch) for ch in text[position:])
    return units


def _escape_char(ch: str) -> str:
    return "\\" + ch if ch in _SPECIAL else ch


def escape_markdown(text: str) -> str:
    """`text` shown as typed where Discord reads markdown (one line or several)."""
    return "".join(_escaped_units(text))


def _fit(units: list[str], limit: int | None) -> str:
    text = "".join(units)
    if limit is None or len(text) <= limit:
        return text
    kept: list[str] = []
    used = 0
    for unit in units:
        if used + len(unit) > limit - 1:
            break
        kept.append(unit)
        used += len(unit)
    return "".join(kept).rstrip() + ELLIPSIS


def one_line(text: str, limit: int | None = None) -> str:
    """One line of user text where Discord reads markdown: see the module doc. The result has at
    most `limit` characters."""
    flat = plain_line(text)
    if is_rtl(flat):
        if limit is not None and limit < 3:
            return "…"[:limit]  # no room for the isolates around even one character
        inner = None if limit is None else limit - 2
        return _FIRST_STRONG_ISOLATE + _fit(_escaped_units(flat), inner) + _POP_ISOLATE
    return _fit(_escaped_units(flat), limit)


# -- bodies -----------------------------------------------------------------------------------

#: Inline code and code blocks (any run of backticks, closed by the same run): left as written.
_CODE = re.compile(r"(`+)(?:[\s\S]*?[^`])\1(?!`)")
#: A heading or subtext marker at a line's start, possibly inside a quote or a list item.
_HEADING = re.compile(
    r"^(?P<lead>[ \t]*(?:>>> |> )?[ \t]*(?:(?:[-*+]|\d+\.)[ \t]+)?)(?P<mark>#{1,3}|-#)(?=[ \t])",
    re.MULTILINE,
)
_MASKED_LINK = re.compile(r"\]\(")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


def _outside(spans: list[tuple[int, int]], position: int) -> bool:
    return not any(start <= position < end for start, end in spans)


def body(text: str, limit: int | None = None) -> str:
    """Several lines someone wrote, for an embed description or a message: see the module doc.
    The result has at most `limit` characters."""
    text = strip_controls(text, keep_newlines=True)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    code = [m.span() for m in _CODE.finditer(text)]

    def heading(match: re.Match[str]) -> str:
        if not _outside(code, match.start("mark")):
            return match.group()
        return f"{match['lead']}\\{match['mark']}"

    def link(match: re.Match[str]) -> str:
        return match.group() if not _outside(code, match.start()) else "]\\("

    # Both rewrite only outside code spans, found once on the text they change: the heading
    # escape adds characters, so the links are found on the result with its own code spans.
    text = _HEADING.sub(heading, text)
    code = [m.span() for m in _CODE.finditer(text)]
    text = _MASKED_LINK.sub(link, text)
    if limit is not None and len(text) > limit:
        cut = text[: max(limit - 1, 0)]
        if cut.endswith("\\") and not cut.endswith("\\\\"):
            cut = cut[:-1]  # never leave half of an escape
        text = cut + ELLIPSIS
    return text


# -- message parameters -----------------------------------------------------------------------

#: Parameters of catalog messages that carry what people typed or files said (titles, topics,
#: echoed values, file names, rows of an imported file); the rest are the bot's own words.
USER_TEXT_PARAMS = frozenset(
    {
        "title",
        "other_title",
        "topic",
        "value",
        "file",
        "filename",
        "name",
        "field",
        "place",
        "track",
        "where",
        "first",
        "other_where",
    }
)
PARAM_MAX = 200


def shown_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """`params` for a catalog message, with every user-text parameter shown on one line as typed."""
    return {
        key: one_line(value, PARAM_MAX)
        if key in USER_TEXT_PARAMS and isinstance(value, str)
        else value
        for key, value in params.items()
    }
