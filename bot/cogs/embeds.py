"""Embeds built from domain objects, localized through the catalogs. No I/O here."""

from __future__ import annotations

import discord

from bot.i18n import Catalog

FIELD_MAX = 1024

GUILD_CHANNEL_LIMIT = 500
COLOR = discord.Colour(0x3B82F6)


class Renderer:
    """Turns domain snapshots into embeds. `locale` None means the workshop's own locale."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def t(self, key: str, locale: str | None = None, /, **params: object) -> str:
        return self.catalog.t(key, locale, **params)
