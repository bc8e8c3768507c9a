"""Schedule files (CSV/TSV, YAML, Pretalx/frab schedule.json) -> session drafts + problems, and
the preview of what importing them would change."""

from bot.features.sessions.domain.schedule_import.columns import ALIASES, Column
from bot.features.sessions.domain.schedule_import.diff import (
    ImportChange,
    ImportMatch,
    ImportPreview,
    diff_import,
    preview_import,
)
from bot.features.sessions.domain.schedule_import.encoding import Encoding
from bot.features.sessions.domain.schedule_import.plan import PlannedImport, plan_import
from bot.features.sessions.domain.schedule_import.reader import detect_format, parse_schedule
from bot.features.sessions.domain.schedule_import.rows import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_SESSIONS,
    FileInfo,
    ImportFormat,
    ImportProblem,
    ImportResult,
    ImportRow,
)

__all__ = [
    "ALIASES",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_SESSIONS",
    "Column",
    "Encoding",
    "FileInfo",
    "ImportChange",
    "ImportFormat",
    "ImportMatch",
    "ImportPreview",
    "ImportProblem",
    "ImportResult",
    "ImportRow",
    "PlannedImport",
    "detect_format",
    "diff_import",
    "parse_schedule",
    "plan_import",
    "preview_import",
]
