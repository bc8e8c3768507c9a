from __future__ import annotations

from datetime import date

from bot.features.sessions.domain import Session, SessionKind, SessionStatus
from bot.features.sessions.domain.schedule_import import (
    ImportRow,
    diff_import,
    parse_schedule,
    preview_import,
)
from tests.fakes.factories import TOKYO, at, draft, session

FIRST = """title,start,duration,kind,track,id
Keynote,2026-07-01 09:00,60,keynote,,k1
Talk A,2026-07-01 10:00,60,talk,A,a1
Talk B,2026-07-01 10:00,60,talk,B,b1
Dinner,2026-07-02 18:00,120,social,,s1
"""

# Talk A moved, Talk B unchanged, Dinner dropped, a new poster session, Keynote renamed.
SECOND = """title,start,duration,kind,track,id
Opening keynote,2026-07-01 09:00,60,keynote,,k1
Talk A,2026-07-01 10:30,60,talk,A,a1
Talk B,2026-07-01 10:00,60,talk,B,b1
Posters,2026-07-02 13:00,90,poster,Hall,p1
"""


def stored_from(text: str) -> list[Session]:
    result = parse_schedule("s.csv", text.encode(), TOKYO)
    return [session(**d.draft_fields(), id=i) for i, d in enumerate(result.drafts, start=1)]


def test_first_import_is_all_new_with_counts_per_day() -> None:
    result = parse_schedule("s.csv", FIRST.encode(), TOKYO)
    preview = preview_import(result, [], TOKYO)
    assert preview.counts == {
        "new": 4,
        "changed": 0,
        "unchanged": 0,
        "removed": 0,
        "errors": 0,
        "warnings": 0,
    }
    assert preview.per_day == {date(2026, 7, 1): 3, date(2026, 7, 2): 1}
    assert not preview.has_errors


def test_reimport_of_the_same_file_changes_nothing() -> None:
    existing = stored_from(FIRST)
    preview = diff_import(parse_schedule("s.csv", FIRST.encode(), TOKYO).rows, existing, TOKYO)
    assert preview.counts["unchanged"] == 4
    assert (preview.new, preview.changed, preview.removed) == ([], [], [])


def test_reimport_of_a_changed_file() -> None:
    existing = stored_from(FIRST)
    result = parse_schedule("s.csv", SECOND.encode(), TOKYO)
    preview = diff_import(result.rows, existing, TOKYO)
    assert [r.draft.title for r in preview.new] == ["Posters"]
    assert [(c.before.id, c.fields) for c in preview.changed] == [
        (1, ("title",)),
        (2, ("start", "end")),
    ]
    assert [m.session.id for m in preview.unchanged] == [3]
    assert [s.title for s in preview.removed] == ["Dinner"]
    assert preview.per_day == {date(2026, 7, 1): 3, date(2026, 7, 2): 1}
    assert preview.problems == []


def test_without_ids_rows_match_by_title_and_start() -> None:
    existing = [session("Talk A", at(10), 60, id=1), session("Other", at(14), 30, id=2)]
    rows = [draft(" talk  a ", at(10), 90), draft("Other", at(15), 30)]
    preview = diff_import(rows, existing, TOKYO)
    assert [(c.before.id, c.fields) for c in preview.changed] == [(1, ("title", "end"))]
    assert [r.draft.title for r in preview.new] == ["Other"]  # moved without id: a new session
    assert [s.id for s in preview.removed] == [2]


def test_a_different_external_id_does_not_match_by_title() -> None:
    existing = [session("Talk", at(10), 60, id=1, external_id="x1")]
    preview = diff_import([draft("Talk", at(10), 60, external_id="y1")], existing, TOKYO)
    assert len(preview.new) == 1 and preview.removed == existing


def test_cancelled_sessions_come_back_as_changed_and_are_never_removed() -> None:
    gone = session("Talk", at(10), 60, id=1, external_id="t", status=SessionStatus.CANCELLED)
    other = session("Old", at(12), 60, id=2, status=SessionStatus.CANCELLED)
    preview = diff_import([draft("Talk", at(10), 60, external_id="t")], [gone, other], TOKYO)
    assert [(c.before.id, c.fields) for c in preview.changed] == [(1, ("status",))]
    assert preview.removed == []


def test_duplicate_rows_are_problems() -> None:
    rows = [
        ImportRow("row 2", draft("A", at(10), external_id="same")),
        ImportRow("row 3", draft("B", at(11), external_id="same")),
        ImportRow("row 4", draft("C", at(12))),
        ImportRow("row 5", draft("c", at(12))),
    ]
    preview = diff_import(rows, [], TOKYO)
    assert [(p.where, p.key, p.params) for p in preview.problems] == [
        ("row 3", "import.duplicate_row", {"first": "row 2"}),
        ("row 5", "import.duplicate_row", {"first": "row 4"}),
    ]
    assert len(preview.new) == 2


def test_conflicts_within_the_file() -> None:
    text = """title,start,duration,kind,track
Keynote,2026-07-01 09:00,60,keynote,
Parallel A,2026-07-01 09:30,60,talk,A
Talk B1,2026-07-01 11:00,60,talk,B
Talk B2,2026-07-01 11:30,60,talk,b
Talk B3,2026-07-01 12:30,60,talk,B
"""
    preview = preview_import(parse_schedule("s.csv", text.encode(), TOKYO), [], TOKYO)
    found = [(p.where, p.key, p.params["other_where"]) for p in preview.problems]
    assert found == [
        ("row 3", "errors.session_conflict", "row 2"),
        ("row 5", "errors.session_conflict", "row 4"),
    ]
    assert preview.has_errors


def test_conflicts_against_kept_sessions_when_not_removing() -> None:
    hand_made = session("Poster session", at(13), 60, SessionKind.POSTER, id=9, track="Hall")
    rows = [ImportRow("row 2", draft("Hall talk", at(13, 30), 30, track="Hall"))]
    kept = diff_import(rows, [hand_made], TOKYO, remove_unlisted=False)
    assert kept.removed == []
    assert [(p.where, p.key, p.params["other_id"]) for p in kept.problems] == [
        ("row 2", "errors.session_conflict", 9)
    ]
    replaced = diff_import(rows, [hand_made], TOKYO, remove_unlisted=True)
    assert replaced.removed == [hand_made] and replaced.problems == []


def test_past_sessions_are_problems_when_now_is_given() -> None:
    running = session("Running", at(10), 60, id=1, external_id="r")
    rows = [
        ImportRow("row 2", draft("Running", at(10, 15), 60, external_id="r")),  # moves its start
        ImportRow("row 3", draft("Too late", at(9), 30)),
        ImportRow("row 4", draft("Later", at(15), 30)),
    ]
    preview = diff_import(rows, [running], TOKYO, now=at(10, 30))
    assert [(p.where, p.key) for p in preview.problems] == [
        ("row 2", "errors.session_started_keep_start"),
        ("row 3", "errors.time_in_past"),
    ]


def test_per_day_counts_use_the_workshop_zone() -> None:
    # 23:30 UTC on 6/30 is 7/1 in Tokyo.
    preview = diff_import([draft("Early", at(8, 30))], [], TOKYO)
    assert preview.per_day == {date(2026, 7, 1): 1}


def test_an_exported_session_without_external_id_matches_itself_by_session_ref() -> None:
    """An export names a hand-made session `session-<id>`; re-importing it changes nothing,
    and a changed title is an update of that session, not a new one."""
    from datetime import UTC, datetime

    from bot.features.sessions.domain.model import Session, SessionDraft

    start = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
    stored = Session(
        id=12,
        guild_id=1,
        title="Hand made",
        kind="talk",
        start=start,
        end=start.replace(hour=2),
        created_at=start,
        updated_at=start,
    )
    same = SessionDraft(
        title="Hand made",
        kind="talk",
        start=start,
        end=start.replace(hour=2),
        external_id="session-12",
    )
    preview = diff_import([same], [stored])
    assert (len(preview.unchanged), len(preview.new), len(preview.changed)) == (1, 0, 0)
    renamed = same.with_changes(title="Renamed")
    preview = diff_import([renamed], [stored])
    assert len(preview.changed) == 1 and preview.changed[0].fields == ("title",)
    assert preview.changed[0].row.draft.external_id is None


def test_a_file_that_names_no_chair_keeps_the_one_set_by_hand() -> None:
    existing = stored_from(FIRST)
    existing[1] = existing[1].model_copy(update={"chair_id": 7, "speaker_ids": (8, 9)})
    preview = diff_import(parse_schedule("s.csv", FIRST.encode(), TOKYO).rows, existing, TOKYO)
    assert preview.counts["unchanged"] == 4, "no chair column: the chair set by hand stays"

    named = FIRST.replace(
        "title,start,duration,kind,track,id", "title,start,duration,kind,track,id,chair"
    )
    named = named.replace(
        "Talk A,2026-07-01 10:00,60,talk,A,a1", "Talk A,2026-07-01 10:00,60,talk,A,a1,ada"
    )
    named = "\n".join(
        line if "ada" in line or line.startswith("title") else line + ","
        for line in named.splitlines()
    )
    preview = diff_import(parse_schedule("s.csv", named.encode(), TOKYO).rows, existing, TOKYO)
    assert [(c.before.id, c.fields) for c in preview.changed] == [(2, ("chair_id",))], (
        "a file that names a chair decides (here: nobody matched, so no member)"
    )
