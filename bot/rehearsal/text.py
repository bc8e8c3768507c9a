"""What a rehearsal prints, in the workshop's `locale` (keys `cli.rehearse.*` of the catalogs)."""

from __future__ import annotations

from bot.i18n import Catalog


class Text:
    def __init__(self, locale: str = "en", catalog: Catalog | None = None) -> None:
        self.catalog = catalog or Catalog.load(default_locale=locale)
        self.locale = locale

    def __call__(self, key: str, /, **params: object) -> str:
        return self.catalog.t(f"cli.rehearse.{key}", self.locale, **params)
