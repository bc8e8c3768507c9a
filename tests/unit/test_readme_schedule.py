"""Each README's "Schedule files" section is a contract: its column names are the importer's,
and its examples import as the text says."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.features.sessions.domain.schedule_import import ALIASES, parse_schedule
from tests.fakes.factories import TOKYO

ROOT = Path(__file__).resolve().parents[2]
# Each README's headings of the section, of its columns table and of what follows that table.
HEADINGS = {
    "README.md": ("Schedule files", "Rehearsal", "Columns", "Dates, times and durations"),
    "README.ja.md": ("スケジュールファイル", "リハーサル", "列", "日付・時刻・長さ"),
}
NOW = datetime(2027, 6, 1, tzinfo=UTC)


def section(readme: str) -> str:
    text = (ROOT / readme).read_text(encoding="utf-8")
    start, end, _, _ = HEADINGS[readme]
    return text[text.index(f"\n## {start}\n") : text.index(f"\n## {end}\n")]


def blocks(readme: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", section(readme), re.DOTALL)


@pytest.mark.parametrize("readme", HEADINGS)
def test_every_accepted_column_name_is_documented_in_its_row(readme: str) -> None:
    text = section(readme)
    _, _, columns, after = HEADINGS[readme]
    table = text[text.index(f"### {columns}\n") : text.index(f"### {after}\n")]
    rows = dict(re.findall(r"^\| `?(\w+)`? \| (.+) \|$", table, re.MULTILINE))
    assert set(rows) >= set(ALIASES)
    for field, names in ALIASES.items():
        documented = set(re.findall(r"`([^`]+)`", rows[field]))
        missing = {n for n in names if n.lower() not in {d.lower() for d in documented}}
        assert not missing, f"README's {field} row lacks {missing}"


@pytest.mark.parametrize("readme", HEADINGS)
def test_the_japanese_excel_example_reads_as_described(readme: str) -> None:
    japanese, _ = blocks(readme, "csv")
    data = japanese.replace("\n", "\r\n").encode("cp932")  # as Excel saves it
    result = parse_schedule("programme.csv", data, TOKYO, now=NOW)
    assert [d.title for d in result.drafts] == [
        "開会基調講演",
        "分散学習の実践",
        "ポスターセッション",
    ]
    assert [(p.where, p.key) for p in result.problems] == [("row 5", "errors.field_missing")]
    assert result.drafts[1].speakers == "佐藤花子, Ada Lovelace"


@pytest.mark.parametrize("readme", HEADINGS)
def test_the_english_and_yaml_examples_import_cleanly(readme: str) -> None:
    _, english = blocks(readme, "csv")
    result = parse_schedule("programme.csv", english.encode(), TOKYO, now=NOW)
    assert result.problems == []
    assert [d.duration_minutes for d in result.drafts] == [60, 45, 90]
    [yaml] = blocks(readme, "yaml")
    result = parse_schedule("camp.yaml", yaml.encode(), TOKYO, now=NOW)
    assert result.problems == []
    assert [(d.title, d.duration_minutes) for d in result.drafts] == [
        ("開会基調講演", 60),
        ("分散学習の実践", 45),
    ]
