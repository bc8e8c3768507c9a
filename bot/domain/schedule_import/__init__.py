"""Schedule files (CSV, YAML, Pretalx/frab schedule.json) -> session drafts + problems, and the
preview of what importing them would change."""

from bot.domain.schedule_import.diff import (
    ImportChange,
    ImportMatch,
    ImportPreview,
    diff_import,
    preview_import,
)
from bot.domain.schedule_import.reader import detect_format, parse_schedule
from bot.domain.schedule_import.rows import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_SESSIONS,
    ImportFormat,
    ImportProblem,
    ImportResult,
    ImportRow,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_SESSIONS",
    "ImportChange",
    "ImportFormat",
    "ImportMatch",
    "ImportPreview",
    "ImportProblem",
    "ImportResult",
    "ImportRow",
    "detect_format",
    "diff_import",
    "parse_schedule",
    "preview_import",
]
