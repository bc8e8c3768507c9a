"""The programme as .ics and CSV: both read back to the same sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.features.sessions.calendar import (
    CSV_COLUMNS,
    schedule_csv,
    schedule_ics,
    sequence_of,
    session_ref,
    session_uid,
)
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus
from bot.features.sessions.domain.schedule_import import parse_schedule, preview_import

TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
GUILD = 4242
CREATED = datetime(2027, 6, 1, 0, 0, tzinfo=UTC)
NOW = datetime(2027, 6, 20, 12, 0, tzinfo=UTC)


def at(text: str, zone: ZoneInfo = TOKYO) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


def make(session_id: int, title: str, start: str, minutes: int, **fields: Any) -> Session:
    begin = at(start, fields.pop("zone", TOKYO))
    return Session(
        id=session_id,
        guild_id=GUILD,
        title=title,
        start=begin,
        end=begin + timedelta(minutes=minutes),
        created_at=fields.pop("created_at", CREATED),
        updated_at=fields.pop("updated_at", CREATED),
        **fields,
    )


@pytest.fixture
def programme() -> list[Session]:
    return [
        make(
            3,
            "Keynote: 現場で回る機械学習",
            "2027-07-01 09:30",
            60,
            kind=SessionKind.KEYNOTE,
            external_id="d1-keynote",
            description="Opening.\nTwo lines, with commas; and semicolons.",
        ),
        make(
            1,
            "Self-supervised pretraining",
            "2027-07-01 10:45",
            40,
            track="Vision",
            external_id="d1-vision-1",
            updated_at=CREATED + timedelta(hours=2),
        ),
        make(
            2,
            "日本語LLMの継続事前学習",
            "2027-07-01 10:45",
            40,
            track="NLP",
            kind=SessionKind.DISCUSSION,
            location="https://zoom.example.com/j/81234567890",
        ),
        make(
            4,
            "Cancelled talk",
            "2027-07-02 13:30",
            60,
            track="MLOps",
            status=SessionStatus.CANCELLED,
            external_id="d2-mlops-3",
            updated_at=CREATED + timedelta(days=3),
        ),
        make(5, "Posters", "2027-07-02 14:45", 90, kind=SessionKind.POSTER, track="Poster Hall"),
    ]


def channel_url(session: Session) -> str | None:
    return None if session.id == 5 else f"https://discord.com/channels/{GUILD}/{9000 + session.id}"


def parse_ics(data: bytes) -> tuple[Calendar, dict[str, Any]]:
    calendar = Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    return calendar, events


def test_ics_parses_back_to_the_same_sessions(programme: list[Session]) -> None:
    data = schedule_ics(
        programme,
        guild_id=GUILD,
        calendar_name="MLエンジニアリング研究会 キャンプ",
        channel_url=channel_url,
        now=NOW,
        zone=TOKYO,
    )
    calendar, events = parse_ics(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert "workshop-bot" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "MLエンジニアリング研究会 キャンプ"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Tokyo"

    assert len(events) == len(programme)  # the cancelled one included
    for session in programme:
        event = events[f"{session_ref(session)}@{GUILD}.workshop-bot"]
        assert event.decoded("DTSTART") == session.start
        assert event.decoded("DTEND") == session.end
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)  # written in UTC
        assert event.decoded("DTSTAMP") == NOW
        assert str(event["SUMMARY"]) == session.title
        expected_status = "CANCELLED" if session.cancelled else "CONFIRMED"
        assert str(event["STATUS"]) == expected_status
        assert int(event["SEQUENCE"]) == sequence_of(session)
        categories = [str(c) for c in event["CATEGORIES"].cats]
        assert categories == [session.kind.value] + ([session.track] if session.track else [])


def test_ics_uids_are_stable_and_edits_supersede(programme: list[Session]) -> None:
    assert session_uid(programme[0], GUILD) == f"d1-keynote@{GUILD}.workshop-bot"
    assert session_uid(programme[2], GUILD) == f"session-2@{GUILD}.workshop-bot"
    first = parse_ics(schedule_ics(programme, guild_id=GUILD, calendar_name="x", now=NOW))[1]
    edited = programme[2].model_copy(
        update={"title": "Renamed", "updated_at": CREATED + timedelta(minutes=5)}
    )
    later = NOW + timedelta(days=1)
    second = parse_ics(
        schedule_ics([*programme[:2], edited], guild_id=GUILD, calendar_name="x", now=later)
    )[1]
    uid = f"session-2@{GUILD}.workshop-bot"
    assert set(second) <= set(first)
    assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"]) == 0
    assert str(second[uid]["SUMMARY"]) == "Renamed"


def test_ics_location_description_and_order(programme: list[Session]) -> None:
    data = schedule_ics(
        programme, guild_id=GUILD, calendar_name="x", channel_url=channel_url, now=NOW
    )
    calendar, events = parse_ics(data)
    keynote = events[f"d1-keynote@{GUILD}.workshop-bot"]
    assert str(keynote["LOCATION"]) == f"https://discord.com/channels/{GUILD}/9003"
    assert str(keynote["DESCRIPTION"]) == "Opening.\nTwo lines, with commas; and semicolons."
    zoom = events[f"session-2@{GUILD}.workshop-bot"]
    assert str(zoom["LOCATION"]) == "https://zoom.example.com/j/81234567890"
    assert str(zoom["URL"]) == "https://zoom.example.com/j/81234567890"
    assert f"https://discord.com/channels/{GUILD}/9002" in str(zoom["DESCRIPTION"])
    posters = events[f"session-5@{GUILD}.workshop-bot"]
    assert "LOCATION" not in posters and "DESCRIPTION" not in posters
    starts = [e.decoded("DTSTART") for e in calendar.walk("VEVENT")]
    assert starts == sorted(starts)
    # No channel_url at all: external locations only.
    _, plain = parse_ics(schedule_ics(programme, guild_id=GUILD, calendar_name="x", now=NOW))
    assert "LOCATION" not in plain[f"d1-keynote@{GUILD}.workshop-bot"]


def test_ics_needs_an_aware_now(programme: list[Session]) -> None:
    with pytest.raises(ValueError, match="aware"):
        schedule_ics(programme, guild_id=GUILD, calendar_name="x", now=datetime(2027, 1, 1))  # noqa: DTZ001


def test_empty_programme_is_a_valid_calendar() -> None:
    calendar, events = parse_ics(schedule_ics([], guild_id=GUILD, calendar_name="x", now=NOW))
    assert events == {}
    assert str(calendar["VERSION"]) == "2.0"


def test_csv_columns_and_local_times(programme: list[Session]) -> None:
    text = schedule_csv(programme, TOKYO)
    lines = text.splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert lines[1].startswith(  # times as Excel reads dates, in the workshop's zone
        "d1-keynote,Keynote: 現場で回る機械学習,2027-07-01 09:30:00,2027-07-01 10:30:00,keynote,"
    )
    assert "Cancelled talk" not in text
    assert "Cancelled talk" in schedule_csv(programme, TOKYO, include_cancelled=True)


def expected_drafts(sessions: list[Session]) -> list[dict[str, Any]]:
    found = []
    for session in sorted(sessions, key=lambda s: (s.start, s.id)):
        fields = session.as_draft().draft_fields()
        fields["external_id"] = session_ref(session)
        found.append(fields)
    return found


def test_csv_round_trips_through_the_importer(programme: list[Session]) -> None:
    data = schedule_csv(programme, TOKYO).encode("utf-8")
    result = parse_schedule("programme.csv", data, TOKYO)
    # `status` is informational: the importer reads an export back without any problem.
    assert result.problems == []
    active = [s for s in programme if not s.cancelled]
    assert [d.draft_fields() for d in result.drafts] == expected_drafts(active)


def test_csv_round_trip_in_a_zone_with_dst() -> None:
    sessions = [
        make(1, "Summer", "2027-07-01 10:00", 60, zone=BERLIN),
        make(2, "Winter", "2027-12-01 10:00", 60, zone=BERLIN),
        make(3, "Fall back night", "2027-10-31 01:30", 90, zone=BERLIN),  # across the DST end
    ]
    text = schedule_csv(sessions, BERLIN)
    assert "2027-07-01 10:00:00,2027-07-01 11:00:00" in text
    assert "2027-12-01 10:00:00,2027-12-01 11:00:00" in text
    # 90 minutes across the end of summer time: 02:00 happens twice, so that cell says which.
    assert "2027-10-31 01:30:00,2027-10-31 02:00:00+01:00" in text
    result = parse_schedule("x.csv", text.encode("utf-8"), BERLIN)
    assert not result.has_errors
    assert [d.draft_fields() for d in result.drafts] == expected_drafts(sessions)


def test_reimporting_the_export_changes_nothing(programme: list[Session]) -> None:
    with_ids = [s for s in programme if s.external_id]
    data = schedule_csv(with_ids, TOKYO).encode("utf-8")
    preview = preview_import(parse_schedule("x.csv", data, TOKYO), with_ids, TOKYO, now=NOW)
    assert not preview.has_errors
    assert preview.new == [] and preview.changed == [] and preview.removed == []
    assert {m.session.id for m in preview.unchanged} == {s.id for s in with_ids if not s.cancelled}
