"""A schedule file against the stored programme: what `/session import` previews and applies.

Pure and picklable both ways, so that it runs in a worker process (`bot.core.untrusted`):
the file's bytes and the stored sessions go in, the preview comes out.

A re-import updates the sessions it matches (by external id, else title + start) and cancels only
sessions that came from an earlier import and are missing from the file; sessions created by hand
are never removed by a file, and the file's sessions must not overlap them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.clock import to_epoch
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.domain.people import Person, match_all, names_of
from bot.features.sessions.domain.rules import find_conflicts
from bot.features.sessions.domain.schedule_import.diff import ImportPreview, preview_import
from bot.features.sessions.domain.schedule_import.reader import parse_schedule
from bot.features.sessions.domain.schedule_import.rows import (
    FileInfo,
    ImportFormat,
    ImportProblem,
    ImportResult,
)


@dataclass(frozen=True)
class PlannedImport:
    format: ImportFormat
    info: FileInfo | None
    preview: ImportPreview
    title: str | None = None  # the workshop's title the file names


def plan_import(
    filename: str,
    data: bytes,
    zone: ZoneInfo,
    now: datetime,
    existing: Sequence[Session],
    imported_ids: frozenset[int],
    people: Sequence[Person] | None = None,
) -> PlannedImport:
    """Parse `data` and compare it with `existing` (the guild's sessions; `imported_ids` those
    that came from a file). `people`: the members the file's chairs and speakers may name (None:
    not looked up yet, see `named_people`). Raises `InvalidInput` for an unreadable file."""
    result = parse_schedule(filename, data, zone, now=now)
    unmatched = _match_people(result, people) if people is not None else []
    preview = preview_import(result, existing, zone, now=now, remove_unlisted=True)
    preview.unmatched = unmatched
    kept = [s for s in preview.removed if s.id not in imported_ids]
    preview.removed = [s for s in preview.removed if s.id in imported_ids]
    _check_against_kept(preview, kept)
    _warn_boardless_posters(preview)
    return PlannedImport(result.format, result.info, preview, result.title)


def named_people(planned: PlannedImport) -> list[str]:
    """Every chair and speaker name the file's sessions give, each once."""
    found: list[str] = []
    for row in planned.preview.rows:
        for name in names_of(row.chair) + names_of(row.draft.speakers):
            if name not in found:
                found.append(name)
    return found


def _match_people(result: ImportResult, people: Sequence[Person]) -> list[tuple[str, str]]:
    """Each row's chair and speakers as members; names that match nobody stay names (the
    speakers text keeps them all) and are returned as (where, names) for the preview."""
    found: list[tuple[str, str]] = []
    for index, row in enumerate(result.rows):
        chair_ids, chair_left = match_all(names_of(row.chair), people)
        speaker_ids, speakers_left = match_all(names_of(row.draft.speakers), people)
        unmatched = chair_left + [n for n in speakers_left if n not in chair_left]
        if chair_ids or speaker_ids:
            draft = row.draft.model_copy(
                update={
                    "chair_id": chair_ids[0] if chair_ids else None,
                    "speaker_ids": tuple(speaker_ids[:25]),
                }
            )
            result.rows[index] = replace(row, draft=draft)
        if unmatched:
            found.append((row.where, ", ".join(unmatched)))
    return found


def _warn_boardless_posters(preview: ImportPreview) -> None:
    """A new poster session without a board count has nobody's board to claim yet."""
    for row in preview.new:
        if row.draft.kind is SessionKind.POSTER and row.boards is None:
            preview.problems.append(
                ImportProblem(
                    row.where, "import.poster_no_boards", {"title": row.draft.title}, "warning"
                )
            )


def _check_against_kept(preview: ImportPreview, kept: list[Session]) -> None:
    """Sessions made by hand stay: the file's sessions must not overlap them."""
    active = [s for s in kept if s.status is not SessionStatus.CANCELLED]
    drafts = [(row.where, row.draft) for row in preview.new]
    drafts += [(change.row.where, change.row.draft) for change in preview.changed]
    for where, draft in drafts:
        for other in find_conflicts(draft, active):
            preview.problems.append(
                ImportProblem(
                    where=where,
                    key="errors.session_conflict",
                    params={
                        "title": draft.title,
                        "other_title": other.title,
                        "other_start": to_epoch(other.start),
                        "other_end": to_epoch(other.end),
                    },
                )
            )
