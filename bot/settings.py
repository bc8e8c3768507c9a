"""Settings: `config/workshop.toml` (path from `WORKSHOP_CONFIG`), overridden by the environment.

Environment variables are `WORKSHOP_<KEY>` and `WORKSHOP_<SECTION>__<KEY>`; a few operator-facing
ones keep their own names (`DISCORD_TOKEN`, `DISCORD_TOKEN_FILE`, `DISCORD_API_BASE`,
`DISCORD_GATEWAY_URL`). Nothing here is read at import time: call `load_settings()`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_CONFIG = Path("config/workshop.toml")
DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"

# Where each setting comes from, for error messages that tell the operator what to change.
ENV_NAMES = {
    "discord_token": "DISCORD_TOKEN",
    "discord_token_file": "DISCORD_TOKEN_FILE",
    "discord_api_base": "DISCORD_API_BASE",
    "discord_gateway_url": "DISCORD_GATEWAY_URL",
}


class SettingsError(Exception):
    """A setting is missing or invalid. `str()` is one line an operator can act on; `key` (and
    `params`), when set, name the same line in the catalogs (the settings were read by then, so
    it can be shown in the workshop's locale)."""

    def __init__(self, message: str, key: str | None = None, /, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SessionsSettings(Section):
    reminder_minutes: int = Field(
        10, ge=0, le=1440, description="reminder this long before a session starts (0: none)"
    )
    close_grace_minutes: int = Field(
        5, ge=0, le=240, description="a place stays open this long after its session ends"
    )
    events_window_hours: int = Field(
        0,
        ge=0,
        le=24 * 365,
        description="only sessions starting this soon get a Scheduled Event "
        "(0: the whole programme, nearest first, as far as events_cap allows)",
    )
    events_cap: int = Field(
        95, ge=1, le=100, description="at most this many Scheduled Events at once (Discord: 100)"
    )
    checkin_minutes: int = Field(
        15, ge=0, le=240, description="speakers are asked to check in this long before the start"
    )
    time_signals: tuple[int, ...] = Field(
        (5, 0), description="minutes before a session's end when its chat is told the time left"
    )

    @field_validator("time_signals")
    @classmethod
    def _signals(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(value) > 5 or any(not 0 <= m <= 120 for m in value):
            raise ValueError("time_signals: at most 5 values, each 0-120 minutes")
        return tuple(sorted(set(value), reverse=True))

    @property
    def events_window(self) -> timedelta | None:
        """The events horizon, None for none (every upcoming session, up to the cap)."""
        return timedelta(hours=self.events_window_hours) if self.events_window_hours else None


class QaSettings(Section):
    card_edit_seconds: float = Field(
        1.0,
        ge=0.05,
        le=60,
        description="question cards of one channel are edited at most once per this many seconds",
    )


class RoomsSettings(Section):
    idle_close_seconds: int = Field(
        600, ge=10, le=7 * 24 * 3600, description="a topic room empty this long is deleted"
    )
    max_open: int = Field(
        60, ge=1, le=400, description="topic rooms open at once in the whole guild"
    )
    reserve_channels: int = Field(
        150,
        ge=0,
        le=490,
        description="channels kept free for sessions and posters: rooms stop opening beyond",
    )
    per_owner: int = Field(2, ge=1, le=25, description="topic rooms one person may own at once")
    opens_per_window: int = Field(
        3, ge=1, le=100, description="rooms one person may open per `opens_window_minutes`"
    )
    opens_window_minutes: int = Field(10, ge=1, le=1440, description="see `opens_per_window`")
    board_edit_seconds: float = Field(
        3.0,
        ge=0.1,
        le=60.0,
        description="the live room board is edited at most once per this many seconds",
    )


class BreakoutsSettings(Section):
    voice_status: bool = Field(
        True,
        description="show in the sidebar what happens in each voice channel (its status line)",
    )
    status_seconds: float = Field(
        15.0,
        ge=1.0,
        le=600.0,
        description="a voice channel's status line changes at most once per this many seconds",
    )


class PostersSettings(Section):
    boards_per_presenter: int = Field(
        1, ge=1, le=10, description="boards one presenter may claim in one poster session"
    )
    prepare_minutes: int = Field(
        30,
        ge=0,
        le=24 * 60,
        description="the boards' voice channels are created this long before the session starts",
    )
    changes_per_window: int = Field(
        6,
        ge=1,
        le=100,
        description="claims and releases one presenter may make per `changes_window_minutes` "
        "(each makes or removes a post and a voice channel; organizers are exempt)",
    )
    changes_window_minutes: int = Field(10, ge=1, le=1440, description="see `changes_per_window`")


class AttendanceSettings(Section):
    enabled: bool = Field(
        True, description="record who is in which voice channel when (false: nothing is recorded)"
    )
    retention_days: int = Field(
        365, ge=1, le=10 * 365, description="stays that ended longer ago are deleted (daily)"
    )
    heartbeat_seconds: int = Field(
        2,
        ge=1,
        le=3600,
        description="while idle, how often the bot notes it is still watching (every write does "
        "too): a crash loses at most this much of a stay that ends while the bot is down",
    )


class AgendaSettings(Section):
    reminder_minutes: int | None = Field(
        None,
        ge=0,
        le=1440,
        description="a personal agenda's reminder this long before a session starts (unset: "
        "sessions.reminder_minutes; 0: none)",
    )


class RegistrationSettings(Section):
    enabled: bool = Field(
        False,
        description="/workshop setup adds #welcome with the Register button and the onboarding",
    )
    gate: bool = Field(
        False,
        description="everything the bot creates is visible only to registered roles and "
        "organizers (#welcome stays public)",
    )
    roles: dict[str, str] = Field(
        default_factory=lambda: {"*": "Participant"},
        description="ticket type -> role name or id (`*`: every ticket); missing roles are "
        "created below the bot's role",
    )
    columns: dict[Literal["ticket", "type", "name", "status"], str] = Field(
        default_factory=dict,
        description="header of the registrants file for ticket, type, name, status "
        "(for Google Forms and other free headers)",
    )
    set_nickname: bool = Field(
        False, description="set a registered member's nickname to the registered name (≤ 32)"
    )

    @field_validator("roles")
    @classmethod
    def _role_values(cls, value: dict[str, str]) -> dict[str, str]:
        if any(not k.strip() or not v.strip() for k, v in value.items()):
            raise ValueError("ticket types and role names must not be empty")
        return {k.strip(): v.strip() for k, v in value.items()}


class FeedbackSettings(Section):
    min_minutes: int = Field(
        5, ge=0, le=720, description="minutes in a session's voice channel needed to rate it"
    )
    open_hours: int = Field(
        48, ge=1, le=24 * 60, description="ratings can be given or changed this long after the end"
    )
    dm: bool = Field(False, description="also send the Rate button by DM to who attended")
    named: bool = Field(
        False, description="reports name who rated (false: ratings and comments are anonymous)"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WORKSHOP_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="forbid",
        frozen=True,
    )

    timezone: str = Field("Asia/Tokyo", description="IANA zone user input is parsed in")
    locale: Literal["en", "ja"] = Field(
        "en", description="language of channel names and messages posted to channels"
    )
    # NoDecode: the environment may hold one name (`運営`) or a comma-separated list, not only
    # JSON; `_role_list` reads all three (and a TOML string or list).
    organizer_roles: Annotated[tuple[str, ...], NoDecode] = Field(
        ("Organizer",), description="role names or ids whose members are organizers"
    )
    title: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="the workshop's name: the calendar name of .ics exports",
    )
    database: Path = Field(Path("data/workshop.db"), description="SQLite file")
    guild_id: int | None = Field(None, gt=0, description="the guild served (others are ignored)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    sessions: SessionsSettings = SessionsSettings()
    rooms: RoomsSettings = RoomsSettings()
    posters: PostersSettings = PostersSettings()
    attendance: AttendanceSettings = AttendanceSettings()
    agenda: AgendaSettings = AgendaSettings()
    breakouts: BreakoutsSettings = BreakoutsSettings()
    feedback: FeedbackSettings = FeedbackSettings()
    registration: RegistrationSettings = RegistrationSettings()

    qa: QaSettings = QaSettings()

    discord_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("discord_token", "DISCORD_TOKEN")
    )
    discord_token_file: Path | None = Field(
        None, validation_alias=AliasChoices("discord_token_file", "DISCORD_TOKEN_FILE")
    )
    discord_api_base: str = Field(
        DEFAULT_API_BASE, validation_alias=AliasChoices("discord_api_base", "DISCORD_API_BASE")
    )
    discord_gateway_url: str = Field(
        DEFAULT_GATEWAY_URL,
        validation_alias=AliasChoices("discord_gateway_url", "DISCORD_GATEWAY_URL"),
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name like Asia/Tokyo)"
            ) from exc
        return value

    @field_validator("organizer_roles", mode="before")
    @classmethod
    def _role_list(cls, value: object) -> object:
        """`"運営"`, `"運営, Staff"` or `'["運営", "Staff"]'` as a list of names."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                raise ValueError(
                    'not a JSON list of role names (write ["Organizer", "運営"], or the names '
                    "separated by commas)"
                ) from None
        return [part for part in (p.strip() for p in text.split(",")) if part] or [""]

    @field_validator("title", mode="before")
    @classmethod
    def _stripped_title(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("organizer_roles")
    @classmethod
    def _role_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip() for v in value if v.strip())
        if len(cleaned) != len(value):
            raise ValueError("role names must not be empty")
        return cleaned

    @field_validator("discord_api_base")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://discord.com/api/v10")
        return value.rstrip("/")

    @field_validator("discord_gateway_url")
    @classmethod
    def _ws_url(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")):
            raise ValueError("must be a ws(s) URL such as wss://gateway.discord.gg/")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def token(self) -> str:
        """The bot token, from DISCORD_TOKEN or the file DISCORD_TOKEN_FILE names."""
        if self.discord_token is not None and self.discord_token.get_secret_value().strip():
            return self.discord_token.get_secret_value().strip()
        if self.discord_token_file is not None:
            try:
                text = self.discord_token_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise SettingsError(
                    f"DISCORD_TOKEN_FILE: cannot read {self.discord_token_file} ({exc.strerror})",
                    "cli.start.token_file_unreadable",
                    file=self.discord_token_file,
                    reason=exc.strerror,
                ) from None
            if text:
                return text
            raise SettingsError(
                f"DISCORD_TOKEN_FILE: {self.discord_token_file} is empty",
                "cli.start.token_file_empty",
                file=self.discord_token_file,
            )
        raise SettingsError(
            "DISCORD_TOKEN is not set: put the bot token in the environment or in .env "
            "(DISCORD_TOKEN=...), or point DISCORD_TOKEN_FILE at a file that holds it",
            "cli.start.token_missing",
        )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = Path(os.environ.get("WORKSHOP_CONFIG", str(DEFAULT_CONFIG)))
        toml = TomlConfigSettingsSource(settings_cls, toml_file=toml_path)
        return (init_settings, env_settings, dotenv_settings, toml)


def load_settings(**overrides: Any) -> Settings:
    """Read the TOML file and the environment; raise `SettingsError` with one clear line."""
    config = Path(os.environ.get("WORKSHOP_CONFIG", str(DEFAULT_CONFIG)))
    if "WORKSHOP_CONFIG" in os.environ and not config.is_file():
        raise SettingsError(f"WORKSHOP_CONFIG: {config} does not exist or is not a file")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc, config)) from None
    except (OSError, ValueError) as exc:  # unreadable or malformed TOML
        raise SettingsError(f"{config}: {exc}") from None


def describe_validation_error(exc: ValidationError, config: Path) -> str:
    """One line naming the first bad setting, where it can be set, and what is wrong."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    dotted = ".".join(loc)
    if loc and loc[0] in ENV_NAMES:
        where = ENV_NAMES[loc[0]]
    else:
        env = "WORKSHOP_" + "__".join(part.upper() for part in loc)
        key = f"[{loc[0]}] {'.'.join(loc[1:])}" if len(loc) > 1 else dotted
        where = f"{env} or {key} in {config}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown setting (check its spelling against config/workshop.example.toml)"
    extra = f" (got {error['input']!r})" if _shown_input(error) else ""
    return f"invalid setting {dotted}: {message}{extra} — set {where}"


def _shown_input(error: Mapping[str, Any]) -> bool:
    loc = error.get("loc", ())
    if loc and loc[0] in ("discord_token",):
        return False  # a secret is never printed
    return error.get("type") != "extra_forbidden" and isinstance(
        error.get("input"), str | int | float
    )
