"""sessions: the programme of each guild."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.clock import from_epoch, to_epoch
from bot.features.sessions.domain.model import Session, SessionDraft, SessionKind, SessionStatus
from bot.store.db import Database
from bot.store.uow import Transaction

_COLUMNS = (
    "id, guild_id, title, kind, start_at, end_at, track, description, location, external_id, "
    "speakers, chair_id, speaker_ids, status, created_at, updated_at"
)


def _session(row: aiosqlite.Row) -> Session:
    return Session(
        id=row["id"],
        guild_id=row["guild_id"],
        title=row["title"],
        kind=SessionKind(row["kind"]),
        start=from_epoch(row["start_at"]),
        end=from_epoch(row["end_at"]),
        track=row["track"],
        description=row["description"],
        location=row["location"],
        external_id=row["external_id"],
        speakers=row["speakers"],
        chair_id=row["chair_id"],
        speaker_ids=tuple(json.loads(row["speaker_ids"] or "[]")),
        status=SessionStatus(row["status"]),
        created_at=from_epoch(row["created_at"]),
        updated_at=from_epoch(row["updated_at"]),
    )


def _draft_values(draft: SessionDraft) -> tuple[Any, ...]:
    return (
        draft.title,
        draft.kind.value,
        to_epoch(draft.start),
        to_epoch(draft.end),
        draft.track,
        draft.description,
        draft.location,
        draft.external_id,
        draft.speakers,
        draft.chair_id,
        json.dumps(list(draft.speaker_ids)),
    )


class SessionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        tx: Transaction,
        guild_id: int,
        draft: SessionDraft,
        now: datetime,
        source: str = "command",
    ) -> int:
        """Insert inside the caller's transaction; returns the new id. `source`: command, import
        or poster (a re-import only ever removes sessions that came from a file)."""
        cursor = await tx.execute(
            "INSERT INTO sessions (guild_id, title, kind, start_at, end_at, track, description, "
            "location, external_id, speakers, chair_id, speaker_ids, source, status, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?)",
            (guild_id, *_draft_values(draft), source, to_epoch(now), to_epoch(now)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def update(
        self, tx: Transaction, session_id: int, draft: SessionDraft, now: datetime
    ) -> None:
        await tx.execute(
            "UPDATE sessions SET title = ?, kind = ?, start_at = ?, end_at = ?, track = ?, "
            "description = ?, location = ?, external_id = ?, speakers = ?, chair_id = ?, "
            "speaker_ids = ?, updated_at = ? WHERE id = ?",
            (*_draft_values(draft), to_epoch(now), session_id),
        )

    async def set_status(
        self, tx: Transaction, session_id: int, status: SessionStatus, now: datetime
    ) -> None:
        await tx.execute(
            "UPDATE sessions SET status = ?, updated_at = ? WHERE id = ?",
            (status.value, to_epoch(now), session_id),
        )

    async def get(self, session_id: int) -> Session | None:
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
        )
        return None if row is None else _session(row)

    async def in_guild(self, guild_id: int, *, include_cancelled: bool = True) -> list[Session]:
        where = "" if include_cancelled else " AND status != 'cancelled'"
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM sessions WHERE guild_id = ?{where} ORDER BY start_at, id",
            (guild_id,),
        )
        return [_session(r) for r in rows]

    async def between(self, guild_id: int, start: datetime, end: datetime) -> list[Session]:
        """Sessions overlapping [start, end), cancelled ones included."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM sessions WHERE guild_id = ? AND start_at < ? AND end_at > ? "
            "ORDER BY start_at, id",
            (guild_id, to_epoch(end), to_epoch(start)),
        )
        return [_session(r) for r in rows]

    async def find_by_title(self, guild_id: int, text: str, limit: int = 25) -> list[Session]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM sessions WHERE guild_id = ? AND title LIKE ? ESCAPE '\\' "
            "ORDER BY status = 'cancelled', start_at LIMIT ?",
            (guild_id, "%" + _escape_like(text) + "%", limit),
        )
        return [_session(r) for r in rows]

    async def with_exact_title(self, guild_id: int, title: str) -> list[Session]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM sessions WHERE guild_id = ? AND title = ? ORDER BY start_at",
            (guild_id, title),
        )
        return [_session(r) for r in rows]

    async def imported_ids(self, guild_id: int) -> set[int]:
        rows = await self._db.fetch_all(
            "SELECT id FROM sessions WHERE guild_id = ? AND source = 'import'", (guild_id,)
        )
        return {int(r[0]) for r in rows}

    async def all_guilds(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT DISTINCT guild_id FROM sessions")
        return [int(r[0]) for r in rows]

    async def rows(self, guild_id: int) -> list[dict[str, Any]]:
        """Every column of the guild's sessions, to put back exactly (`restore`)."""
        rows = await self._db.fetch_all("SELECT * FROM sessions WHERE guild_id = ?", (guild_id,))
        return [dict(r) for r in rows]

    async def restore(self, tx: Transaction, guild_id: int, rows: list[dict[str, Any]]) -> set[int]:
        """(In the caller's transaction) the guild's sessions as `rows` had them: sessions added
        since are deleted (with what hangs on them), changed ones are put back. Returns the ids
        deleted."""
        kept = {int(r["id"]) for r in rows}
        async with tx.execute("SELECT id FROM sessions WHERE guild_id = ?", (guild_id,)) as cur:
            added = {int(r[0]) for r in await cur.fetchall()} - kept
        for session_id in added:
            await tx.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        for row in rows:
            columns = [c for c in row if c != "id"]
            await tx.execute(
                f"UPDATE sessions SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                (*(row[c] for c in columns), row["id"]),
            )
        return added

    async def many(self, ids: Iterable[int]) -> list[Session]:
        wanted = list(ids)
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM sessions WHERE id IN ({marks}) ORDER BY start_at, id", wanted
        )
        return [_session(r) for r in rows]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
