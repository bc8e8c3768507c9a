"""The embeds of `/attendance me` and `/attendance session`, in the reader's language."""

from __future__ import annotations

from datetime import date

from bot.features.attendance.domain.stays import PlaceKind, SessionStats
from bot.features.attendance.render import DAYS_SHOWN, AttendanceRender, minutes
from bot.features.attendance.repo import PlaceTotal
from bot.features.attendance.service import PersonalRecord, SessionReport
from bot.i18n import Catalog
from tests.fakes.attendance import talk

RENDER = AttendanceRender(Catalog.load())


def test_minutes_round_and_a_short_stay_is_not_zero() -> None:
    assert [minutes(s) for s in (0, 1, 29, 30, 89, 90, 60 * 1234)] == [
        "0",
        "<1",
        "<1",
        "1",
        "1",
        "2",
        "1,234",
    ]


def test_a_personal_record_lists_places_days_and_the_total() -> None:
    empty = RENDER.personal(PersonalRecord([], [], 0), "en-US")
    assert (empty.title, empty.description) == (
        "Your attendance",
        "Nothing is recorded about you on this server yet.",
    )
    days = [(date(2026, 6, d), 60) for d in range(1, 21)]
    record = PersonalRecord(
        [PlaceTotal(PlaceKind.SESSION, 12, "Keynote\n@everyone", 0, 1800)], days, 1800
    )
    embed = RENDER.personal(record, "en-US")
    assert embed.description is not None
    assert embed.description.startswith("🎤 Keynote \\@everyone — 30 min\n\n"), "one safe line"
    per_day, total = embed.fields
    assert per_day.value is not None and per_day.value.count("\n") == DAYS_SHOWN - 1
    assert per_day.value.startswith("2026-06-07: 1 min"), "the last days shown"
    assert (total.name, total.value) == ("Total", "30 min")
    assert RENDER.personal(record, "ja").title != embed.title


def test_a_session_report_shows_attendees_peak_median_and_total() -> None:
    report = SessionReport(talk(), SessionStats(2, 2, 1000, 1200, 2400), [], b"", b"")
    embed = RENDER.session(report, "en-US", "attendance-session-12.png")
    assert embed.title is not None and "Keynote" in embed.title
    attendees, peak, median, total = (f.value for f in embed.fields)
    assert (attendees, median, total) == ("2", "20 min", "40 min")
    assert peak is not None and "<t:1000:t>" in peak, "when, as a Discord timestamp"
    assert embed.image.url == "attachment://attendance-session-12.png"
