"""Poster sessions: numbered boards that presenters claim, and the rules around them.

A poster session is a session of kind `poster`. Its boards are numbered 1..N; a board is free or
claimed by one presenter with a title (and an abstract, and later a file). Claims close when the
session starts, except for organizers assigning a board on someone's behalf.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import Conflict, DomainError, InvalidInput, LimitReached, NotFound
from bot.domain.limits import BOARDS_MAX, BOARDS_MIN, CHANNEL_NAME_MAX
from bot.domain.text_safety import plain_line

TITLE_MAX = 90  # the forum post is titled "#123 " + title, within Discord's 100
ABSTRACT_MAX = 4000  # an embed description holds 4096
VOICE_TITLE_MAX = 40


class PosterBoard(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: int
    guild_id: int
    session_id: int
    number: int
    presenter_id: int | None = None
    title: str | None = None
    abstract: str | None = None
    claimed_at: datetime | None = None
    file_name: str | None = None
    file_message_id: int | None = None

    @property
    def claimed(self) -> bool:
        return self.presenter_id is not None


class BoardTaken(DomainError):
    """Someone else claimed the board first (or it never was free)."""

    key = "errors.poster_board_taken"


class NoFreeBoard(DomainError):
    key = "errors.poster_no_free_board"


class ClaimsClosed(DomainError):
    key = "errors.poster_claims_closed"


def check_board_count(count: int) -> int:
    if not BOARDS_MIN <= count <= BOARDS_MAX:
        raise InvalidInput(
            "errors.poster_boards_range", min=BOARDS_MIN, max=BOARDS_MAX, value=count
        )
    return count


def clean_title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise InvalidInput("errors.title_empty")
    if len(title) > TITLE_MAX:
        raise InvalidInput("errors.title_too_long", length=len(title), max=TITLE_MAX)
    return title


def clean_abstract(text: str | None) -> str | None:
    if text is None:
        return None
    abstract = text.strip()
    if not abstract:
        return None
    if len(abstract) > ABSTRACT_MAX:
        raise InvalidInput(
            "errors.text_too_long", field="abstract", length=len(abstract), max=ABSTRACT_MAX
        )
    return abstract


@dataclass(frozen=True)
class Resize:
    """What changing a poster session's board count to `count` means."""

    add: tuple[int, ...]
    remove: tuple[int, ...]


def plan_resize(boards: Sequence[PosterBoard], count: int) -> Resize:
    """Add the missing numbers up to `count`; remove the free ones above it. A claimed board
    above `count` refuses the change (release it first)."""
    check_board_count(count)
    numbers = {b.number for b in boards}
    blocked = sorted(b.number for b in boards if b.number > count and b.claimed)
    if blocked:
        raise Conflict("errors.poster_shrink_claimed", boards=", ".join(map(str, blocked)))
    add = tuple(n for n in range(1, count + 1) if n not in numbers)
    remove = tuple(sorted(b.number for b in boards if b.number > count))
    return Resize(add=add, remove=remove)


def free_numbers(boards: Iterable[PosterBoard]) -> list[int]:
    return sorted(b.number for b in boards if not b.claimed)


def next_free(boards: Iterable[PosterBoard], after: int = 0) -> int | None:
    """The lowest free board (above `after` first, else any)."""
    free = free_numbers(boards)
    later = [n for n in free if n > after]
    candidates = later or free
    return candidates[0] if candidates else None


def check_board_exists(boards: Sequence[PosterBoard], number: int) -> None:
    if not any(b.number == number for b in boards):
        raise NotFound("errors.poster_board_missing", board=number, count=len(boards))


def check_claims_open(start: datetime, now: datetime, *, organizer: bool) -> None:
    if now >= start and not organizer:
        raise ClaimsClosed(start=int(start.timestamp()))


def check_presenter_limit(owned: int, limit: int) -> None:
    if owned >= limit:
        raise LimitReached("errors.poster_per_presenter", max=limit)


def post_title(board: PosterBoard) -> str:
    """The name of the board's post (a thread: plain text, one line)."""
    return plain_line(f"#{board.number} {board.title or ''}", 100)


def voice_name(board: PosterBoard) -> str:
    """ "12 · Short title": the board's number first, so the channels sort by it."""
    title = plain_line(board.title or "", VOICE_TITLE_MAX)
    return f"{board.number:03d} · {title}"[:CHANNEL_NAME_MAX].strip()


def compact_ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 7, 9, 10] -> "1–3, 7, 9–10"."""
    parts: list[str] = []
    run: list[int] = []
    for n in sorted(numbers):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
        run = [n]
    if run:
        parts.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
    return ", ".join(parts)
