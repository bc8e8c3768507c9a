"""The purpose keys the posters feature owns in guild_structure, built and read only here.

`poster:<session>:<board>:post` (a board's post), `poster:<session>:<board>:voice` (its voice
channel) and `posters:<session>:<part>` (the categories the boards' channels spill into).
Released keys are stored in databases: never change their form.
"""

from __future__ import annotations

from typing import NamedTuple

BOARD = "poster:"
CATEGORY = "posters:"
PREFIXES = (BOARD, CATEGORY)  # what the reconciler routes to the posters feature
POST, VOICE = "post", "voice"


class BoardKey(NamedTuple):
    session_id: int
    number: int
    what: str  # POST or VOICE


def board_key(session_id: int, number: int, what: str) -> str:
    return f"{BOARD}{session_id}:{number}:{what}"


def post_key(session_id: int, number: int) -> str:
    return board_key(session_id, number, POST)


def voice_key(session_id: int, number: int) -> str:
    return board_key(session_id, number, VOICE)


def category_key(session_id: int, part: int) -> str:
    return f"{CATEGORY}{session_id}:{part}"


def boards_of(session_id: int) -> str:
    """The prefix of every board key of a poster session."""
    return f"{BOARD}{session_id}:"


def categories_of(session_id: int) -> str:
    """The prefix of every category key of a poster session."""
    return f"{CATEGORY}{session_id}:"


def voice_pattern(session_id: int) -> str:
    """SQL LIKE: the session's board voice channels."""
    return f"{boards_of(session_id)}%:{VOICE}"


def category_pattern(session_id: int) -> str:
    """SQL LIKE: the session's categories."""
    return f"{categories_of(session_id)}%"


def parse_board(purpose: str) -> BoardKey | None:
    """`poster:<session>:<board>:<what>` -> its parts; None for any other purpose."""
    parts = purpose.split(":")
    if (
        len(parts) != 4
        or f"{parts[0]}:" != BOARD
        or not (parts[1].isdigit() and parts[2].isdigit())
    ):
        return None
    return BoardKey(int(parts[1]), int(parts[2]), parts[3])


def parse_category(purpose: str) -> tuple[int, int] | None:
    """`posters:<session>:<part>` -> (session, part); None for any other purpose."""
    parts = purpose.split(":")
    if (
        len(parts) != 3
        or f"{parts[0]}:" != CATEGORY
        or not (parts[1].isdigit() and parts[2].isdigit())
    ):
        return None
    return int(parts[1]), int(parts[2])


def _numbered(parts: list[str], prefix: str) -> bool:
    return f"{parts[0]}:" == prefix and parts[1].isdigit() and parts[2].isdigit()
