"""`workshop-bot check FILE` with `locale = "ja"`: the whole report in Japanese (issue 14 item 1),
run as operators do, and English plurals where the report counts."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.features.sessions.check import check_schedule
from bot.features.sessions.check_report import render_report
from tests.unit.test_cli_schedule import BAD_CSV, EXAMPLE, one_error_line, run_cli

JA = {"WORKSHOP_LOCALE": "ja"}
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2027, 6, 1, tzinfo=UTC)
#: Words of the English report; none may show in the Japanese one (outside the file's own text).
ENGLISH = (
    "sessions",
    "session ",
    "conflict",
    "Conflicts",
    "FAILED",
    "read as",
    "columns",
    "Day ",
    "Total",
    "cap ",
    "horizon",
    "whole programme",
    "within",
    "warning",
    "Warnings",
    "error",
    "Errors",
    "none",
    "channel",
    "Channels",
    "categor",
    "imported",
    "Notes",
    "per day",
    "row ",
    "clashes",
    "stage",
    "voice",
    "forum",
)


def english_in(report: str) -> list[str]:
    """The English words in `report`, leaving out the lines that list the file's sessions
    (their titles are the file's own words)."""
    ours = [line for line in report.splitlines() if not line.startswith("    ")]
    text = "\n".join(ours)
    return [word for word in ENGLISH if word in text]


def test_check_of_the_example_in_japanese(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "camp.yaml")
    result = run_cli("check", "camp.yaml", cwd=tmp_path, env=JA)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "camp.yaml：YAML、セッション 40 件（時刻は Asia/Tokyo として読み、ワークショップの"
        "タイムゾーン Asia/Tokyo で表示します）"
    )
    assert lines[1] == (
        "  ワークショップ名：MLエンジニアリング研究会 サマーキャンプ 2027（設定の `title` が"
        "なければ、.ics のカレンダー名になります）"
    )
    assert lines[2] == "  読み込み：UTF-8"
    for line in (
        "日ごとのセッション（Asia/Tokyo）",
        "  1日目  2027-07-01（木）  セッション 15 件  09:30–21:00",
        "  2日目  2027-07-02（金）  セッション 15 件  09:30–21:00",
        "  3日目  2027-07-03（土）  セッション 10 件  09:30–18:30",
        "カテゴリごとのチャンネル（名前は言語設定 ja のもの）",
        "  1日目 · 7/1 (木)  [15/50：ステージ 1、ボイス 13、フォーラム 1]",
        "  2日目 · 7/2 (金)  [15/50：ボイス 13、テキスト 1、フォーラム 1]",
        "    09:30–10:30  テキスト    keynote-scaling-laws-meet-budgets",
        "  合計：カテゴリ 3 + セッションのチャンネル 40（ステージ 2、ボイス 34、テキスト 1、"
        "フォーラム 3）+ 基本のチャンネル 4 = 47（Discord の上限はサーバーあたり 500）",
        "同時に予定されるスケジュールイベント（プログラム全体、設定の上限 95、Discord の上限 100）",
        "時間の重なり：なし",
        "超えてしまう Discord の上限：なし",
        "補足",
    ):
        assert line in lines, line
    peak = [line for line in lines if line.startswith("  最大で同時に ")]
    assert len(peak) == 1 and peak[0].endswith("：上限内です")
    assert lines[-1] == "OK：このスケジュールはインポートできます（エラー 0 件、警告 0 件）"
    assert english_in(result.stdout) == []


def test_check_of_a_file_with_errors_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "programme.csv").write_text(BAD_CSV.format(long="T" * 101), encoding="utf-8")
    result = run_cli("check", "programme.csv", cwd=tmp_path, env=JA)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "  読み込み：UTF-8、カンマ区切り"
    assert lines[2] == (
        "  列：title → タイトル、start → 開始、end → 終了、kind → 種別、track → トラック、"
        "notes → 使いません"
    )
    # The sections add up to the closing line, in Japanese too.
    index = lines.index("時間の重なり：2 件")
    assert lines[index + 1] == (
        "  3行目：「Talk A」は同じ場所の「Opening」（2027-07-01 09:00 JST〜10:00）と時間が"
        "重なっています。（2行目と重なっています）"
    )
    assert lines[index + 2].startswith("  6行目：「Talk C」は同じ場所の「Talk B」")
    assert "その他のエラー（1 件）" in lines
    assert "  5行目：タイトルが101文字あります。100文字以内にしてください。" in lines
    assert "警告（1 件）" in lines
    assert "  1行目：列「notes」は使わないため無視しました。" in lines
    assert lines[-1] == (
        "失敗：エラー 3 件（時間の重なり 2 件、その他 1 件）、警告 1 件。"
        "このままではインポートできません"
    )
    assert "<t:" not in result.stdout
    assert english_in(result.stdout) == []


def test_check_locations_and_unreadable_files_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(
        "sessions:\n  - {title: Long ago, start: 2020-01-01 10:00, duration: 30}\n",
        encoding="utf-8",
    )
    result = run_cli("check", "old.yaml", cwd=tmp_path, env=JA)
    assert result.returncode == 1
    assert (
        "  1番目のセッション：開始「2020-01-01 10:00」（2020-01-01 10:00 JST と読みました）"
        "は過去です。" in result.stdout.splitlines()
    )
    assert result.stdout.splitlines()[-1] == (
        "失敗：エラー 1 件、警告 0 件。このままではインポートできません"
    )
    assert english_in(result.stdout) == []

    (tmp_path / "broken.yaml").write_text("sessions: [\n", encoding="utf-8")
    result = run_cli("check", "broken.yaml", cwd=tmp_path, env=JA)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "broken.yaml：スケジュールとして読めません"
    assert any(line.startswith("  ファイル：YAML ファイルを読み取れません：") for line in lines)

    missing = run_cli("check", "nope.yaml", cwd=tmp_path, env=JA)
    assert missing.returncode == 2
    assert "nope.yaml を読めません：" in one_error_line(missing)


def test_limits_in_japanese_and_english_plurals() -> None:
    # Day 1 has 60 sessions (one continuation category), day 2 one session.
    rows = ["title,start,duration,track"]
    rows += [f"S{i},2027-07-01 10:00,60,T{i}" for i in range(60)]
    rows += ["Alone,2027-07-02 10:00,60,T0"]
    data = "\n".join(rows).encode()

    en = render_report(check_schedule("x.csv", data, TOKYO, "en", window_hours=0, cap=95, now=NOW))
    assert "  Day 2  2027-07-02 Fri     1 session  10:00–11:00" in en.splitlines()
    assert "they spill into 1 continuation category" in en
    assert "  Day 1 · 7/1 (Thu) (2)  [10/50: 10 voice]" in en.splitlines()
    assert "  Total: 3 categories + 61 session channels (61 voice) + 4 base channels" in en

    ja = render_report(check_schedule("x.csv", data, TOKYO, "ja", window_hours=0, cap=95, now=NOW))
    assert (
        "  「1日目 · 7/1 (木)」のチャンネルは 60 個で、Discord の上限（カテゴリあたり 50）を"
        "超えるため、続きのカテゴリ 1 個に分けて作ります。" in ja.splitlines()
    )
    assert "  2日目  2027-07-02（金）  セッション 1 件  10:00–11:00" in ja.splitlines()
    assert english_in(ja) == []

    many = ["title,start,duration,track"]
    many += [f"S{i},2027-07-0{1 + i // 200} 10:00,60,T{i % 200}" for i in range(520)]
    report = check_schedule(
        "big.csv", "\n".join(many).encode(), TOKYO, "ja", window_hours=48, cap=95, now=NOW
    )
    text = render_report(report)
    assert (
        "  チャンネルが 535 個（基本の構成 4、カテゴリ 11、セッションのチャンネル 520）になり、"
        "Discord の上限（サーバーあたり 500）を超えます。" in text.splitlines()
    )
    assert "（48 時間先まで、設定の上限 95、Discord の上限 100）" in text
    assert (
        "  警告：48 時間先までに、最大 520 件のセッションが同時にスケジュールイベントを必要とし、"
        "設定の上限 95、Discord の上限 100 を超えます。" in text
    )
    assert "超えてしまう Discord の上限：1 件" in text
    assert text.splitlines()[-1].startswith("失敗：エラー 1 件、警告 1 件。")
    assert english_in(text) == []
