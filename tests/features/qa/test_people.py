"""Pure rules of a session's people: matching names to members, who may chair."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import InvalidInput
from bot.features.sessions.domain import may_chair
from bot.features.sessions.domain.model import make_draft
from bot.features.sessions.domain.people import Person, match, match_all, names_of

ADA = Person(111111111111111111, "ada", "Ada Lovelace", "Countess")
GRACE = Person(222222222222222222, "grace", "Grace", "Amazing Grace")
TWIN = Person(333333333333333333, "grace2", "Amazing Grace", None)
PEOPLE = (ADA, GRACE, TWIN)


def test_names_are_matched_exactly_by_username_id_display_name_or_nick() -> None:
    assert match("ada", PEOPLE) == ADA.id
    assert match("@ADA", PEOPLE) == ADA.id  # usernames are lowercase on Discord
    assert match("Ada Lovelace", PEOPLE) == ADA.id
    assert match("ada lovelace", PEOPLE) is None  # display names are exact
    assert match(f"<@{ADA.id}>", PEOPLE) == ADA.id
    assert match(str(GRACE.id), PEOPLE) == GRACE.id
    assert match("Countess", PEOPLE) == ADA.id
    assert match("Grace", PEOPLE) == GRACE.id, "a username first"
    assert match("Amazing Grace", PEOPLE) is None, "two members share it: nobody"
    assert match("444444444444444444", PEOPLE) is None, "an id of no member"


def test_match_all_keeps_order_and_lists_the_rest() -> None:
    names = names_of("ada, Nobody,  ada , grace")
    assert names == ["ada", "Nobody", "grace"]
    assert match_all(names, PEOPLE) == ([ADA.id, GRACE.id], ["Nobody"])


def test_may_chair_is_organizers_or_the_chair() -> None:
    start = datetime(2026, 7, 2, 1, tzinfo=UTC)
    draft = make_draft(title="T", start=start, end=start + timedelta(hours=1), chair_id=5)
    assert may_chair(draft, 5, False)
    assert not may_chair(draft, 6, False)
    assert may_chair(draft, 6, True)
    nobody = draft.with_changes(chair_id=None)
    assert not may_chair(nobody, 5, False)


def test_speaker_ids_are_deduplicated_and_bounded() -> None:
    start = datetime(2026, 7, 2, 1, tzinfo=UTC)
    end = start + timedelta(hours=1)
    draft = make_draft(title="T", start=start, end=end, speaker_ids=[3, 3, 4])
    assert draft.speaker_ids == (3, 4)
    assert draft.with_changes(chair_id=4).people == (4, 3)
    with pytest.raises(InvalidInput) as refused:
        draft.with_changes(speaker_ids=list(range(1, 30)))
    assert refused.value.key == "qa.too_many_speakers"
