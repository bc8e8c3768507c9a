"""The feedback CSVs (through the one CSV writer): every rating, and one row per session.

UTF-8 with a BOM (Excel reads Japanese only with one); times in the workshop's zone as Excel
reads dates. Names and user ids only when `feedback.named` is on (else ratings are anonymous).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from bot.core.csv_out import CsvOut
from bot.domain.sheet_time import sheet_time
from bot.features.feedback.domain.rules import summarize
from bot.features.feedback.repo import Rating
from bot.features.sessions.domain.model import Session

RATING_COLUMNS = ("session_id", "session_title", "rating", "comment", "submitted_at")
NAMED_COLUMNS = ("user_id", "display_name")
SUMMARY_COLUMNS = (
    "session_id",
    "session_title",
    "start",
    "status",
    "ratings",
    "mean",
    "rated_1",
    "rated_2",
    "rated_3",
    "rated_4",
    "rated_5",
    "attendees",
)
BOM = "\ufeff"


def ratings_csv(
    ratings: Iterable[Rating], titles: Mapping[int, str], zone: ZoneInfo, *, named: bool
) -> tuple[bytes, int]:
    """(the CSV's bytes, its row count) of these ratings, oldest first per session."""
    out = io.StringIO()
    out.write(BOM)
    columns = RATING_COLUMNS + (NAMED_COLUMNS if named else ())
    writer = CsvOut(out, columns)
    rows = 0
    for rating in ratings:
        cells: list[object] = [
            rating.session_id,
            titles.get(rating.session_id, ""),
            rating.rating,
            rating.comment or "",
            sheet_time(rating.updated_at, zone),
        ]
        if named:
            cells += [rating.user_id, rating.display_name]
        writer.row(cells)  # type: ignore[arg-type]
        rows += 1
    return out.getvalue().encode("utf-8"), rows


def summary_csv(
    sessions: Iterable[Session],
    ratings: Iterable[Rating],
    attendees: Mapping[int, int],
    zone: ZoneInfo,
) -> tuple[bytes, int]:
    """One row per session (cancelled ones left out): its ratings, mean, distribution and how
    many people attended it."""
    by_session: dict[int, list[int]] = {}
    for rating in ratings:
        by_session.setdefault(rating.session_id, []).append(rating.rating)
    out = io.StringIO()
    out.write(BOM)
    writer = CsvOut(out, SUMMARY_COLUMNS)
    rows = 0
    for session in sessions:
        if session.cancelled:
            continue
        summary = summarize(by_session.get(session.id, []))
        writer.row(
            [
                session.id,
                session.title,
                sheet_time(session.start, zone),
                session.status.value,
                summary.count,
                "" if summary.mean is None else f"{summary.mean:.2f}",
                *summary.distribution,
                attendees.get(session.id, 0),
            ]
        )
        rows += 1
    return out.getvalue().encode("utf-8"), rows
