"""What the text-safety layer and the formula-safe CSV writer cost, on the bot's own hot paths.

    python bench/text_safety.py [--repeat 5]

Prints, best of `--repeat` runs:
- `one_line` per call on a typical title, a title full of markdown and a right-to-left name;
- `body` per call on a 4000-character abstract (the longest a presenter can write), plain and
  one full of headings and masked links;
- the live room board's description for a crowded corridor (200 rooms, up to 11 names each),
  rendered as it is now and with the plain `escape(shorten(…))` it used before, for comparison;
- CSV: 50,000 attendance-like rows through `CsvOut` and through a bare `csv.writer`.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.csv_out import CsvOut  # noqa: E402
from bot.domain.text_safety import body, one_line  # noqa: E402
from bot.features.rooms.domain.board import BoardRoom, BoardTexts, RoomBoard, board_description  # noqa: E402

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
_OLD = re.compile(r"([\\*_~`|>\[\]()<@])")


def best(repeat: int, number: int, fn: Callable[[], object]) -> float:
    """Seconds per call, the best of `repeat` runs of `number` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - start) / number)
    return min(runs)


def crowded_board() -> RoomBoard:
    rooms = tuple(
        BoardRoom(
            channel_id=1000 + n,
            title=f"Topic {n}: 強化学習 and **LLM** evaluation_{n}",
            occupants=tuple(f"person_{n}_{k} 山田" for k in range(n % 12)),
        )
        for n in range(200)
    )
    return RoomBoard(rooms=rooms)


def old_board(board: RoomBoard) -> str:
    """The board as it was rendered before (escape(shorten(...)) only), for comparison."""
    import bot.features.rooms.domain.board as module

    saved = module.as_typed

    def as_before(text: str, limit: int) -> str:
        short = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
        return _OLD.sub(r"\\\1", short)

    module.as_typed = as_before
    try:
        return board_description(board, TEXTS, "")
    finally:
        module.as_typed = saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    r = args.repeat
    us = 1e6

    print("one_line (µs per call)")
    for label, text in (
        ("typical title", "Self-supervised pretraining for 日本語 LLMs"),
        ("markdown title", "**FREE NITRO** [Join](https://evil.example) # x " * 2),
        ("right-to-left name", "\u202eمرحبا بالعالم"),
    ):
        print(f"  {label:<20} {best(r, 20000, lambda t=text: one_line(t, 256)) * us:8.2f}")

    print("body, 4000 characters (µs per call)")
    plain = ("A paragraph about sparse attention with **bold** words. " * 72)[:4000]
    hostile = ("# Heading\n[Join the Zoom here](https://evil.example) `code` text\n" * 60)[:4000]
    for label, text in (("plain abstract", plain), ("hostile abstract", hostile)):
        print(f"  {label:<20} {best(r, 500, lambda t=text: body(t, 4096)) * us:8.1f}")

    board = crowded_board()
    now = best(r, 200, lambda: board_description(board, TEXTS, ""))
    before = best(r, 200, lambda: old_board(board))
    print("room board, 200 rooms (ms per render)")
    print(f"  {'now':<20} {now * 1e3:8.2f}")
    print(f"  {'before':<20} {before * 1e3:8.2f}")

    rows = [
        (n, f"name_{n}", 10_000 + n, "Graph learning", "session", 5, "2026-07-01T10:00:00+09:00",
         "2026-07-01T10:40:00+09:00", 2400)
        for n in range(50_000)
    ]  # fmt: skip

    def safe() -> None:
        CsvOut(io.StringIO(), [str(c) for c in range(9)]).rows(rows)

    def bare() -> None:
        csv.writer(io.StringIO(), lineterminator="\r\n").writerows(rows)

    print("CSV, 50,000 rows (ms)")
    print(f"  {'CsvOut':<20} {best(r, 1, safe) * 1e3:8.1f}")
    print(f"  {'bare csv.writer':<20} {best(r, 1, bare) * 1e3:8.1f}")


if __name__ == "__main__":
    main()
