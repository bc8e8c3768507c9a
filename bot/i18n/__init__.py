"""Message catalogs (`en.toml`, `ja.toml`) and locale selection.

Keys are dotted paths into the TOML tables (`errors.not_organizer`). A message is looked up in the
reader's locale, then English; values are `str.format` templates filled from keyword arguments.
Commands are named as `{/attendance me}` and options as `{/poster claim:presenter}`: they become
Discord command mentions, or the names in the reader's language (see `mentions.py`).
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.i18n.mentions import CommandIds, resolve

log = logging.getLogger(__name__)

LOCALES = ("en", "ja")
FALLBACK = "en"
_DIR = Path(__file__).parent


def flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, dotted + "."))
        else:
            flat[dotted] = str(value)
    return flat


def load_catalog_file(locale: str, directory: Path = _DIR) -> dict[str, str]:
    with (directory / f"{locale}.toml").open("rb") as fh:
        return flatten(tomllib.load(fh))


def pick_locale(requested: str | None, fallback: str = FALLBACK) -> str:
    """Map a Discord locale ('ja', 'en-US', 'fr', ...) to a catalog we have.

    The reader's own locale first, then the workshop's configured locale, then English.
    """
    if requested:
        base = requested.split("-")[0].lower()
        if base in LOCALES:
            return base
    return fallback if fallback in LOCALES else FALLBACK


class _Lenient(string.Formatter):
    """Leave unknown `{placeholders}` visible instead of failing to render a message."""

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str) and key not in kwargs:
            log.error("message placeholder {%s} missing", key)
            return "{" + key + "}"
        return super().get_value(key, args, kwargs)


_FORMATTER = _Lenient()


class Catalog:
    def __init__(
        self,
        messages: Mapping[str, Mapping[str, str]],
        default_locale: str = FALLBACK,
        commands: CommandIds | None = None,
    ):
        self._messages = {loc: dict(msgs) for loc, msgs in messages.items()}
        self.default_locale = pick_locale(default_locale)
        # The ids of the registered commands (empty until the bot learns them: names then).
        self.commands = commands if commands is not None else CommandIds()

    @classmethod
    def load(
        cls,
        default_locale: str = FALLBACK,
        directory: Path = _DIR,
        commands: CommandIds | None = None,
    ) -> Catalog:
        messages = {loc: load_catalog_file(loc, directory) for loc in LOCALES}
        return cls(messages, default_locale, commands)

    def keys(self, locale: str) -> set[str]:
        return set(self._messages.get(locale, {}))

    def has(self, key: str) -> bool:
        return key in self._messages[FALLBACK]

    def raw(self, key: str, locale: str) -> str | None:
        text = self._messages.get(locale, {}).get(key)
        if text is None:
            text = self._messages[FALLBACK].get(key)
        return text

    def t(self, key: str, locale: str | None = None, /, **params: Any) -> str:
        loc = pick_locale(locale, self.default_locale)
        template = self.raw(key, loc)
        if template is None:
            log.error("message key %r missing from the catalogs", key)
            return key
        # Commands first: a parameter's value (user text) is never read as a placeholder.
        template = resolve(template, self.commands, lambda name_key: self.raw(name_key, loc))
        return _FORMATTER.vformat(template, (), params) if params else template
