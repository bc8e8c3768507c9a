"""`workshop-bot check FILE` and `workshop-bot export schedule`: offline, run as operators do."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.domain.structure import ItemKind
from bot.features.sessions.check import check_schedule
from bot.features.sessions.check_report import render_report
from bot.features.sessions.domain.model import SessionDraft, SessionKind, SessionStatus
from bot.features.sessions.domain.schedule_import import parse_schedule
from bot.features.sessions.repo import SessionRepository
from bot.store.db import Database
from bot.store.structure_repo import StructureRepository

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "schedule.example.yaml"
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2027, 6, 1, tzinfo=UTC)


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    base["PYTHONPATH"] = str(REPO)
    base["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("workshop-bot: error: ")
    assert "Traceback" not in result.stdout + result.stderr
    return lines[0]


# --- check ---------------------------------------------------------------------------------


def test_check_accepts_the_example(tmp_path: Path) -> None:
    result = run_cli("check", str(EXAMPLE), cwd=tmp_path, env={})
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert result.stderr == ""
    assert "YAML, 40 sessions" in out
    for line in (
        "  title: MLエンジニアリング研究会 サマーキャンプ 2027 (the name of .ics calendars when "
        "the `title` setting is unset)",
        "  Day 1  2027-07-01 Thu   15 sessions  09:30–21:00",
        "  Day 2  2027-07-02 Fri   15 sessions  09:30–21:00",
        "  Day 3  2027-07-03 Sat   10 sessions  09:30–18:30",
        "  Day 1 · 7/1 (Thu)  [15/50: 1 stage, 13 voice, 1 forum]",
        "  Day 2 · 7/2 (Fri)  [15/50: 13 voice, 1 text, 1 forum]",
        "    09:30–10:30  text   keynote-scaling-laws-meet-budgets",
        "Conflicts: none",
        "Discord limits broken: none",
    ):
        assert line in out.splitlines(), line
    assert "3 categories + 40 session channels" in out
    assert "47 of Discord's 500 per server" in out
    assert "(whole programme, cap 95, Discord 100)" in out
    assert "within the cap" in out
    assert "Errors" not in out and "Warnings" not in out
    assert out.rstrip().endswith("OK: the schedule can be imported (0 errors, 0 warnings)")


def test_check_names_categories_in_the_workshop_locale(tmp_path: Path) -> None:
    env = {"WORKSHOP_LOCALE": "ja", "WORKSHOP_SESSIONS__EVENTS_CAP": "20"}
    result = run_cli("check", str(EXAMPLE), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout
    assert "  1日目 · 7/1 (木)  [15/50：ステージ 1、ボイス 13、フォーラム 1]" in result.stdout
    assert "設定の上限 20" in result.stdout
    assert "  最大で同時に 40 件（2027-07-01 09:30 JST から）：上限を超えます" in result.stdout
    assert (
        "  警告：最大 40 件のセッションが同時にスケジュールイベントを必要とし、設定の上限 20 を"
        "超えます。" in result.stdout
    )
    assert "（エラー 0 件、警告 1 件）" in result.stdout


BAD_CSV = """title,start,end,kind,track,notes
Opening,2027-07-01 09:00,10:00,keynote,,
Talk A,2027-07-01 09:30,10:30,talk,Vision,
Talk B,2027-07-01 11:00,11:30,talk,Vision,
{long},2027-07-01 12:00,12:30,talk,NLP,
Talk C,2027-07-01 11:15,11:45,talk,vision,
Fine,2027-07-01 13:00,13:30,talk,NLP,
"""


def test_check_reports_conflicts_and_bad_rows_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "programme.csv"
    path.write_text(BAD_CSV.format(long="T" * 101), encoding="utf-8")
    result = run_cli("check", str(path), cwd=tmp_path, env={})
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout.splitlines()
    assert "Conflicts: 2" in out
    assert (
        "  row 3: “Talk A” overlaps “Opening” (2027-07-01 09:00 JST – 10:00) in the same place. "
        "(clashes with row 2)" in out
    )
    assert any(line.startswith("  row 6: “Talk C” overlaps “Talk B”") for line in out)
    assert "  row 5: The title is 101 characters long; at most 100 are allowed." in out
    assert "  row 1: Column “notes” is not used and was ignored." in out
    # The sections add up to the closing count (issue 14: "Errors (1)" next to "2 errors").
    assert "Other errors (1)" in out and "Warnings (1)" in out
    assert (
        out[-1] == "FAILED: 3 errors (2 conflicts, 1 other), 1 warning; nothing would be imported"
    )
    assert "<t:" not in result.stdout  # Discord timestamps are rendered for the terminal


def test_check_reports_times_in_the_past(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(
        "sessions:\n  - {title: Long ago, start: 2020-01-01 10:00, duration: 30}\n",
        encoding="utf-8",
    )
    result = run_cli("check", str(path), cwd=tmp_path, env={})
    assert result.returncode == 1
    # The time as the file wrote it, and as it was understood (issue 14 item 4).
    assert (
        "  session 1: The start “2020-01-01 10:00” (read as 2020-01-01 10:00 JST) is in the past."
        in result.stdout
    )


def test_check_malformed_file_is_an_error_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("sessions: [\n", encoding="utf-8")
    result = run_cli("check", str(path), cwd=tmp_path, env={})
    assert result.returncode == 1
    assert "  file: The YAML file cannot be read" in result.stdout


def test_check_missing_or_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("check", "nope.yaml", cwd=tmp_path, env={})
    assert result.returncode == 2
    assert "cannot read nope.yaml" in one_error_line(result)
    result = run_cli("check", str(tmp_path), cwd=tmp_path, env={})
    assert result.returncode == 2
    one_error_line(result)


def test_check_spill_and_guild_channel_limit() -> None:
    rows = ["title,start,duration,track"]
    rows += [f"S{i},2027-07-0{1 + i // 200} 10:00,60,T{i % 200}" for i in range(520)]
    report = check_schedule(
        "big.csv", "\n".join(rows).encode(), TOKYO, "en", window_hours=48, cap=95, now=NOW
    )
    assert report.layout is not None
    assert [c.name for c in report.layout.days[0].categories] == [
        "Day 1 · 7/1 (Thu)",
        "Day 1 · 7/1 (Thu) (2)",
        "Day 1 · 7/1 (Thu) (3)",
        "Day 1 · 7/1 (Thu) (4)",
    ]
    assert report.guild_channels == 4 + 11 + 520
    assert not report.ok and report.errors == []
    text = render_report(report)
    assert "535 channels (the base structure's 4, 11 categories and 520 session channels)" in text
    assert "Day 1 · 7/1 (Thu) has 200 channels, more than Discord's 50 per category" in text
    assert "more than the cap of 95 and Discord's limit of 100" in text


def test_check_just_under_the_guild_limit_is_fine() -> None:
    # 9 days x 50 sessions = 450 channels + 9 categories + 4 base = 463
    rows = ["title,start,duration,track"]
    rows += [f"S{i},2027-07-{1 + i // 50:02d} 10:00,60,T{i % 50}" for i in range(450)]
    report = check_schedule(
        "ok.csv", "\n".join(rows).encode(), TOKYO, "en", window_hours=12, cap=95, now=NOW
    )
    assert report.ok, render_report(report)
    assert report.guild_channels == 463


def test_help_lists_check_and_export(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path, env={})
    assert "check" in result.stdout and "export" in result.stdout
    result = run_cli("export", "--help", cwd=tmp_path, env={})
    assert result.returncode == 0
    for option in ("--format", "--out", "--guild", "{csv,ics}"):
        assert option in result.stdout
    assert "{schedule,attendance,archive}" in result.stdout
    result = run_cli("check", "--help", cwd=tmp_path, env={})
    assert "SCHEDULE_FILE" in result.stdout


# --- export --------------------------------------------------------------------------------

GUILD = 111
OTHER_GUILD = 222
CREATED = datetime(2027, 6, 1, 0, 0, tzinfo=UTC)


def draft(title: str, start: str, minutes: int, **fields: object) -> SessionDraft:
    begin = datetime.fromisoformat(start).replace(tzinfo=TOKYO)
    return SessionDraft(title=title, start=begin, end=begin + timedelta(minutes=minutes), **fields)


PROGRAMME = [
    draft("Keynote 基調講演", "2027-07-01 09:30", 60, kind=SessionKind.KEYNOTE, external_id="kn"),
    draft("Vision, part 1", "2027-07-01 10:45", 40, track="Vision", external_id="v1"),
    draft("Made by hand", "2027-07-01 10:45", 40, track="NLP", description="Line one\nline two"),
    draft("Dropped", "2027-07-02 13:30", 60, track="MLOps", external_id="gone"),
]


async def fill(path: Path, guilds: dict[int, list[SessionDraft]]) -> dict[str, int]:
    """Sessions per guild; cancels `Dropped`, edits `Vision, part 1`; a live channel for the
    keynote. Returns title -> id."""
    db = Database(path)
    await db.open()
    await db.migrate()
    repo = SessionRepository(db)
    ids: dict[str, int] = {}
    try:
        for guild_id, drafts in guilds.items():
            async with db.transaction() as conn:
                for item in drafts:
                    ids[item.title] = await repo.add(conn, guild_id, item, CREATED, "import")
        async with db.transaction() as conn:
            if "Dropped" in ids:
                later = CREATED + timedelta(days=1)
                await repo.set_status(conn, ids["Dropped"], SessionStatus.CANCELLED, later)
            if "Vision, part 1" in ids:
                edited = PROGRAMME[1].with_changes(description="Now with slides")
                await repo.update(conn, ids["Vision, part 1"], edited, CREATED + timedelta(hours=1))
        if "Keynote 基調講演" in ids:
            structure = StructureRepository(db)
            purpose = f"session:{ids['Keynote 基調講演']}:channel"
            await structure.intend(GUILD, purpose, ItemKind.STAGE, None, CREATED)
            await structure.record(GUILD, purpose, 987654321, CREATED)
    finally:
        await db.close()
    return ids


@pytest.fixture
def database(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "data" / "workshop.db"
    ids = asyncio.run(fill(path, {GUILD: PROGRAMME}))
    return path, ids


def test_export_ics_offline_parses_back(
    tmp_path: Path, database: tuple[Path, dict[str, int]]
) -> None:
    path, ids = database
    result = run_cli(
        "export", "schedule", "--format", "ics", cwd=tmp_path, env={"WORKSHOP_DATABASE": str(path)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    calendar = Calendar.from_ical(result.stdout)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    hand = f"session-{ids['Made by hand']}@{GUILD}.workshop-bot"
    assert set(events) == {
        f"kn@{GUILD}.workshop-bot",
        f"v1@{GUILD}.workshop-bot",
        hand,
        f"gone@{GUILD}.workshop-bot",
    }
    keynote = events[f"kn@{GUILD}.workshop-bot"]
    assert str(keynote["SUMMARY"]) == "Keynote 基調講演"
    assert keynote.decoded("DTSTART") == datetime(2027, 7, 1, 0, 30, tzinfo=UTC)
    assert str(keynote["LOCATION"]) == f"https://discord.com/channels/{GUILD}/987654321"
    assert str(events[f"gone@{GUILD}.workshop-bot"]["STATUS"]) == "CANCELLED"
    assert str(events[hand]["STATUS"]) == "CONFIRMED"
    assert str(events[hand]["DESCRIPTION"]) == "Line one\nline two"
    assert int(events[f"v1@{GUILD}.workshop-bot"]["SEQUENCE"]) == 3600
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Tokyo"


def test_export_csv_to_stdout_and_file_reimports(
    tmp_path: Path, database: tuple[Path, dict[str, int]]
) -> None:
    path, ids = database
    env = {"WORKSHOP_DATABASE": str(path)}
    result = run_cli("export", "schedule", "--format", "csv", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (  # a BOM on standard output too, for Excel
        "\ufeffid,title,start,end,kind,track,description,location,speakers,status"
    )
    assert ",Keynote 基調講演,2027-07-01 09:30:00,2027-07-01 10:30:00,keynote," in result.stdout
    parsed = parse_schedule("x.csv", result.stdout.encode("utf-8"), TOKYO)
    assert not parsed.has_errors
    titles = [(d.external_id, d.title, d.start) for d in parsed.drafts]
    assert titles == [
        ("kn", "Keynote 基調講演", datetime(2027, 7, 1, 0, 30, tzinfo=UTC)),
        ("v1", "Vision, part 1", datetime(2027, 7, 1, 1, 45, tzinfo=UTC)),
        (f"session-{ids['Made by hand']}", "Made by hand", datetime(2027, 7, 1, 1, 45, tzinfo=UTC)),
    ]  # the cancelled session is left out
    assert parsed.drafts[1].description == "Now with slides"
    assert parsed.drafts[2].description == "Line one\nline two"

    out = tmp_path / "programme.csv"
    result = run_cli(
        "export", "schedule", "--format", "csv", "--out", str(out), cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{out}: 3 sessions of guild {GUILD} (1 cancelled left out)"
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, for spreadsheet apps
    again = parse_schedule(out.name, data, TOKYO)
    assert [d.draft_fields() for d in again.drafts] == [d.draft_fields() for d in parsed.drafts]


def test_export_database_option_title_and_locale(
    tmp_path: Path, database: tuple[Path, dict[str, int]]
) -> None:
    path, _ = database
    out = tmp_path / "programme.csv"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    by_option = subprocess.run(  # bytes as they are, line ends included
        [sys.executable, "-m", "bot", "export", "schedule", "--format", "csv", "--database",
         str(path)],
        cwd=tmp_path, env={**clean, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert by_option.returncode == 0, by_option.stderr
    written = run_cli(
        "export",
        "schedule",
        "--format",
        "csv",
        "--database",
        str(path),
        "--out",
        str(out),
        cwd=tmp_path,
        env={"WORKSHOP_DATABASE": str(tmp_path / "elsewhere.db")},  # --database wins
    )
    assert written.returncode == 0, written.stderr
    assert by_option.stdout == out.read_bytes(), "stdout is the file's bytes"

    ics = run_cli(
        "export",
        "schedule",
        "--format",
        "ics",
        "--database",
        str(path),
        cwd=tmp_path,
        env={"WORKSHOP_TITLE": "MLエンジニアリング研究会 サマーキャンプ 2027"},
    )
    calendar = Calendar.from_ical(ics.stdout)
    assert str(calendar["X-WR-CALNAME"]) == "MLエンジニアリング研究会 サマーキャンプ 2027"
    untitled = run_cli(
        "export", "schedule", "--format", "ics", "--database", str(path), cwd=tmp_path, env={}
    )
    assert str(Calendar.from_ical(untitled.stdout)["X-WR-CALNAME"]) == "Workshop programme"

    ja = {"WORKSHOP_LOCALE": "ja"}
    result = run_cli(
        "export", "schedule", "--format", "csv", "--database", str(path), "--out", str(out),
        cwd=tmp_path, env=ja,
    )  # fmt: skip
    assert result.stdout.strip() == (
        f"{out}：サーバー {GUILD} のセッション 3 件（中止になった 1 件は含めていません）"
    )
    missing = run_cli(
        "export", "schedule", "--format", "ics", "--database", str(tmp_path / "none.db"),
        cwd=tmp_path, env=ja,
    )  # fmt: skip
    assert missing.returncode == 2
    assert "データベース" in one_error_line(missing) and "--database FILE" in missing.stderr
    wrong = run_cli(
        "export", "schedule", "--format", "csv", "--per-person", "--database", str(path),
        cwd=tmp_path, env={},
    )  # fmt: skip
    assert wrong.returncode == 2
    assert "export attendance --format csv --per-person" in one_error_line(wrong)


def test_export_to_a_reader_that_stopped_reading_ends_quietly(
    tmp_path: Path, database: tuple[Path, dict[str, int]]
) -> None:
    """`workshop-bot export ... | head -1`: the reader is gone before the export writes."""
    path, _ = database
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "export", "schedule", "--format", "csv", "--database",
         str(path)],
        cwd=tmp_path, env={**clean, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # long before the interpreter has even imported the bot
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0
    assert stderr == b""


def test_export_unwritable_out_exits_2(
    tmp_path: Path, database: tuple[Path, dict[str, int]]
) -> None:
    path, _ = database
    env = {"WORKSHOP_DATABASE": str(path)}
    target = tmp_path / "no" / "such" / "dir.ics"
    result = run_cli(
        "export", "schedule", "--format", "ics", "--out", str(target), cwd=tmp_path, env=env
    )
    assert result.returncode == 2
    assert "cannot write" in one_error_line(result)


def test_export_guild_selection(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    asyncio.run(fill(path, {GUILD: PROGRAMME[:2], OTHER_GUILD: PROGRAMME[2:3]}))
    env = {"WORKSHOP_DATABASE": str(path)}

    several = run_cli("export", "schedule", "--format", "csv", cwd=tmp_path, env=env)
    assert several.returncode == 2
    line = one_error_line(several)
    assert f"({GUILD}, {OTHER_GUILD})" in line and "--guild" in line
    assert several.stdout == ""

    chosen = run_cli(
        "export", "schedule", "--format", "csv", "--guild", str(OTHER_GUILD), cwd=tmp_path, env=env
    )
    assert chosen.returncode == 0, chosen.stderr
    assert "Made by hand" in chosen.stdout and "Keynote" not in chosen.stdout

    by_env = run_cli(
        "export",
        "schedule",
        "--format",
        "csv",
        cwd=tmp_path,
        env={**env, "WORKSHOP_GUILD_ID": str(GUILD)},
    )
    assert by_env.returncode == 0, by_env.stderr
    assert "Keynote" in by_env.stdout and "Made by hand" not in by_env.stdout

    unknown = run_cli(
        "export", "schedule", "--format", "ics", "--guild", "333", cwd=tmp_path, env=env
    )
    assert unknown.returncode == 2
    line = one_error_line(unknown)
    assert "guild 333 (--guild) has no sessions" in line
    assert f"guilds with sessions: {GUILD}, {OTHER_GUILD}" in line


def test_export_without_sessions_or_database(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    asyncio.run(fill(empty, {}))
    result = run_cli(
        "export", "schedule", "--format", "ics", cwd=tmp_path, env={"WORKSHOP_DATABASE": str(empty)}
    )
    assert result.returncode == 2
    assert "holds no sessions yet" in one_error_line(result)

    missing = tmp_path / "missing.db"
    result = run_cli(
        "export",
        "schedule",
        "--format",
        "ics",
        cwd=tmp_path,
        env={"WORKSHOP_DATABASE": str(missing)},
    )
    assert result.returncode == 2
    assert "no database at" in one_error_line(result)
    assert not missing.exists()  # an export never creates a database


def test_export_needs_a_format(tmp_path: Path) -> None:
    result = run_cli("export", "schedule", cwd=tmp_path, env={})
    assert result.returncode == 2
    assert "--format" in result.stderr


def test_export_ics_is_named_after_the_imported_title(
    tmp_path: Path, database: tuple[Path, dict[str, int]]
) -> None:
    """The title setting, else the title the last import named, else a plain name."""
    from bot.features.sessions.workshop_repo import WorkshopRepository
    from bot.store.uow import UnitOfWork

    path, _ = database

    async def keep(title: str) -> None:
        db = Database(path)
        await db.open()
        try:
            async with UnitOfWork(db).transaction() as tx:
                await WorkshopRepository(db).set_title(tx, GUILD, title, CREATED)
        finally:
            await db.close()

    def name(env: dict[str, str]) -> str:
        result = run_cli(
            "export", "schedule", "--format", "ics", "--database", str(path), cwd=tmp_path, env=env
        )
        assert result.returncode == 0, result.stderr
        calendar = Calendar.from_ical(result.stdout)
        assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
        return str(calendar["X-WR-CALNAME"])

    assert name({}) == "Workshop programme"
    assert name({"WORKSHOP_LOCALE": "ja"}) == "ワークショップのプログラム"
    asyncio.run(keep("MLエンジニアリング研究会 サマーキャンプ 2027\u202e"))
    assert name({}) == "MLエンジニアリング研究会 サマーキャンプ 2027", "one plain line"
    assert name({"WORKSHOP_TITLE": "運営の決めた名前"}) == "運営の決めた名前"
