"""The rehearsal runs a breakout on its day and checks it: everyone in the session's channel moved
out and back, no breakout room outliving its time; some attendees use the hallway."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_rehearse import rehearse


def test_the_rehearsal_runs_and_checks_a_breakout(tmp_path: Path) -> None:
    run = rehearse(tmp_path, "--speed", "200000", "--seed", "7")
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    start = lines.index(
        "Breakouts (from the bot's database; ✓: everyone in the session's channel was moved out"
        " or skipped, the breakout ended)"
    )
    (session,) = [line for line in lines[start + 1 :] if line.startswith("  session ")][:1]
    assert session.endswith("✓")
    present = int(session.split(": ")[1].split(" in the channel")[0])
    assert present > 0 and f"{present} moved out, {present} moved back" in session
    assert "  no breakout room outlived its time" in lines
    assert any(line.startswith("  hallway: ") for line in lines)
