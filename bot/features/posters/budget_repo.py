"""Channels the programme has promised but not made yet: a poster session's board voice
channels (and their categories) appear only shortly before it starts."""

from __future__ import annotations

from bot.domain.limits import board_channels
from bot.features.posters import keys as poster_keys
from bot.store.db import Database


class BudgetRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def promised_channels(self, guild_id: int) -> int:
        rows = await self._db.fetch_all(
            "SELECT s.id, count(b.id) FROM sessions AS s JOIN poster_boards AS b "
            "ON b.session_id = s.id WHERE s.guild_id = ? AND s.kind = 'poster' "
            "AND s.status IN ('scheduled', 'open') GROUP BY s.id",
            (guild_id,),
        )
        promised = 0
        for session_id, boards in rows:
            made = await self._db.fetch_value(
                "SELECT count(*) FROM guild_structure WHERE guild_id = ? AND state = 'live' "
                "AND (purpose LIKE ? OR purpose LIKE ?)",
                (
                    guild_id,
                    poster_keys.voice_pattern(session_id),
                    poster_keys.category_pattern(session_id),
                ),
            )
            promised += max(0, board_channels(int(boards)) - int(made or 0))
        return promised
