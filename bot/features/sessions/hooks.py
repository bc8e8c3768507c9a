"""What the programme's replies ask of a personal agenda, when a feature offers one (exposed as
`agenda_reader`): the reader's sessions (★ in `/schedule show` and `/session list`) and the
＋ My agenda button of `/session info`. The sessions feature knows only this protocol."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import discord

READER = "agenda_reader"


@runtime_checkable
class ReaderAgenda(Protocol):
    async def marked(self, guild_id: int, user_id: int) -> frozenset[int]:
        """The sessions on this person's agenda."""
        ...

    def info_view(self, session_id: int, locale: str) -> discord.ui.View | None:
        """The buttons under a session's info (None: none)."""
        ...
