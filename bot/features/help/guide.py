"""The guide to the bot pinned in #help: what attendees and presenters can do, each command a
mention, in the workshop's language.

`/workshop setup` posts and pins it; it is kept like the lobby board: its guild_structure row is
written before Discord is asked (pending) and after it answered (live), a guide deleted by hand
is posted again, and a post a crash interrupted is found again by its marker instead of being
posted twice. The row's purpose names the channel and the version of the text
(`help_message:<channel id>:<digest>`), so a guide whose text changed (a new version of the bot,
or the commands' ids learned after a sync) is edited in place at the next setup or start, and a
guide whose #help was deleted is posted in the new #help.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import defaultdict
from collections.abc import Callable

from bot.core.owned import Outcome
from bot.domain.clock import Clock
from bot.domain.ports import HelpPort
from bot.domain.structure import ItemKind, Purpose, StructureItem
from bot.store.structure_repo import StructureRepository

PREFIX = f"{Purpose.HELP_MESSAGE}:"
MARKER = "workshop-bot · help"


def version(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:16]


class HelpGuide:
    def __init__(
        self,
        objects: StructureRepository,
        port: HelpPort,
        clock: Clock,
        *,
        text: Callable[[int | None], tuple[str, str]],
    ) -> None:
        self._objects = objects
        self._port = port
        self._clock = clock
        self._text = text  # the lobby's channel id -> (title, text) in the workshop's language
        # Setup, the start-up reconcile and a deletion by hand may overlap: one at a time.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def ensure(self, guild_id: int, *, verify: bool = False) -> tuple[Outcome, int] | None:
        """Post, pin or update the guide; None when the guild has no #help (not set up).
        `verify`: ask Discord whether the recorded message still exists (on start)."""
        async with self._locks[guild_id]:
            return await self._ensure(guild_id, verify=verify)

    async def _ensure(self, guild_id: int, *, verify: bool) -> tuple[Outcome, int] | None:
        help_channel = await self._objects.get(guild_id, Purpose.HELP)
        if help_channel is None or help_channel.discord_id is None:
            return None
        channel_id = help_channel.discord_id
        lobby = await self._objects.get(guild_id, Purpose.LOBBY)
        title, text = self._text(lobby.discord_id if lobby else None)
        here = f"{PREFIX}{channel_id}:"
        wanted = here + version(title, text)
        item = await self._current(guild_id, here)
        now = self._clock.now
        if item is not None and item.discord_id is not None:
            message_id = item.discord_id
            alive = not verify or await self._port.message_exists(channel_id, message_id)
            if alive and item.purpose == wanted:
                return Outcome.FOUND, message_id
            if alive and await self._port.edit_guide(
                channel_id, message_id, title, text, marker=MARKER
            ):
                await self._objects.repurpose(guild_id, item.purpose, wanted, now())
                return Outcome.UPDATED, message_id
        elif item is not None and item.pending:
            found = await self._port.find_post(channel_id, MARKER)  # a crash, or a refused pin
            if found is not None and await self._adopt(
                channel_id, found, item, wanted, title, text
            ):
                await self._objects.repurpose(guild_id, item.purpose, wanted, now())
                await self._objects.record(guild_id, wanted, found, now())
                return Outcome.ADOPTED, found
        if item is not None:
            await self._objects.forget(guild_id, item.purpose)
        await self._objects.intend(guild_id, wanted, ItemKind.MESSAGE, Purpose.HELP, now())
        message_id = await self._port.post_guide(channel_id, title, text, marker=MARKER)
        await self._port.pin(channel_id, message_id)
        await self._objects.record(guild_id, wanted, message_id, now())
        return (Outcome.CREATED if item is None else Outcome.RECREATED), message_id

    async def _current(self, guild_id: int, here: str) -> StructureItem | None:
        """The guide's row for this #help; rows for a #help deleted since are forgotten."""
        current = None
        for row in await self._objects.with_prefix(guild_id, PREFIX):
            if current is None and row.purpose.startswith(here):
                current = row
            else:
                await self._objects.forget(guild_id, row.purpose)
        return current

    async def _adopt(
        self,
        channel_id: int,
        message_id: int,
        item: StructureItem,
        wanted: str,
        title: str,
        text: str,
    ) -> bool:
        if item.purpose != wanted and not await self._port.edit_guide(
            channel_id, message_id, title, text, marker=MARKER
        ):
            return False
        return await self._port.pin(channel_id, message_id)
