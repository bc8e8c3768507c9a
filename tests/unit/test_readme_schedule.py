"""The README's "Schedule files" section is a contract: its column names are the importer's, and
its examples import as the text says."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.schedule_import import ALIASES, parse_schedule
from tests.unit.domain.factories import TOKYO

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("\n## Schedule files\n") : README.index("\n## Rehearsal\n")]
NOW = datetime(2027, 6, 1, tzinfo=UTC)


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)\n```", SECTION, re.DOTALL)


def test_every_accepted_column_name_is_documented_in_its_row() -> None:
    table = SECTION[SECTION.index("### Columns") : SECTION.index("### Dates, times")]
    rows = dict(re.findall(r"^\| (\w+) \| (.+) \|$", table, re.MULTILINE))
    for field, names in ALIASES.items():
        documented = set(re.findall(r"`([^`]+)`", rows[field]))
        missing = {n for n in names if n.lower() not in {d.lower() for d in documented}}
        assert not missing, f"README's {field} row lacks {missing}"


def test_the_japanese_excel_example_reads_as_described() -> None:
    japanese, _ = blocks("csv")
    data = japanese.replace("\n", "\r\n").encode("cp932")  # as Excel saves it
    result = parse_schedule("programme.csv", data, TOKYO, now=NOW)
    assert [d.title for d in result.drafts] == [
        "開会基調講演",
        "分散学習の実践",
        "ポスターセッション",
    ]
    assert [(p.where, p.key) for p in result.problems] == [("row 5", "errors.field_missing")]
    assert result.drafts[1].speakers == "佐藤花子, Ada Lovelace"


def test_the_english_and_yaml_examples_import_cleanly() -> None:
    _, english = blocks("csv")
    result = parse_schedule("programme.csv", english.encode(), TOKYO, now=NOW)
    assert result.problems == []
    assert [d.duration_minutes for d in result.drafts] == [60, 45, 90]
    [yaml] = blocks("yaml")
    result = parse_schedule("camp.yaml", yaml.encode(), TOKYO, now=NOW)
    assert result.problems == []
    assert [(d.title, d.duration_minutes) for d in result.drafts] == [
        ("開会基調講演", 60),
        ("分散学習の実践", 45),
    ]
