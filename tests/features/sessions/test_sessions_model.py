from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain import (
    CREATE_KINDS,
    SessionDraft,
    SessionKind,
    SessionStatus,
    draft_problems,
    make_draft,
    parse_kind,
)
from tests.fakes.factories import T0, draft, session


def fields(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"title": "Talk", "start": T0, "end": T0 + timedelta(minutes=60)}
    return {**base, **changes}


def key_of(**changes: Any) -> str:
    with pytest.raises(InvalidInput) as info:
        make_draft(**fields(**changes))
    return info.value.key


def test_a_valid_draft_is_normalised() -> None:
    d = make_draft(
        **fields(
            title="  Opening \n keynote ",
            kind="Keynote",
            track="  Hall   A ",
            description="  hi  ",
            location="https://zoom.example/j/1",
            external_id=17,
        )
    )
    assert d.title == "Opening keynote"
    assert d.kind is SessionKind.KEYNOTE
    assert d.track == "Hall A"
    assert d.description == "hi"
    assert d.external_id == "17"
    assert d.duration_minutes == 60


def test_blank_optionals_become_none() -> None:
    d = make_draft(**fields(track=" ", description="", location=None))
    assert (d.track, d.description, d.location) == (None, None, None)


def test_times_are_converted_to_utc() -> None:
    plus9 = datetime(2026, 7, 1, 10, 0, tzinfo=T0.astimezone().tzinfo)
    d = make_draft(**fields(start=plus9, end=plus9 + timedelta(hours=1)))
    assert d.start.tzinfo is UTC


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"title": "   "}, "errors.title_empty"),
        ({"title": "x" * 101}, "errors.title_too_long"),
        ({"kind": "lecture-ish"}, "errors.kind_unknown"),
        ({"track": "t" * 101}, "errors.text_too_long"),
        ({"description": "d" * 1001}, "errors.text_too_long"),
        ({"external_id": "i" * 201}, "errors.text_too_long"),
        ({"location": "ftp://example.org/x"}, "errors.location_invalid"),
        ({"location": "zoom.us/j/1"}, "errors.location_invalid"),
        ({"location": "javascript:alert(1)"}, "errors.location_invalid"),
        ({"location": "https://" + "a" * 510}, "errors.text_too_long"),
        ({"end": T0}, "errors.end_before_start"),
        ({"end": T0 - timedelta(minutes=5)}, "errors.end_before_start"),
        ({"end": T0 + timedelta(minutes=4)}, "errors.duration_out_of_range"),
        ({"end": T0 + timedelta(minutes=721)}, "errors.duration_out_of_range"),
        ({"start": datetime(2026, 7, 1, 10, 0)}, "errors.time_not_aware"),  # noqa: DTZ001
    ],
)
def test_invalid_drafts_carry_catalog_keys(changes: dict[str, Any], key: str) -> None:
    assert key_of(**changes) == key


def test_duration_bounds_are_inclusive() -> None:
    assert make_draft(**fields(end=T0 + timedelta(minutes=5))).duration_minutes == 5
    assert make_draft(**fields(end=T0 + timedelta(minutes=720))).duration_minutes == 720


def test_error_params() -> None:
    with pytest.raises(InvalidInput) as info:
        make_draft(**fields(end=T0 + timedelta(minutes=800)))
    assert info.value.params == {"minutes": 800, "min": 5, "max": 720}
    with pytest.raises(InvalidInput) as info:
        make_draft(**fields(title="x" * 150))
    assert info.value.params == {"max": 100, "length": 150}


def test_all_problems_are_listed() -> None:
    with pytest.raises(ValidationError) as info:
        SessionDraft(title="", start=T0, end=T0, location="nope")
    keys = [key for key, _ in draft_problems(info.value)]
    assert keys == ["errors.title_empty", "errors.location_invalid"]
    with pytest.raises(ValidationError) as info:
        SessionDraft(title="x", start=T0)  # type: ignore[call-arg]
    assert draft_problems(info.value) == [("errors.field_missing", {"field": "end"})]


def test_drafts_are_frozen_and_with_changes_revalidates() -> None:
    d = draft()
    with pytest.raises(ValidationError):
        d.title = "other"  # type: ignore[misc]
    assert d.with_changes(title="New").title == "New"
    with pytest.raises(InvalidInput):
        d.with_changes(end=d.start)


def test_kinds() -> None:
    assert SessionKind.POSTER not in CREATE_KINDS
    assert set(CREATE_KINDS) | {SessionKind.POSTER} == set(SessionKind)
    assert parse_kind("基調講演") is SessionKind.KEYNOTE
    assert parse_kind(" PANEL ") is SessionKind.PANEL
    with pytest.raises(InvalidInput) as info:
        parse_kind("poster", allowed=CREATE_KINDS)
    assert info.value.key == "errors.kind_unknown"
    assert info.value.params["choices"] == "talk, keynote, discussion, panel, social"


def test_session_extends_the_draft() -> None:
    s = session(title="Stored", minutes=30, status=SessionStatus.CANCELLED, track="A")
    assert s.cancelled
    assert s.as_draft() == draft(title="Stored", minutes=30, track="A")
    assert s.is_running(T0) and not s.is_running(T0 + timedelta(minutes=30))
    with pytest.raises(ValidationError):
        session(created_at=datetime(2026, 1, 1))  # noqa: DTZ001
