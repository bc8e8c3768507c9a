"""`workshop-bot rehearse` as a person runs it: a one-day camp with 30 simulated attendees at a
high speed; the outcome table, the exit code, determinism for a seed, and the refusal to run
against anything but the local sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ONE_DAY = REPO / "tests" / "data" / "one_day.yaml"


def rehearse(
    tmp: Path, *args: str, env: dict[str, str] | None = None, schedule: str | None = str(ONE_DAY)
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    clean.update({"PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", **(env or {})})
    file = [schedule] if schedule is not None else []
    return subprocess.run(
        [sys.executable, "-m", "bot", "rehearse", *file, "--attendees", "30", *args],
        cwd=tmp,
        env=clean,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def outcome(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Attendance per session"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("  topic rooms opened"))
    return lines[start + 1 : end + 1]


def test_a_short_rehearsal_matches_its_truth_and_is_deterministic(tmp_path: Path) -> None:
    first = rehearse(tmp_path, "--speed", "200000", "--seed", "7", "--database", "kept.db")
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    assert "OK: every report matches what happened" in out
    assert "Rejected by Discord (the sandbox): none" in out
    assert "▶ open   Opening keynote" in out and "■ closed Welcome party" in out
    assert "organizer: `/poster setup` “Poster session”" in out
    table = outcome(out)
    assert len(table) == 8, "seven sessions and the totals line"
    assert all(line.rstrip().endswith("✓") for line in table[:-1])
    keynote = table[0]
    assert keynote.startswith("  Opening keynote") and int(keynote.split()[2]) > 5
    assert "poster claims 20 (refused 0)" in table[-1] and "refused joins 0" in table[-1]
    assert "reminders 7;" in table[-1], "one per session; the attendance notice is not one"
    assert (tmp_path / "kept.db").is_file(), "--database keeps the rehearsal's database"
    assert "voice will NOT be supported" not in out + first.stderr
    # It ends with feedback from the attendees and the wrap-up: the archive on disk, checked.
    lines = out.splitlines()
    start = lines.index("Feedback and the wrap-up")
    finale = lines[start + 1 : start + 6]
    assert " ratings given in " in finale[0] and "(refused 0)" in finale[0]
    assert finale[1].startswith("  `/workshop wrap-up`: the archive written to ")
    assert [line.split(":")[0].strip() for line in finale[2:]] == [
        "programme.csv",
        "attendance.csv",
        "feedback.csv",
    ]
    assert all(line.endswith("✓") for line in finale[2:])
    assert (tmp_path / "kept-archive.zip").is_file()

    # What people saw, as plain text: a reminder, the room board, a poster's post.
    saw = section(out, "What people saw (as plain text)", "Channel layout")
    assert "A reminder, as posted in the announcements channel (Day 1 09:20):" in saw
    assert "    ⏰ Opening keynote (keynote) starts in 10 min, 09:30 — #Opening keynote" in saw
    assert "The live room board at the end (Day 1 21:00):" in saw
    assert "    No session is running and no topic room is open right now." in saw
    assert "    [➕ Open a room] [🚶 Join a conversation]" in saw
    assert "A poster's post (the first board of the first poster session):" in saw
    assert any(line.startswith("    Presenter: @") for line in saw)
    assert not any("<#" in line or "<t:" in line or "<@" in line for line in saw)
    assert not any("#deleted-channel" in line for line in saw), "named as they were then"
    # REST requests by route, and what they mean for Discord's limits.
    rest = section(out, "REST requests: ", "Rejected by Discord")
    assert any("POST /guilds/{guild_id}/channels  (create a channel)" in line for line in rest)
    meaning = next(line for line in rest if line.startswith("  What this means:"))
    assert "Discord's limit of 50 a second for a bot" in meaning
    assert any(line.startswith("  The busiest single kind was “") for line in rest)
    assert any("of the server's 500 channels and" in line for line in rest)

    again = rehearse(tmp_path, "--speed", "200000", "--seed", "7")
    assert again.returncode == 0, again.stdout + again.stderr
    assert outcome(again.stdout) == table, "the same seed gives the same outcome"
    other = rehearse(tmp_path, "--speed", "200000", "--seed", "8")
    assert outcome(other.stdout) != table


def section(stdout: str, first: str, stop: str) -> list[str]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(stop))
    return lines[start:end]


def test_in_japanese_the_summary_is_japanese_and_reminders_are_counted(tmp_path: Path) -> None:
    """`locale = "ja"` names #announcements お知らせ: the reminders are found by the purpose the
    bot recorded, and every line of the rehearsal's own account is Japanese."""
    result = rehearse(
        tmp_path, "--speed", "200000", "--seed", "7", "--posters", "3",
        env={"WORKSHOP_LOCALE": "ja"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "1日目 09:30  ▶ 開始   Opening keynote" in out
    assert "1日目 09:20  ⏰ リマインダーを 1 件投稿" in out
    assert "お知らせチャンネルに投稿されたリマインダー（1日目 09:20）：" in out
    assert "参加者に見えたもの（プレーンテキスト）" in out and "チャンネル構成" in out
    assert "  つまり：ボットはキャンプ全体で Discord に" in out
    assert "Discord（サンドボックス）に拒否されたもの：なし" in out
    totals = next(line for line in out.splitlines() if line.startswith("  トピックルームの開設"))
    assert "リマインダー 7／" in totals
    assert out.rstrip().endswith("OK：すべての集計が実際の出来事と一致しました")


def test_the_example_camp_is_rehearsed_from_any_folder(tmp_path: Path) -> None:
    """No SCHEDULE: the example camp that ships with the bot; its old path works anywhere."""
    for schedule in (None, "config/schedule.example.yaml"):
        result = rehearse(
            tmp_path, "--speed", "1000000", "--until", "1/09:00", "--posters", "2",
            schedule=schedule,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Rehearsing schedule.example.yaml: 40 sessions" in result.stdout
    missing = rehearse(tmp_path, schedule="nope.yaml")
    assert missing.returncode == 2 and missing.stdout == ""
    assert "nope.yaml: no such schedule file" in missing.stderr


def test_until_stops_early(tmp_path: Path) -> None:
    result = rehearse(tmp_path, "--speed", "200000", "--until", "1/12:00", "--posters", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    table = outcome(result.stdout)
    titles = [line.split("  ")[1] for line in table[:-1]]
    assert titles[0].startswith("Opening keynote") and len(table) == 4  # 3 sessions began by noon
    assert "Rehearsed Day 1 12:00" in result.stdout


def test_refuses_to_talk_to_anything_but_the_local_sandbox(tmp_path: Path) -> None:
    result = rehearse(tmp_path, env={"DISCORD_API_BASE": "https://discord.com/api/v10"})
    assert result.returncode == 2
    assert "DISCORD_API_BASE points to https://discord.com/api/v10" in result.stderr
    for value, expected in (
        ("9", "--until '9': use DAY or DAY/HH:MM with DAY from 1 to 1"),  # the file has one day
        ("1/25:00", "--until '1/25:00': use DAY or DAY/HH:MM (e.g. 2 or 2/12:00)"),
        ("noon", "--until 'noon': use DAY or DAY/HH:MM (e.g. 2 or 2/12:00)"),
    ):
        bad = rehearse(tmp_path, "--until", value)
        assert bad.returncode == 2, bad.stdout + bad.stderr
        assert bad.stdout == "", "checked before anything runs"
        assert bad.stderr.strip() == f"workshop-bot: error: {expected}"


def test_a_database_that_cannot_be_used_is_one_line_in_the_workshop_locale(
    tmp_path: Path,
) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database\n", encoding="utf-8")
    for locale, expected in (
        ("en", f"{notes} cannot be the rehearsal's database: file is not a database"),
        ("ja", f"{notes} はリハーサルのデータベースとして使えません：file is not a database"),
    ):
        result = rehearse(tmp_path, "--database", str(notes), env={"WORKSHOP_LOCALE": locale})
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert result.stderr.strip() == f"workshop-bot: error: {expected}"
    assert notes.read_text(encoding="utf-8") == "not a database\n"
