"""The workshop's title a schedule file names (YAML `title:`): kept per guild on import, the
calendar's name of `.ics` exports when the `title` setting is unset.

It is cleaned as session titles are (one line: control characters dropped, every run of whitespace
one space) and held to the `title` setting's length; what Discord or a terminal shows of it goes
through `bot.domain.text_safety` where it is shown. A title that is not text or too long is an
error of the `file` (the import waits for a fixed file), an empty one is no title.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from bot.features.sessions.domain.schedule_import.rows import ImportProblem, type_name

#: As long as the `title` setting may be (bot/settings.py).
WORKSHOP_TITLE_MAX = 200


def workshop_title(value: Any, problems: list[ImportProblem]) -> str | None:
    """The title `value` as kept, or None (absent, empty, or refused with a problem)."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(
            ImportProblem(
                "file", "import.value_not_text", {"field": "title", "type": type_name(value)}
            )
        )
        return None
    kept = "".join(ch for ch in value if ch.isspace() or unicodedata.category(ch) != "Cc")
    text = " ".join(kept.split())
    if not text or text in ("~", "null"):
        return None
    if len(text) > WORKSHOP_TITLE_MAX:
        problems.append(
            ImportProblem(
                "file", "errors.title_too_long", {"max": WORKSHOP_TITLE_MAX, "length": len(text)}
            )
        )
        return None
    return text
