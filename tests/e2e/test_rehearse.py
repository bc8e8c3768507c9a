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
    tmp: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    clean.update({"PYTHONPATH": str(REPO), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "bot", "rehearse", str(ONE_DAY), "--attendees", "30", *args],
        cwd=tmp,
        env=clean,
        capture_output=True,
        text=True,
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
    assert "organizer: /poster setup “Poster session”" in out
    table = outcome(out)
    assert len(table) == 8, "seven sessions and the totals line"
    assert all(line.rstrip().endswith("✓") for line in table[:-1])
    keynote = table[0]
    assert keynote.startswith("  Opening keynote") and int(keynote.split()[2]) > 5
    assert "poster claims 20 (refused 0)" in table[-1] and "refused joins 0" in table[-1]
    assert "reminders 7;" in table[-1], "one per session; the attendance notice is not one"
    assert (tmp_path / "kept.db").is_file(), "--database keeps the rehearsal's database"

    again = rehearse(tmp_path, "--speed", "200000", "--seed", "7")
    assert again.returncode == 0, again.stdout + again.stderr
    assert outcome(again.stdout) == table, "the same seed gives the same outcome"
    other = rehearse(tmp_path, "--speed", "200000", "--seed", "8")
    assert outcome(other.stdout) != table


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
    bad = rehearse(tmp_path, "--until", "9")
    assert bad.returncode == 2 and "--until '9'" in bad.stderr
