"""A topic room's optional link: a whiteboard or document (Mural, Miro, Google Docs...).

Only `https://` with a host, at most 300 characters, and none of the characters that could end
a markdown link early or change how the line around it reads (spaces, brackets, quotes, angle
brackets, backticks, pipes, control and invisible characters), so it can be shown as a link on
the board, in `/room list` and in the room's chat without breaking them.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from bot.domain.errors import InvalidInput

LINK_MAX = 300
_FORBIDDEN = re.compile(r"[\s()\[\]<>\"'`|\\^{}]")


def clean_link(text: str | None) -> str | None:
    """None when absent or blank; else the link, or InvalidInput naming what is wrong."""
    value = (text or "").strip()
    if not value:
        return None
    if len(value) > LINK_MAX:
        raise InvalidInput("errors.room_link_long", max=LINK_MAX)
    invisible = any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value)
    if invisible or _FORBIDDEN.search(value) or not value.isascii():
        raise InvalidInput("errors.room_link_https")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise InvalidInput("errors.room_link_https") from None
    host = parts.hostname or ""
    if parts.scheme != "https" or "." not in host or parts.username or parts.password:
        raise InvalidInput("errors.room_link_https")
    return value


def link_markdown(link: str, label: str) -> str:
    """`[label](link)` for an embed (the link was checked by `clean_link`)."""
    return f"[{label}]({link})"
