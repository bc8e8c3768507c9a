"""Compare an imported schedule with the stored programme: the preview shown before Confirm.

Matching: a row matches the stored session with the same external id; failing that, the one with
the same title (case/space-insensitive) and the same start, unless that session carries a
different external id. Each stored session matches at most one row; a row that repeats an earlier
row (same id, or same title+start) is a problem and is left out.

`remove_unlisted` says what happens to stored sessions the file does not list:
- True (the file is the whole programme): they are `removed` (the service cancels them on
  Confirm), and conflicts are checked within the file only;
- False (the file adds to the programme): `removed` stays empty, and the rows are also checked
  for conflicts against those stored sessions.
Cancelled sessions are never `removed`; a row matching one is `changed` (field `status`: it is
brought back). Nothing is applied here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError
from bot.features.sessions.domain.model import DRAFT_FIELDS, Session, SessionDraft, SessionStatus
from bot.features.sessions.domain.rules import (
    check_not_in_past,
    clashes,
    conflict_error,
    find_conflicts,
    place_key,
)
from bot.features.sessions.domain.schedule_import.rows import ImportProblem, ImportResult, ImportRow
from bot.features.sessions.domain.timeparse import DEFAULT_ZONE, local_date


@dataclass(frozen=True)
class ImportChange:
    row: ImportRow
    before: Session
    fields: tuple[str, ...]  # the draft fields that differ (+ "status" for a cancelled one)


@dataclass(frozen=True)
class ImportMatch:
    row: ImportRow
    session: Session


@dataclass
class ImportPreview:
    new: list[ImportRow] = field(default_factory=list)
    changed: list[ImportChange] = field(default_factory=list)
    unchanged: list[ImportMatch] = field(default_factory=list)
    removed: list[Session] = field(default_factory=list)
    per_day: dict[date, int] = field(default_factory=dict)  # listed sessions per local day
    problems: list[ImportProblem] = field(default_factory=list)
    # (where, names) of chairs and speakers kept as names: no member matched them exactly
    unmatched: list[tuple[str, str]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "errors": sum(1 for p in self.problems if p.severity == "error"),
            "warnings": sum(1 for p in self.problems if p.severity == "warning"),
        }

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @property
    def rows(self) -> list[ImportRow]:
        """Every listed row, in file order of the categories new, changed, unchanged."""
        return self.new + [c.row for c in self.changed] + [m.row for m in self.unchanged]


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _dedupe_key(draft: SessionDraft) -> tuple[str, ...]:
    if draft.external_id:
        return ("id", draft.external_id)
    return ("title", _title_key(draft.title), draft.start.isoformat())


def _changed_fields(draft: SessionDraft, before: Session) -> tuple[str, ...]:
    fields = [name for name in DRAFT_FIELDS if getattr(draft, name) != getattr(before, name)]
    if before.status is SessionStatus.CANCELLED:
        fields.append("status")
    return tuple(fields)


_OWN_REF = re.compile(r"^session-(\d+)$")


def own_reference(draft: SessionDraft, before: Session) -> bool:
    """`session-<id>` is how an export names a session that has no external id of its own."""
    match = _OWN_REF.match(draft.external_id or "")
    return before.external_id is None and match is not None and int(match.group(1)) == before.id


class _Matcher:
    def __init__(self, existing: Sequence[Session]) -> None:
        self.by_session_id = {session.id: session for session in existing}
        self.by_id: dict[str, Session] = {}
        self.by_title: dict[tuple[str, datetime], list[Session]] = {}
        for session in existing:
            if session.external_id:
                self.by_id.setdefault(session.external_id, session)
            self.by_title.setdefault((_title_key(session.title), session.start), []).append(session)
        self.taken: set[int] = set()

    def match(self, draft: SessionDraft) -> Session | None:
        hit = self.by_id.get(draft.external_id) if draft.external_id else None
        own = _OWN_REF.match(draft.external_id or "")
        if hit is None and own is not None:
            candidate = self.by_session_id.get(int(own.group(1)))
            if candidate is not None and own_reference(draft, candidate):
                hit = candidate
        if hit is not None and hit.id not in self.taken:
            self.taken.add(hit.id)
            return hit
        for candidate in self.by_title.get((_title_key(draft.title), draft.start), []):
            if candidate.id in self.taken:
                continue
            if draft.external_id and candidate.external_id not in (None, draft.external_id):
                continue
            self.taken.add(candidate.id)
            return candidate
        return None


def _problem(where: str, error: DomainError, **extra: object) -> ImportProblem:
    return ImportProblem(where, error.key, {**error.params, **extra})


def _past_problem(row: ImportRow, error: DomainError) -> ImportProblem:
    """A start in the past, named as the file wrote it (not only as it was understood)."""
    if error.key == "errors.time_in_past" and row.start_text:
        return ImportProblem(
            row.where, "import.start_in_past", {**error.params, "value": row.start_text}
        )
    return _problem(row.where, error)


def _conflicts_within(rows: list[ImportRow]) -> list[ImportProblem]:
    """Clashes between rows of the file, reported at the later row (sweep over start order)."""
    ordered = sorted(rows, key=lambda r: (r.draft.start, place_key(r.draft.track)))
    found: list[ImportProblem] = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.draft.start >= first.draft.end:
                break
            if clashes(first.draft, second.draft):
                clash = conflict_error(second.draft, first.draft)
                found.append(_problem(second.where, clash, other_where=first.where))
    return found


def _keep_people(row: ImportRow, before: Session) -> ImportRow:
    """A file that names no chair (or no speakers) for a session keeps the ones an organizer
    set with `/session edit`: most schedule files know titles and times, not Discord members.
    A file that names someone decides (an unmatched name leaves no member)."""
    keep: dict[str, object] = {}
    if not row.chair and before.chair_id is not None:
        keep["chair_id"] = before.chair_id
    if not row.draft.speakers and before.speaker_ids:
        keep["speaker_ids"] = before.speaker_ids
    return replace(row, draft=row.draft.model_copy(update=keep)) if keep else row


def diff_import(
    rows: Iterable[ImportRow | SessionDraft],
    existing: Sequence[Session],
    zone: ZoneInfo = DEFAULT_ZONE,
    *,
    now: datetime | None = None,
    remove_unlisted: bool = True,
) -> ImportPreview:
    """New / changed / unchanged / removed sessions, sessions per local day in `zone` (the
    workshop zone), and problems: repeated rows, conflicts, and (when `now` is given) sessions
    that would start in the past or move the start of one already running."""
    preview = ImportPreview()
    matcher = _Matcher(existing)
    seen: dict[tuple[str, ...], str] = {}
    listed: list[ImportRow] = []
    for number, item in enumerate(rows, start=1):
        row = item if isinstance(item, ImportRow) else ImportRow(f"session {number}", item)
        key = _dedupe_key(row.draft)
        if key in seen:
            preview.problems.append(
                ImportProblem(row.where, "import.duplicate_row", {"first": seen[key]})
            )
            continue
        seen[key] = row.where
        listed.append(row)
        before = matcher.match(row.draft)
        if before is not None and own_reference(row.draft, before):
            row = replace(row, draft=row.draft.with_changes(external_id=None))
        if before is not None and isinstance(item, ImportRow):
            row = _keep_people(row, before)
        changed = () if before is None else _changed_fields(row.draft, before)
        if before is None:
            preview.new.append(row)
        elif changed:
            preview.changed.append(ImportChange(row, before, changed))
        else:
            preview.unchanged.append(ImportMatch(row, before))
        if now is not None and (before is None or changed):
            try:
                check_not_in_past(row.draft, now, current=before)
            except DomainError as error:
                preview.problems.append(_past_problem(row, error))
        day = local_date(row.draft.start, zone)
        preview.per_day[day] = preview.per_day.get(day, 0) + 1
    preview.per_day = dict(sorted(preview.per_day.items()))

    unlisted = [
        s for s in existing if s.id not in matcher.taken and s.status is not SessionStatus.CANCELLED
    ]
    preview.problems.extend(_conflicts_within(listed))
    if remove_unlisted:
        preview.removed = sorted(unlisted, key=lambda s: (s.start, s.id))
    else:
        for row in listed:
            for other in find_conflicts(row.draft, unlisted):
                clash = conflict_error(row.draft, other)
                preview.problems.append(_problem(row.where, clash, other_id=other.id))
    return preview


def preview_import(
    result: ImportResult,
    existing: Sequence[Session],
    zone: ZoneInfo = DEFAULT_ZONE,
    *,
    now: datetime | None = None,
    remove_unlisted: bool = True,
) -> ImportPreview:
    """`diff_import` of a parsed file, with the parser's problems listed first."""
    preview = diff_import(result.rows, existing, zone, now=now, remove_unlisted=remove_unlisted)
    preview.problems[:0] = result.problems
    return preview
