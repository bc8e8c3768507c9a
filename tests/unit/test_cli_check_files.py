"""`workshop-bot check` on the files organizers really have, and on hostile ones: it says how it
read the file, and never prints a traceback (exit 1 with the report)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from tests.features.sessions.test_schedule_hostile import BILLION_LAUGHS
from tests.unit.test_cli_schedule import run_cli

MB = 1024 * 1024
EXCEL_CSV = (
    "タイトル,開始,時間（分）,トラック,登壇者,備考\r\n"
    "開会,2027/7/1 9:00,１５,,山田太郎,\r\n"
    "招待講演,2027年7月1日 9:30,1時間,,髙橋一郎、佐藤花子,要確認\r\n"
)


def test_check_reads_an_excel_csv_and_says_how(tmp_path: Path) -> None:
    path = tmp_path / "プログラム.csv"
    path.write_bytes(EXCEL_CSV.encode("cp932"))
    result = run_cli("check", str(path), cwd=tmp_path, env={})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "CSV, 2 sessions" in lines[0]
    assert lines[1] == "  read as Shift_JIS (cp932, Excel's Japanese CSV), comma-separated"
    assert lines[2] == (
        "  columns: タイトル → title, 開始 → start, 時間（分） → duration, トラック → track, "
        "登壇者 → speakers, 備考 → not used"
    )
    assert "  row 1: Column “備考” is not used and was ignored." in lines
    assert lines[-1] == "OK: the schedule can be imported (0 errors, 1 warning)"


def test_check_of_unicode_text_tsv(tmp_path: Path) -> None:
    path = tmp_path / "programme.txt"
    text = EXCEL_CSV.replace(",", "\t")
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = run_cli("check", str(path), cwd=tmp_path, env={})
    assert result.returncode == 0, result.stdout
    assert "  read as UTF-16 LE with BOM (Excel “Unicode text”), tab-separated" in result.stdout


def _frab(duration: object) -> str:
    event = {"title": "T", "start": "10:00", "duration": duration}
    days = [{"index": 1, "date": "2027-07-01", "rooms": {"A": [event]}}]
    return json.dumps({"schedule": {"conference": {"days": days}}})


HOSTILE: list[tuple[str, bytes, str]] = [
    ("laughs.yaml", BILLION_LAUGHS.encode(), "  file: The YAML file holds more than 60000 values"),
    ("deep.json", b"[" * MB, "  file: The JSON file is nested more than 32 levels deep (line 1)"),
    ("deep.yaml", b"sessions: " + b"[" * (MB - 20), "  file: The YAML file cannot be read"),
    (
        "tiny.yaml",
        b"sessions:\n" + b"- {t: a}\n" * ((MB - 10) // 9),
        "  file: The YAML file holds more than 60000 values by line 20001",
    ),
    ("tiny.csv", b"title,start,duration\n" + b"a\n" * ((MB - 30) // 2), "  file: The file has "),
    (
        "digits.json",
        _frab("9" * 5000).encode(),
        "  day 1 / room A / slot 10:00: I could not read the duration “99999999999999999999…”",
    ),
    (
        "y9999.csv",
        b"title,start,duration\nX,9999-12-31 23:00,120\n",
        "  row 2: The year 9999 in “9999-12-31 23:00” is out of range",
    ),
    ("nul.csv", b"title,start\x00,duration\n", "  file: I cannot read this file as text"),
    ("random.bin", bytes(range(256)) * 64, "  file: I cannot read this file as text"),
    ("empty.csv", b"", "  file: The CSV file cannot be read: no header row"),
    ("tags.yaml", b"sessions: !!python/object/apply:os.system [ls]\n", "  file: The YAML file"),
]


@pytest.mark.parametrize(("name", "data", "line"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_check_refuses_hostile_files_with_a_report_never_a_traceback(
    tmp_path: Path, name: str, data: bytes, line: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli("check", str(path), cwd=tmp_path, env={})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""
    assert any(out.startswith(line) for out in result.stdout.splitlines()), result.stdout
    assert result.stdout.splitlines()[-1].startswith("FAILED: 1 error")
