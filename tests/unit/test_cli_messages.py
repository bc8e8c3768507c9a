"""What `workshop-bot migrate` and the token checks of `run`/`sync` print, in the workshop's
locale (issue 14 item 1): one line each, no traceback, never a process that hangs."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.store.migrate import default_migrations_dir, discover
from tests.unit.test_cli_schedule import one_error_line, run_cli

JA = {"WORKSHOP_LOCALE": "ja"}
MIGRATIONS = discover(default_migrations_dir())
LATEST = len(MIGRATIONS)


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    """What `migrate` says at the end (the log lines of each migration come before it)."""
    return result.stdout.strip().splitlines()[-1]


def at_version_1(path: Path) -> None:
    """A database as the first release of the bot wrote it."""
    with sqlite3.connect(path) as conn:
        conn.executescript(MIGRATIONS[0].path.read_text(encoding="utf-8"))
        conn.execute("PRAGMA user_version = 1")


def test_migrate_in_japanese(tmp_path: Path) -> None:
    db = tmp_path / "data" / "w.db"
    env = {**JA, "WORKSHOP_DATABASE": str(db)}
    first = run_cli("migrate", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    names = "、".join(m.name for m in MIGRATIONS)
    assert last_line(first) == (
        f"{db}：スキーマをバージョン 0 から {LATEST} に更新しました：{names}"
    )
    again = run_cli("migrate", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert last_line(again) == f"{db}：スキーマはすでに最新です（バージョン {LATEST}）"

    old = tmp_path / "old.db"
    at_version_1(old)
    upgraded = run_cli("migrate", cwd=tmp_path, env={**JA, "WORKSHOP_DATABASE": str(old)})
    assert upgraded.returncode == 0, upgraded.stderr
    line = last_line(upgraded)
    assert line.startswith(f"{old}：スキーマをバージョン 1 から {LATEST} に更新しました：")
    assert "（バックアップ：" in line and f"{old.name}.bak-v1-" in line


def test_migrate_in_english_names_the_backup(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    at_version_1(old)
    result = run_cli("migrate", cwd=tmp_path, env={"WORKSHOP_DATABASE": str(old)})
    assert result.returncode == 0, result.stderr
    line = last_line(result)
    assert line.startswith(f"{old}: migrated from version 1 to {LATEST}: 0002_sessions, ")
    assert f" (backup: {old}.bak-v1-" in line


@pytest.mark.parametrize(
    ("locale", "newer", "not_a_database"),
    [
        (
            "en",
            f"the database is at schema version 99 but this bot knows only {LATEST}: it was "
            "written by a newer workshop-bot; upgrade the bot instead",
            "cannot open the database {path}: file is not a database",
        ),
        (
            "ja",
            f"データベースのスキーマはバージョン 99 ですが、このボットが扱えるのは {LATEST} "
            "までです。新しい workshop-bot で書かれたデータベースなので、ボットを更新して"
            "ください。",
            "データベース {path} を開けません：file is not a database",
        ),
    ],
)
def test_migrate_refusals(tmp_path: Path, locale: str, newer: str, not_a_database: str) -> None:
    future = tmp_path / "future.db"
    with sqlite3.connect(future) as conn:
        conn.execute("PRAGMA user_version = 99")
    env = {"WORKSHOP_LOCALE": locale, "WORKSHOP_DATABASE": str(future)}
    result = run_cli("migrate", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert one_error_line(result) == f"workshop-bot: error: {newer}"

    text = tmp_path / "notes.db"
    text.write_text("not a database\n", encoding="utf-8")
    env = {"WORKSHOP_LOCALE": locale, "WORKSHOP_DATABASE": str(text)}
    result = run_cli("migrate", cwd=tmp_path, env=env)  # it used to hang here
    assert result.returncode == 2
    assert one_error_line(result) == "workshop-bot: error: " + not_a_database.format(path=text)
    assert text.read_text(encoding="utf-8") == "not a database\n"

    export = run_cli(
        "export", "schedule", "--format", "ics", "--database", str(text), cwd=tmp_path, env=env
    )
    assert export.returncode == 2
    assert one_error_line(export) == "workshop-bot: error: " + not_a_database.format(path=text)


def test_token_errors_in_japanese(tmp_path: Path) -> None:
    for command in ("run", "sync"):
        result = run_cli(command, cwd=tmp_path, env=JA)
        assert result.returncode == 2
        assert one_error_line(result) == (
            "workshop-bot: error: DISCORD_TOKEN が設定されていません。ボットのトークンを環境変数か"
            " .env（DISCORD_TOKEN=...）に書くか、トークンを書いたファイルを DISCORD_TOKEN_FILE で"
            "指定してください。"
        )
    empty = tmp_path / "token.txt"
    empty.write_text("\n", encoding="utf-8")
    result = run_cli("run", cwd=tmp_path, env={**JA, "DISCORD_TOKEN_FILE": str(empty)})
    assert one_error_line(result) == f"workshop-bot: error: DISCORD_TOKEN_FILE：{empty} が空です。"
    missing = tmp_path / "nope.txt"
    result = run_cli("sync", cwd=tmp_path, env={**JA, "DISCORD_TOKEN_FILE": str(missing)})
    assert one_error_line(result) == (
        f"workshop-bot: error: DISCORD_TOKEN_FILE：{missing} を読めません"
        "（No such file or directory）。"
    )
    english = run_cli("sync", cwd=tmp_path, env={"DISCORD_TOKEN_FILE": str(missing)})
    assert one_error_line(english) == (
        f"workshop-bot: error: DISCORD_TOKEN_FILE: cannot read {missing} (No such file or "
        "directory)"
    )
