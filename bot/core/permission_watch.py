"""The bot's self-check: what it holds on a server against the permission catalogue.

At start (each guild becoming available) and whenever its permissions may have changed (a role
of the bot or @everyone edited, the bot's roles changed) the bot compares its guild permissions
with the catalogue. Something missing is logged as one WARNING line naming each permission and
what breaks without it; `/workshop status` shows the same to organizers in their language. When
a permission comes back, what Discord refused meanwhile is tried again at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.core.permissions import Needed, missing
from bot.i18n import Catalog

log = logging.getLogger(__name__)


class PermissionWatch:
    def __init__(
        self,
        held: Callable[[int], int],
        catalog: Catalog,
        *,
        on_gained: Callable[[int], Awaitable[None]],
    ) -> None:
        self._held = held  # guild id -> the bot's guild permission bits (from the cache)
        self._catalog = catalog
        self._on_gained = on_gained  # converge the guild again (problems may be solved)
        self._last: dict[int, frozenset[str]] = {}

    def missing(self, guild_id: int) -> list[Needed]:
        return missing(self._held(guild_id))

    async def check(self, guild_id: int, *, retry: bool = True) -> list[Needed]:
        """Compare now; log what changed; when something was granted and `retry`, converge the
        guild again (what Discord refused for want of it can be done now)."""
        lacking = self.missing(guild_id)
        keys = frozenset(n.key for n in lacking)
        before = self._last.get(guild_id)
        self._last[guild_id] = keys
        if keys and keys != before:
            details = "; ".join(
                f"{self._catalog.t(n.name_key, 'en')} ({self._catalog.t(n.breaks_key, 'en')})"
                for n in lacking
            )
            log.warning(
                self._catalog.t(
                    "permissions.log_missing",
                    "en",
                    count=len(lacking),
                    guild=guild_id,
                    details=details,
                )
            )
        if before is not None and before - keys:
            log.info("guild %s: the bot was given %s", guild_id, ", ".join(sorted(before - keys)))
            if retry:
                await self._on_gained(guild_id)
        return lacking
