"""Poster board rules: allocation, next free, per-presenter limits, board count changes, files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.errors import Conflict, InvalidInput, LimitReached, NotFound
from bot.features.posters.domain.boards import (
    ClaimsClosed,
    PosterBoard,
    check_board_count,
    check_board_exists,
    check_claims_open,
    check_presenter_limit,
    clean_abstract,
    clean_title,
    compact_ranges,
    free_numbers,
    next_free,
    plan_resize,
    post_title,
    voice_name,
)
from bot.features.posters.domain.files import check_poster_file

START = datetime(2026, 7, 1, 5, tzinfo=UTC)


def boards(count: int, claimed: dict[int, int] | None = None) -> list[PosterBoard]:
    claimed = claimed or {}
    return [
        PosterBoard(
            id=n,
            guild_id=1,
            session_id=9,
            number=n,
            presenter_id=claimed.get(n),
            title=f"Poster {n}" if n in claimed else None,
        )
        for n in range(1, count + 1)
    ]


def test_next_free_prefers_the_boards_after_the_one_asked_for() -> None:
    taken = boards(6, {1: 10, 2: 11, 4: 12})
    assert free_numbers(taken) == [3, 5, 6]
    assert next_free(taken) == 3
    assert next_free(taken, after=4) == 5
    assert next_free(taken, after=6) == 3, "wraps to the lowest free"
    assert next_free(boards(2, {1: 1, 2: 2})) is None


def test_resize_adds_and_removes_only_free_boards() -> None:
    current = boards(5, {2: 7})
    grow = plan_resize(current, 8)
    assert grow.add == (6, 7, 8) and grow.remove == ()
    shrink = plan_resize(current, 3)
    assert shrink.add == () and shrink.remove == (4, 5)
    with pytest.raises(Conflict) as refused:
        plan_resize(boards(5, {4: 7, 5: 8}), 3)
    assert refused.value.params["boards"] == "4, 5"
    assert plan_resize([], 3).add == (1, 2, 3)


@pytest.mark.parametrize("count", [0, 201])
def test_board_count_range(count: int) -> None:
    with pytest.raises(InvalidInput):
        check_board_count(count)


def test_claims_close_at_the_start_except_for_organizers() -> None:
    check_claims_open(START, START - timedelta(seconds=1), organizer=False)
    with pytest.raises(ClaimsClosed):
        check_claims_open(START, START, organizer=False)
    check_claims_open(START, START + timedelta(hours=1), organizer=True)


def test_per_presenter_limit_and_existing_boards() -> None:
    check_presenter_limit(0, 1)
    with pytest.raises(LimitReached):
        check_presenter_limit(1, 1)
    check_presenter_limit(1, 2)
    with pytest.raises(NotFound):
        check_board_exists(boards(3), 4)


def test_titles_abstracts_and_names() -> None:
    assert clean_title("  Graph   nets ") == "Graph nets"
    with pytest.raises(InvalidInput):
        clean_title("x" * 91)
    assert clean_abstract("   ") is None
    with pytest.raises(InvalidInput):
        clean_abstract("y" * 4001)
    board = PosterBoard(id=1, guild_id=1, session_id=1, number=7, presenter_id=3, title="A" * 90)
    assert post_title(board) == "#7 " + "A" * 90
    assert voice_name(board).startswith("007 · AAAA") and len(voice_name(board)) <= 100


def test_files_pdf_or_image_within_the_limit() -> None:
    check_poster_file("poster.pdf", "application/pdf", 1000, 10_000)
    check_poster_file("poster.png", "image/png; charset=binary", 1000, 10_000)
    with pytest.raises(InvalidInput):
        check_poster_file("notes.txt", "text/plain", 10, 10_000)
    with pytest.raises(InvalidInput):
        check_poster_file("poster.pdf", "application/pdf", 10_001, 10_000)


def test_compact_ranges() -> None:
    assert compact_ranges([1, 2, 3, 7, 9, 10]) == "1–3, 7, 9–10"
    assert compact_ranges([]) == ""
