"""jobs: durable timers (reminders, open, close, the scheduled-event window)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.domain.clock import from_epoch, to_epoch
from bot.store.db import Database
from bot.store.uow import Transaction

# The caller's open transaction: the unit of work's Transaction, or the connection itself where
# a caller still opens `Database.transaction()`.
Writer = Transaction | aiosqlite.Connection

_COLUMNS = "id, guild_id, kind, subject_id, due_at, state, attempts"


@dataclass(frozen=True)
class Job:
    id: int
    guild_id: int
    kind: str
    subject_id: int
    due_at: datetime
    state: str
    attempts: int

    @property
    def interrupted(self) -> bool:
        """It was claimed by a run that did not finish (a crash): its effect may be half done."""
        return self.state == "running"


def _job(row: aiosqlite.Row) -> Job:
    return Job(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        subject_id=row["subject_id"],
        due_at=from_epoch(row["due_at"]),
        state=row["state"],
        attempts=row["attempts"],
    )


class JobRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def schedule(
        self,
        conn: Writer,
        guild_id: int,
        kind: str,
        subject_id: int,
        due: datetime,
        now: datetime,
    ) -> None:
        """Set the one pending job of (kind, subject) to `due` (inside the caller's transaction)."""
        await conn.execute(
            "DELETE FROM jobs WHERE kind = ? AND subject_id = ? AND state = 'pending'",
            (kind, subject_id),
        )
        await conn.execute(
            "INSERT INTO jobs (guild_id, kind, subject_id, due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, kind, subject_id, to_epoch(due), to_epoch(now)),
        )

    async def schedule_earliest(
        self,
        conn: Writer,
        guild_id: int,
        kind: str,
        subject_id: int,
        due: datetime,
        now: datetime,
    ) -> None:
        """Like `schedule`, but an earlier pending job of (kind, subject) is kept."""
        async with conn.execute(
            "SELECT due_at FROM jobs WHERE kind = ? AND subject_id = ? AND state = 'pending'",
            (kind, subject_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is not None and int(row[0]) <= to_epoch(due):
            return
        await self.schedule(conn, guild_id, kind, subject_id, due, now)

    async def cancel(self, conn: Writer, subject_id: int, kinds: tuple[str, ...]) -> None:
        marks = ",".join("?" * len(kinds))
        await conn.execute(
            f"DELETE FROM jobs WHERE subject_id = ? AND kind IN ({marks}) AND state = 'pending'",
            (subject_id, *kinds),
        )

    async def cancel_guild(self, conn: Writer, guild_id: int, keep: tuple[str, ...]) -> int:
        """Cancel every pending job of a guild except the kinds `keep` (or starting with a
        `keep` entry ending in `.`); returns how many."""
        kept = " ".join(
            "AND substr(kind, 1, ?) != ?" if k.endswith(".") else "AND kind != ?" for k in keep
        )
        params: list[object] = []
        for k in keep:
            params.extend((len(k), k) if k.endswith(".") else (k,))
        cursor = await conn.execute(
            f"DELETE FROM jobs WHERE guild_id = ? AND state = 'pending' {kept}",
            (guild_id, *params),
        )
        return cursor.rowcount

    async def due(self, now: datetime, limit: int = 100) -> list[Job]:
        """Interrupted jobs first, then pending ones whose time has come, oldest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM jobs WHERE state = 'running' "
            f"   OR (state = 'pending' AND due_at <= ?) "
            "ORDER BY state = 'pending', due_at, id LIMIT ?",
            (to_epoch(now), limit),
        )
        return [_job(r) for r in rows]

    async def next_due(self) -> datetime | None:
        value = await self._db.fetch_value("SELECT min(due_at) FROM jobs WHERE state = 'pending'")
        return None if value is None else from_epoch(int(value))

    async def claim(self, job: Job, now: datetime) -> bool:
        """pending -> running (attempts + 1). False if another run got it or it was cancelled."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1 "
                "WHERE id = ? AND state IN ('pending', 'running')",
                (job.id,),
            )
            return cursor.rowcount == 1

    async def finish(
        self, job_id: int, state: str, now: datetime, error: str | None = None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE jobs SET state = ?, finished_at = ?, last_error = ? WHERE id = ?",
                (state, to_epoch(now), error, job_id),
            )

    async def retry_later(self, job_id: int, due: datetime, error: str) -> None:
        """Back to pending at `due`, unless a newer pending job of the same kind and subject was
        scheduled meanwhile (it supersedes this one, which is then dropped)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = 'pending', due_at = ?, last_error = ? WHERE id = ? "
                "AND NOT EXISTS (SELECT 1 FROM jobs AS other WHERE other.kind = jobs.kind "
                "AND other.subject_id = jobs.subject_id AND other.state = 'pending')",
                (to_epoch(due), error, job_id),
            )
            if cursor.rowcount == 0:
                await conn.execute(
                    "UPDATE jobs SET state = 'dropped', last_error = ? WHERE id = ?",
                    (error, job_id),
                )

    async def pending_of(self, guild_id: int, kinds: tuple[str, ...]) -> list[Job]:
        marks = ",".join("?" * len(kinds))
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM jobs WHERE guild_id = ? AND state = 'pending' "
            f"AND kind IN ({marks})",
            (guild_id, *kinds),
        )
        return [_job(r) for r in rows]

    async def restore_pending(
        self,
        conn: Writer,
        guild_id: int,
        kinds: tuple[str, ...],
        jobs: list[Job],
        now: datetime,
    ) -> None:
        """(In the caller's transaction) the guild's pending jobs of `kinds` as `jobs` were."""
        marks = ",".join("?" * len(kinds))
        await conn.execute(
            f"DELETE FROM jobs WHERE guild_id = ? AND state = 'pending' AND kind IN ({marks})",
            (guild_id, *kinds),
        )
        for job in jobs:
            await conn.execute(
                "INSERT INTO jobs (guild_id, kind, subject_id, due_at, attempts, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    job.guild_id,
                    job.kind,
                    job.subject_id,
                    to_epoch(job.due_at),
                    job.attempts,
                    to_epoch(now),
                ),
            )

    async def for_subject(self, subject_id: int) -> list[Job]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM jobs WHERE subject_id = ? ORDER BY due_at, id", (subject_id,)
        )
        return [_job(r) for r in rows]

    async def history(self, kind: str | None = None) -> list[Job]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM jobs WHERE ? IS NULL OR kind = ? ORDER BY id", (kind, kind)
        )
        return [_job(r) for r in rows]
