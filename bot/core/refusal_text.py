"""What a refusal from Discord means, in the reader's language: the cause and what to do.

Used for a person's command that Discord refused (the tree error handler) and for the problems
background work recorded (`/workshop status`), so both read the same.
"""

from __future__ import annotations

from bot.core.permissions import CATALOGUE
from bot.domain.errors import Refusal
from bot.domain.permissions import Perm
from bot.i18n import Catalog

_KEYS = {int(needed.perm): needed.name_key for needed in CATALOGUE}


def permission_names(catalog: Catalog, locale: str | None, bits: int) -> str:
    """'Manage Channels, Manage Events' (localized, in catalogue order; Discord's own name for a
    bit outside the catalogue)."""
    names = []
    for value in sorted(_KEYS):
        if bits & value:
            names.append(catalog.t(_KEYS[value], locale))
    for flag in Perm:
        if bits & flag and int(flag) not in _KEYS:
            names.append(str(flag.name).replace("_", " ").title())
    separator = "、" if (locale or catalog.default_locale).startswith("ja") else ", "
    return separator.join(f"**{name}**" for name in names)


def cause_and_fix(
    catalog: Catalog,
    locale: str | None,
    refusal: Refusal,
    *,
    missing: int = 0,
    channel_id: int | None = None,
    detail: str = "",
) -> tuple[str, str]:
    kind = refusal.value
    params: dict[str, object] = {"detail": detail[:200] or "-"}
    if refusal is Refusal.PERMISSIONS:
        if missing and channel_id is not None:
            kind = "permissions_channel"
        elif not missing:
            kind = "permissions_unknown"
        params["permissions"] = permission_names(catalog, locale, missing)
        params["channel"] = f"<#{channel_id}>" if channel_id else ""
    cause = catalog.t(f"refusals.cause.{kind}", locale, **params)
    fix = catalog.t(f"refusals.fix.{kind}", locale)
    return cause, fix
