"""`workshop-bot permissions [--client-id ID] [--markdown]`: what the bot asks for, and why.

Everything printed comes from the permission catalogue (`bot/core/permissions.py`); the README's
table is this command's `--markdown` output in English (a test compares them).
"""

from __future__ import annotations

import sys

from bot.cli_exit import EXIT_OK
from bot.core.permissions import CATALOGUE, INVITE_PERMISSIONS, NOT_ASKED, invite_url
from bot.i18n import Catalog


def markdown_table(catalog: Catalog, locale: str) -> str:
    """The permission table as Markdown: every permission asked for, then those not asked for."""
    t = catalog.t
    lines = [
        f"| {t('permissions.table_permission', locale)} | {t('permissions.table_why', locale)} |",
        "|---|---|",
    ]
    for needed in CATALOGUE:
        lines.append(f"| {t(needed.name_key, locale)} | {t(needed.why_key, locale)} |")
    for _, key in NOT_ASKED:
        name = t(f"permissions.{key}.name", locale)
        why = t(f"permissions.{key}.why", locale)
        lines.append(f"| ~~{name}~~ | {why} |")
    return "\n".join(lines) + "\n"


def render(catalog: Catalog, locale: str, client_id: int | None) -> str:
    t = catalog.t
    parts = [
        t("permissions.cli_integer", locale, value=INVITE_PERMISSIONS),
        "",
        markdown_table(catalog, locale),
        t("permissions.cli_overwrites", locale),
        "",
        t("permissions.cli_invite", locale),
        invite_url(client_id),
    ]
    if client_id is None:
        parts.append(t("permissions.cli_no_client_id", locale))
    return "\n".join(parts) + "\n"


def print_permissions(locale: str, client_id: int | None, *, markdown: bool) -> int:
    catalog = Catalog.load(default_locale=locale)
    text = markdown_table(catalog, locale) if markdown else render(catalog, locale, client_id)
    sys.stdout.write(text)
    return EXIT_OK
