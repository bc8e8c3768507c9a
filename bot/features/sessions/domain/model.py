"""Sessions of the programme: what an organizer asks for (`SessionDraft`) and what is stored
(`Session`).

Validation failures carry catalog keys: every check raises a pydantic `PydanticCustomError` whose
type IS the catalog key (e.g. `errors.title_empty`) and whose context holds the parameters, so
`draft_problems()` / `make_draft()` turn a `ValidationError` back into keys + params for the
localized error message. Times are aware UTC; naive datetimes are refused.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bot.domain.clock import to_epoch
from bot.domain.errors import InvalidInput

TITLE_MAX = 100
TRACK_MAX = 100
DESCRIPTION_MAX = 1000
LOCATION_MAX = 512
EXTERNAL_ID_MAX = 200
SPEAKERS_MAX = 500
SPEAKER_IDS_MAX = 25  # members named as a session's speakers
DURATION_MIN = 5
DURATION_MAX = 720


class SessionKind(StrEnum):
    TALK = "talk"
    KEYNOTE = "keynote"
    DISCUSSION = "discussion"
    PANEL = "panel"
    SOCIAL = "social"
    POSTER = "poster"  # created by /poster setup (or a schedule file), not a /session create choice


#: The kinds `/session create` offers (poster sessions come from `/poster setup`).
CREATE_KINDS: tuple[SessionKind, ...] = (
    SessionKind.TALK,
    SessionKind.KEYNOTE,
    SessionKind.DISCUSSION,
    SessionKind.PANEL,
    SessionKind.SOCIAL,
)

_KIND_ALIASES: dict[str, SessionKind] = {
    "lecture": SessionKind.TALK,
    "presentation": SessionKind.TALK,
    "講演": SessionKind.TALK,
    "発表": SessionKind.TALK,
    "基調講演": SessionKind.KEYNOTE,
    "workshop": SessionKind.DISCUSSION,
    "bof": SessionKind.DISCUSSION,
    "meeting": SessionKind.DISCUSSION,
    "討論": SessionKind.DISCUSSION,
    "ディスカッション": SessionKind.DISCUSSION,
    "パネル": SessionKind.PANEL,
    "podium": SessionKind.PANEL,
    "懇親会": SessionKind.SOCIAL,
    "party": SessionKind.SOCIAL,
    "ポスター": SessionKind.POSTER,
    "posters": SessionKind.POSTER,
}


def kind_from_text(value: str) -> SessionKind | None:
    """A kind from its name or a common alias (case-insensitive, en/ja); None if unknown."""
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    try:
        return SessionKind(text)
    except ValueError:
        return _KIND_ALIASES.get(text)


def parse_kind(value: str, *, allowed: tuple[SessionKind, ...] = tuple(SessionKind)) -> SessionKind:
    """Like `kind_from_text` but raises `InvalidInput("errors.kind_unknown")`."""
    kind = kind_from_text(value)
    if kind is None or kind not in allowed:
        raise InvalidInput(
            "errors.kind_unknown", value=value, choices=", ".join(k.value for k in allowed)
        )
    return kind


class SessionStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def _err(key: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(key, key, ctx)


def _optional_text(value: Any, field: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _err("errors.field_invalid", field=field, value=str(value)[:100])
    text = value.strip()
    if not text:
        return None
    if len(text) > limit:
        raise _err("errors.text_too_long", field=field, max=limit, length=len(text))
    return text


def _aware_utc(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise _err("errors.time_not_aware", field=field)
    return value.astimezone(UTC)


#: The fields an organizer controls; compared by the import diff.
DRAFT_FIELDS: tuple[str, ...] = (
    "title",
    "kind",
    "start",
    "end",
    "track",
    "description",
    "location",
    "external_id",
    "speakers",
    "chair_id",
    "speaker_ids",
)


class SessionDraft(BaseModel):
    """A session as requested: validated, not yet stored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    kind: SessionKind = SessionKind.TALK
    start: datetime
    end: datetime
    track: str | None = None
    description: str | None = None
    location: str | None = None
    external_id: str | None = None
    speakers: str | None = None  # as the schedule file names them: `Ada Lovelace, 山田花子`
    # The members who run the session (issue "Chairs and questions"): the chair may open and
    # close it, run breakouts in it, moderate its questions and read its feedback.
    chair_id: int | None = None
    speaker_ids: tuple[int, ...] = ()

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> str:
        if not isinstance(value, str):
            raise _err("errors.field_invalid", field="title", value=str(value)[:100])
        # No newlines or tabs in a title, and no invisible control characters (a NUL from a
        # JSON file would make the programme's own CSV export unreadable as text).
        kept = "".join(ch for ch in value if ch.isspace() or unicodedata.category(ch) != "Cc")
        text = " ".join(kept.split())
        if not text:
            raise _err("errors.title_empty")
        if len(text) > TITLE_MAX:
            raise _err("errors.title_too_long", max=TITLE_MAX, length=len(text))
        return text

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> SessionKind:
        if isinstance(value, SessionKind):
            return value
        kind = kind_from_text(value) if isinstance(value, str) else None
        if kind is None:
            choices = ", ".join(k.value for k in SessionKind)
            raise _err("errors.kind_unknown", value=str(value)[:100], choices=choices)
        return kind

    @field_validator("track", mode="before")
    @classmethod
    def _track(cls, value: Any) -> str | None:
        text = _optional_text(value, "track", TRACK_MAX)
        return " ".join(text.split()) if text else None

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, value: Any) -> str | None:
        return _optional_text(value, "description", DESCRIPTION_MAX)

    @field_validator("external_id", mode="before")
    @classmethod
    def _external_id(cls, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return _optional_text(value, "external_id", EXTERNAL_ID_MAX)

    @field_validator("speakers", mode="before")
    @classmethod
    def _speakers(cls, value: Any) -> str | None:
        text = _optional_text(value, "speakers", SPEAKERS_MAX)
        return " ".join(text.split()) if text else None

    @field_validator("chair_id", mode="before")
    @classmethod
    def _chair_id(cls, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _err("errors.field_invalid", field="chair", value=str(value)[:100])
        return value

    @field_validator("speaker_ids", mode="before")
    @classmethod
    def _speaker_ids(cls, value: Any) -> tuple[int, ...]:
        if value is None:
            return ()
        items = list(value) if isinstance(value, list | tuple) else [value]
        kept: list[int] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, int) or item <= 0:
                raise _err("errors.field_invalid", field="speakers", value=str(item)[:100])
            if item not in kept:
                kept.append(item)
        if len(kept) > SPEAKER_IDS_MAX:
            raise _err("qa.too_many_speakers", max=SPEAKER_IDS_MAX, count=len(kept))
        return tuple(kept)

    @field_validator("location", mode="before")
    @classmethod
    def _location(cls, value: Any) -> str | None:
        text = _optional_text(value, "location", LOCATION_MAX)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
            raise _err("errors.location_invalid", value=text[:100])
        return text

    @field_validator("start")
    @classmethod
    def _start(cls, value: datetime) -> datetime:
        return _aware_utc(value, "start")

    @field_validator("end")
    @classmethod
    def _end(cls, value: datetime) -> datetime:
        return _aware_utc(value, "end")

    @model_validator(mode="after")
    def _times(self) -> Self:
        if self.end <= self.start:
            raise _err(
                "errors.end_before_start", start=to_epoch(self.start), end=to_epoch(self.end)
            )
        minutes = (self.end - self.start) / timedelta(minutes=1)
        if not DURATION_MIN <= minutes <= DURATION_MAX:
            raise _err(
                "errors.duration_out_of_range",
                minutes=int(minutes),
                min=DURATION_MIN,
                max=DURATION_MAX,
            )
        return self

    @property
    def people(self) -> tuple[int, ...]:
        """The chair and the speakers, each once (chair first)."""
        first = (self.chair_id,) if self.chair_id is not None else ()
        return first + tuple(i for i in self.speaker_ids if i != self.chair_id)

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start) / timedelta(minutes=1))

    def draft_fields(self) -> dict[str, Any]:
        """The organizer-controlled fields only (see `DRAFT_FIELDS`)."""
        return {name: getattr(self, name) for name in DRAFT_FIELDS}

    def as_draft(self) -> SessionDraft:
        return SessionDraft(**self.draft_fields())

    def with_changes(self, **changes: Any) -> SessionDraft:
        """A validated copy with some fields changed (raises `InvalidInput`)."""
        return make_draft(**{**self.draft_fields(), **changes})

    def is_running(self, now: datetime) -> bool:
        return self.start <= now < self.end


class Session(SessionDraft):
    """A stored session: the draft fields plus identity, lifecycle status and audit times."""

    id: int
    guild_id: int
    status: SessionStatus = SessionStatus.SCHEDULED
    created_at: datetime
    updated_at: datetime

    @field_validator("created_at", "updated_at")
    @classmethod
    def _audit_times(cls, value: datetime) -> datetime:
        return _aware_utc(value, "created_at/updated_at")

    @property
    def cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED


def may_chair(session: SessionDraft, user_id: int, is_organizer: bool) -> bool:
    """Whether this person may run `session` (open/close it, run breakouts in it, moderate its
    questions, read its feedback): an organizer, or the session's chair."""
    return is_organizer or (session.chair_id is not None and session.chair_id == user_id)


def draft_problems(exc: ValidationError) -> list[tuple[str, dict[str, Any]]]:
    """(catalog key, params) for each failure in a `ValidationError` from these models."""
    found: list[tuple[str, dict[str, Any]]] = []
    for error in exc.errors():
        kind = error["type"]
        field = ".".join(str(part) for part in error["loc"]) or "session"
        if kind.startswith(("errors.", "qa.")):
            found.append((kind, dict(error.get("ctx") or {})))
        elif kind == "missing":
            found.append(("errors.field_missing", {"field": field}))
        else:
            found.append(
                ("errors.field_invalid", {"field": field, "value": str(error.get("input"))[:100]})
            )
    return found


def make_draft(**fields: Any) -> SessionDraft:
    """Build a `SessionDraft`, raising `InvalidInput` with the first problem's key and params."""
    try:
        return SessionDraft(**fields)
    except ValidationError as exc:
        key, params = draft_problems(exc)[0]
        raise InvalidInput(key, **params) from None
