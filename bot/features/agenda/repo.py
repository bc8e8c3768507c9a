"""SQL of the personal agenda (tables of 0011_agenda.sql)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_epoch, to_epoch
from bot.features.agenda.domain import DEFAULT_MODE, Mode, Snapshot, Source
from bot.store.db import Database


@dataclass(frozen=True)
class Subscriber:
    user_id: int
    mode: Mode
    reminded_start: datetime | None
    noticed: str | None


class AgendaRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- entries ---------------------------------------------------------------------------------

    async def add(
        self, guild_id: int, user_id: int, session_id: int, source: Source, now: datetime
    ) -> bool:
        """Put the session on the person's agenda; True when it was not shown before."""
        column = "via_event" if source is Source.EVENT else "via_command"
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT hidden, via_event, via_command FROM agenda_entries "
                "WHERE guild_id = ? AND user_id = ? AND session_id = ?",
                (guild_id, user_id, session_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                await conn.execute(
                    f"INSERT INTO agenda_entries (guild_id, user_id, session_id, {column}, "
                    "added_at) VALUES (?, ?, ?, 1, ?)",
                    (guild_id, user_id, session_id, to_epoch(now)),
                )
                return True
            await conn.execute(
                f"UPDATE agenda_entries SET {column} = 1, hidden = 0 "
                "WHERE guild_id = ? AND user_id = ? AND session_id = ?",
                (guild_id, user_id, session_id),
            )
            return bool(row["hidden"])

    async def remove_interest(self, guild_id: int, user_id: int, session_id: int) -> bool:
        """Interested taken back on the event: gone unless also added by command. True when it
        was on the agenda and is no more."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE agenda_entries SET via_event = 0 "
                "WHERE guild_id = ? AND user_id = ? AND session_id = ?",
                (guild_id, user_id, session_id),
            )
            cursor = await conn.execute(
                "DELETE FROM agenda_entries WHERE guild_id = ? AND user_id = ? AND session_id = ? "
                "AND (via_command = 0 OR hidden = 1)",
                (guild_id, user_id, session_id),
            )
            return cursor.rowcount > 0

    async def remove_by_command(self, guild_id: int, user_id: int, session_id: int) -> bool:
        """/agenda remove: gone (kept hidden while Interested on the event). True when it was
        shown."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT via_event, hidden FROM agenda_entries "
                "WHERE guild_id = ? AND user_id = ? AND session_id = ?",
                (guild_id, user_id, session_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None or row["hidden"]:
                return False
            if row["via_event"]:
                await conn.execute(
                    "UPDATE agenda_entries SET hidden = 1, via_command = 0 "
                    "WHERE guild_id = ? AND user_id = ? AND session_id = ?",
                    (guild_id, user_id, session_id),
                )
            else:
                await conn.execute(
                    "DELETE FROM agenda_entries "
                    "WHERE guild_id = ? AND user_id = ? AND session_id = ?",
                    (guild_id, user_id, session_id),
                )
            return True

    async def sessions_of(self, guild_id: int, user_id: int) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT session_id FROM agenda_entries WHERE guild_id = ? AND user_id = ? "
            "AND hidden = 0 ORDER BY session_id",
            (guild_id, user_id),
        )
        return [int(r[0]) for r in rows]

    async def sessions_with_subscribers(self, guild_id: int) -> dict[int, int]:
        """session id -> how many have it on their agenda (shown entries)."""
        rows = await self._db.fetch_all(
            "SELECT session_id, count(*) FROM agenda_entries WHERE guild_id = ? AND hidden = 0 "
            "GROUP BY session_id",
            (guild_id,),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def subscribers(self, session_id: int) -> list[Subscriber]:
        rows = await self._db.fetch_all(
            "SELECT e.user_id, p.mode, e.reminded_start, e.noticed FROM agenda_entries AS e "
            "LEFT JOIN agenda_prefs AS p ON p.guild_id = e.guild_id AND p.user_id = e.user_id "
            "WHERE e.session_id = ? AND e.hidden = 0 ORDER BY e.user_id",
            (session_id,),
        )
        return [
            Subscriber(
                user_id=int(r[0]),
                mode=Mode(r[1]) if r[1] else DEFAULT_MODE,
                reminded_start=None if r[2] is None else from_epoch(int(r[2])),
                noticed=r[3],
            )
            for r in rows
        ]

    async def mark_reminded(
        self, session_id: int, user_ids: Iterable[int], start: datetime
    ) -> None:
        users = list(user_ids)
        if not users:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(
                "UPDATE agenda_entries SET reminded_start = ? WHERE session_id = ? AND user_id = ?",
                [(to_epoch(start), session_id, u) for u in users],
            )

    async def mark_noticed(self, session_id: int, user_ids: Iterable[int], key: str) -> None:
        users = list(user_ids)
        if not users:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(
                "UPDATE agenda_entries SET noticed = ? WHERE session_id = ? AND user_id = ?",
                [(key, session_id, u) for u in users],
            )

    async def interested(self, session_id: int) -> set[int]:
        """Who the bot holds as Interested on the session's event (hidden entries included)."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM agenda_entries WHERE session_id = ? AND via_event = 1",
            (session_id,),
        )
        return {int(r[0]) for r in rows}

    async def set_interested(
        self, guild_id: int, session_id: int, users: set[int], now: datetime
    ) -> tuple[set[int], set[int]]:
        """The event's subscriber list as Discord has it: (added, removed) user ids."""
        held = await self.interested(session_id)
        added, removed = users - held, held - users
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO agenda_entries (guild_id, user_id, session_id, via_event, added_at) "
                "VALUES (?, ?, ?, 1, ?) ON CONFLICT (guild_id, user_id, session_id) "
                "DO UPDATE SET via_event = 1",
                [(guild_id, u, session_id, to_epoch(now)) for u in sorted(added)],
            )
            await conn.executemany(
                "UPDATE agenda_entries SET via_event = 0 "
                "WHERE guild_id = ? AND user_id = ? AND session_id = ?",
                [(guild_id, u, session_id) for u in sorted(removed)],
            )
            await conn.execute(
                "DELETE FROM agenda_entries WHERE session_id = ? AND via_event = 0 "
                "AND (via_command = 0 OR hidden = 1)",
                (session_id,),
            )
        return added, removed

    # -- preferences -----------------------------------------------------------------------------

    async def mode(self, guild_id: int, user_id: int) -> Mode:
        value = await self._db.fetch_value(
            "SELECT mode FROM agenda_prefs WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return DEFAULT_MODE if value is None else Mode(value)

    async def set_mode(self, guild_id: int, user_id: int, mode: Mode) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO agenda_prefs (guild_id, user_id, mode) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET mode = excluded.mode",
                (guild_id, user_id, mode.value),
            )

    # -- what subscribers last heard of a session -------------------------------------------------

    async def snapshot(self, session_id: int) -> tuple[Snapshot, datetime | None] | None:
        row = await self._db.fetch_one(
            "SELECT title, start_at, end_at, place, cancelled, reminded_start "
            "FROM agenda_sessions WHERE session_id = ?",
            (session_id,),
        )
        if row is None:
            return None
        shot = Snapshot(
            title=row["title"],
            start=from_epoch(row["start_at"]),
            end=from_epoch(row["end_at"]),
            place=row["place"],
            cancelled=bool(row["cancelled"]),
        )
        reminded = row["reminded_start"]
        return shot, None if reminded is None else from_epoch(int(reminded))

    async def snapshots(self, guild_id: int) -> dict[int, Snapshot]:
        rows = await self._db.fetch_all(
            "SELECT session_id, title, start_at, end_at, place, cancelled FROM agenda_sessions "
            "WHERE guild_id = ?",
            (guild_id,),
        )
        return {
            int(r["session_id"]): Snapshot(
                title=r["title"],
                start=from_epoch(r["start_at"]),
                end=from_epoch(r["end_at"]),
                place=r["place"],
                cancelled=bool(r["cancelled"]),
            )
            for r in rows
        }

    async def put_snapshot(self, guild_id: int, session_id: int, shot: Snapshot) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO agenda_sessions (session_id, guild_id, title, start_at, end_at, "
                "place, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE "
                "SET title = excluded.title, start_at = excluded.start_at, "
                "end_at = excluded.end_at, place = excluded.place, cancelled = excluded.cancelled",
                (
                    session_id,
                    guild_id,
                    shot.title,
                    to_epoch(shot.start),
                    to_epoch(shot.end),
                    shot.place,
                    int(shot.cancelled),
                ),
            )

    async def set_wave_done(self, session_id: int, start: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE agenda_sessions SET reminded_start = ? WHERE session_id = ?",
                (to_epoch(start), session_id),
            )

    # -- the events' subscriber lists as last read ------------------------------------------------

    async def synced(self, guild_id: int) -> dict[int, int]:
        """event id -> how many subscribers it had when last read."""
        rows = await self._db.fetch_all(
            "SELECT event_id, users FROM agenda_event_sync WHERE guild_id = ?", (guild_id,)
        )
        return {int(r[0]): int(r[1]) for r in rows}

    async def set_synced(
        self, guild_id: int, event_id: int, session_id: int, users: int, now: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO agenda_event_sync (event_id, guild_id, session_id, users, synced_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET "
                "users = excluded.users, synced_at = excluded.synced_at",
                (event_id, guild_id, session_id, users, to_epoch(now)),
            )

    async def bump_synced(self, event_id: int, delta: int) -> None:
        """A live add/remove keeps the count in step with Discord's."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE agenda_event_sync SET users = max(0, users + ?) WHERE event_id = ?",
                (delta, event_id),
            )

    # -- a person's data -------------------------------------------------------------------------

    async def count_person(self, guild_id: int, user_id: int) -> int:
        value = await self._db.fetch_value(
            "SELECT (SELECT count(*) FROM agenda_entries WHERE guild_id = ? AND user_id = ?) + "
            "(SELECT count(*) FROM agenda_prefs WHERE guild_id = ? AND user_id = ?)",
            (guild_id, user_id, guild_id, user_id),
        )
        return int(value or 0)

    async def forget_person(self, guild_id: int, user_id: int) -> int:
        async with self._db.transaction() as conn:
            entries = await conn.execute(
                "DELETE FROM agenda_entries WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            prefs = await conn.execute(
                "DELETE FROM agenda_prefs WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
            return int(entries.rowcount) + int(prefs.rowcount)
