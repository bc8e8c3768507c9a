"""The live room board's text: names shortened, user text escaped, embed limits kept."""

from __future__ import annotations

from bot.features.rooms.domain.board import (
    DESCRIPTION_MAX,
    BoardRoom,
    BoardTexts,
    RoomBoard,
    board_description,
    escape,
    names_line,
)

TEXTS = BoardTexts(
    sessions_heading="Running now",
    rooms_heading="Topic rooms · {rooms} open · {people} inside",
    no_rooms="No rooms",
    inside="{count} inside",
    inside_limited="{count}/{limit} inside",
    empty_room="empty",
    more_names="+{count}",
    more_rooms="+{rooms} more rooms ({people} inside)",
    more_sessions="+{count} more sessions",
    poster_summary="{boards} boards, {people} people, presenters present: {presenters}",
)


def test_names_are_sorted_and_shortened_past_a_handful() -> None:
    names = ("eve", "Bob", "alice", "dan", "Carol", "frank", "gina")
    assert names_line(names, TEXTS) == "alice, Bob, Carol, dan, eve +2"


def test_markdown_and_mentions_are_shown_as_typed() -> None:
    assert escape("*x* @everyone <@&1>") == "\\*x\\* \\@everyone \\<\\@&1\\>"


def test_empty_board() -> None:
    assert board_description(RoomBoard(), TEXTS, "nothing") == "nothing"
    only_sessions = RoomBoard(running_sessions=(BoardRoom(channel_id=1, title="Talk"),))
    text = board_description(only_sessions, TEXTS, "nothing")
    assert "**Running now**" in text and "No rooms" in text


def test_text_channel_sessions_show_no_head_count() -> None:
    board = RoomBoard(running_sessions=(BoardRoom(channel_id=1, title="On Zoom", has_voice=False),))
    assert "<#1> On Zoom\n" in board_description(board, TEXTS, "")


def test_busiest_rooms_first_and_limit_shown() -> None:
    board = RoomBoard(
        rooms=(
            BoardRoom(channel_id=1, title="quiet"),
            BoardRoom(channel_id=2, title="busy", occupants=("a", "b"), user_limit=4),
        )
    )
    lines = board_description(board, TEXTS, "").splitlines()
    assert lines[0] == "**Topic rooms · 2 open · 2 inside**"
    assert lines[1] == "🔊 <#2> busy · 2/4 inside: a, b"
    assert lines[2] == "🔈 <#1> quiet · empty"


def test_a_huge_board_degrades_within_the_embed_limit() -> None:
    rooms = tuple(
        BoardRoom(
            channel_id=1000 + n,
            title=f"A rather long topic about subject number {n} " * 3,
            occupants=tuple(f"person-with-a-long-name-{n}-{k}" for k in range(n % 12)),
        )
        for n in range(200)
    )
    sessions = tuple(
        BoardRoom(channel_id=n, title=f"Session {n}", occupants=("x",) * 30) for n in range(10)
    )
    text = board_description(RoomBoard(running_sessions=sessions, rooms=rooms), TEXTS, "")
    assert len(text) <= DESCRIPTION_MAX
    assert "more rooms" in text.splitlines()[-1]
    assert "Session 9" in text
    assert "Topic rooms · 200 open" in text
