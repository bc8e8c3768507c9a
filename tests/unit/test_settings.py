"""Settings: TOML + environment, and one clear line for every mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    import os

    for name in list(os.environ):
        if name.startswith(("WORKSHOP_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    # tests/conftest.py points the default config elsewhere; these tests exercise the real default.
    monkeypatch.setattr("bot.settings.DEFAULT_CONFIG", Path("config/workshop.toml"))
    return tmp_path


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config" / "workshop.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file() -> None:
    s = load_settings()
    assert s.timezone == "Asia/Tokyo"
    assert s.locale == "en"
    assert s.organizer_roles == ("Organizer",)
    assert s.database == Path("data/workshop.db")
    assert s.guild_id is None
    assert s.discord_api_base == "https://discord.com/api/v10"
    assert s.discord_gateway_url == "wss://gateway.discord.gg/"


def test_toml_then_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(tmp_path, 'timezone = "Europe/Berlin"\nlocale = "ja"\nguild_id = 5\n')
    monkeypatch.setenv("WORKSHOP_GUILD_ID", "7")
    monkeypatch.setenv("WORKSHOP_ORGANIZER_ROLES", '["Staff", "123"]')
    s = load_settings()
    assert (s.timezone, s.locale, s.guild_id) == ("Europe/Berlin", "ja", 7)
    assert s.organizer_roles == ("Staff", "123")


def test_organizer_roles_as_one_name_or_a_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(tmp_path, 'organizer_roles = "運営"\n')
    assert load_settings().organizer_roles == ("運営",)
    write_config(tmp_path, 'organizer_roles = ["運営", "Staff"]\n')
    assert load_settings().organizer_roles == ("運営", "Staff")
    for value, expected in (
        ("運営", ("運営",)),
        ("運営, Staff ,123", ("運営", "Staff", "123")),
        ('["Staff, Tokyo", "運営"]', ("Staff, Tokyo", "運営")),  # JSON keeps a comma in a name
    ):
        monkeypatch.setenv("WORKSHOP_ORGANIZER_ROLES", value)
        assert load_settings().organizer_roles == expected, value
    for value, message in (
        ("", "role names must not be empty"),
        (" , ", "role names must not be empty"),
        ("[運営", "not a JSON list of role names"),
    ):
        monkeypatch.setenv("WORKSHOP_ORGANIZER_ROLES", value)
        with pytest.raises(SettingsError, match=message) as info:
            load_settings()
        assert "WORKSHOP_ORGANIZER_ROLES" in str(info.value)


def test_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().title is None
    write_config(tmp_path, 'title = "MLエンジニアリング研究会 サマーキャンプ 2027"\n')
    assert load_settings().title == "MLエンジニアリング研究会 サマーキャンプ 2027"
    monkeypatch.setenv("WORKSHOP_TITLE", "  ")
    assert load_settings().title is None
    monkeypatch.setenv("WORKSHOP_TITLE", "x" * 201)
    with pytest.raises(SettingsError, match="invalid setting title"):
        load_settings()


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text('locale = "ja"\n', encoding="utf-8")
    monkeypatch.setenv("WORKSHOP_CONFIG", str(other))
    assert load_settings().locale == "ja"


def test_missing_config_named_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSHOP_CONFIG", "nope.toml")
    with pytest.raises(SettingsError, match=r"WORKSHOP_CONFIG: nope.toml does not exist"):
        load_settings()


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        ("WORKSHOP_TIMEZONE", "Mars/Base", r"invalid setting timezone: unknown time zone"),
        ("WORKSHOP_GUILD_ID", "abc", r"invalid setting guild_id: .*WORKSHOP_GUILD_ID"),
        ("WORKSHOP_LOCALE", "fr", r"invalid setting locale"),
        ("DISCORD_API_BASE", "ftp://x", r"invalid setting discord_api_base: .*DISCORD_API_BASE"),
    ],
)
def test_invalid_values_name_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError, match=expected) as info:
        load_settings()
    assert "\n" not in str(info.value)


def test_unknown_key_in_toml_is_refused(tmp_path: Path) -> None:
    write_config(tmp_path, "timezon = 'Asia/Tokyo'\n")
    with pytest.raises(SettingsError, match=r"invalid setting timezon: unknown setting"):
        load_settings()


def test_malformed_toml(tmp_path: Path) -> None:
    write_config(tmp_path, "timezone = \n")
    with pytest.raises(SettingsError, match=r"workshop.toml"):
        load_settings()


def test_token_from_env_dotenv_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN is not set"):
        load_settings().token()
    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-dotenv\n", encoding="utf-8")
    assert load_settings().token() == "from-dotenv"
    monkeypatch.setenv("DISCORD_TOKEN", "from-env")
    assert load_settings().token() == "from-env"
    monkeypatch.delenv("DISCORD_TOKEN")
    (tmp_path / ".env").unlink()
    secret = tmp_path / "token.txt"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret))
    assert load_settings().token() == "from-file"
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match=r"DISCORD_TOKEN_FILE: cannot read"):
        load_settings().token()


def test_token_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "very-secret-token")
    s = load_settings()
    assert "very-secret-token" not in repr(s)
    assert "very-secret-token" not in str(s.model_dump())


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    base = {k: v for k, v in os.environ.items() if not k.startswith(("WORKSHOP_", "DISCORD_"))}
    base["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, env={})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DISCORD_TOKEN is not set" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_run_with_invalid_setting_exits_2_without_traceback(tmp_path: Path) -> None:
    result = run_cli(
        "run", cwd=tmp_path, env={"DISCORD_TOKEN": "secret-xyz", "WORKSHOP_TIMEZONE": "Nowhere"}
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "WORKSHOP_TIMEZONE" in result.stderr
    assert "secret-xyz" not in result.stderr + result.stdout


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path, env={})
    assert result.returncode == 0
    for command in ("run", "sync", "migrate"):
        assert command in result.stdout
    result = run_cli("sync", "--help", cwd=tmp_path, env={})
    assert "--guild" in result.stdout


def test_migrate_command_creates_and_reports(tmp_path: Path) -> None:
    db = tmp_path / "x" / "w.db"
    first = run_cli("migrate", cwd=tmp_path, env={"WORKSHOP_DATABASE": str(db)})
    assert first.returncode == 0, first.stderr
    assert "migrated from version 0" in first.stdout
    again = run_cli("migrate", cwd=tmp_path, env={"WORKSHOP_DATABASE": str(db)})
    assert again.returncode == 0
    assert "already at schema version" in again.stdout
