"""The rehearsal's agendas: simulated attendees press Interested (some by DM, a few with DMs
closed); the summary counts reminders per mode and checks them against the simulation's truth."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_rehearse import rehearse, section


def test_agenda_reminders_match_the_simulation(tmp_path: Path) -> None:
    result = rehearse(tmp_path, "--speed", "200000", "--seed", "7")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = section(result.stdout, "Personal agendas", "Rehearsed ")
    pressed, sent, checked = (line.strip() for line in lines[1:4])
    assert "people keep an agenda of" in pressed and "× Interested" in pressed
    assert sent.startswith("reminders: ") and "by DM" in sent
    assert checked == ("checked against the simulation: 0 late, 0 twice, 0 missed, 0 not wanted ✓")
    again = rehearse(tmp_path, "--speed", "200000", "--seed", "7")
    assert section(again.stdout, "Personal agendas", "Rehearsed ") == lines, "same seed, same"
