"""attendance and attendance_heartbeat: voice stays, written in batches by the recorder."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass

from bot.features.attendance.domain.stays import OTHER, Place, PlaceKind, Stay, place_of_purpose
from bot.features.attendance.domain.tracker import Changes, Key, OpenStay
from bot.store.db import Database

EXPORT_CHUNK = 1000
_PLACE_SQL_CHUNK = 500  # channel ids per IN (...) lookup


@dataclass(frozen=True, slots=True)
class ExportRow:
    user_id: int
    display_name: str
    channel_id: int
    channel_name: str
    place_kind: str
    place_id: int | None
    joined_at: int
    left_at: int | None


@dataclass(frozen=True, slots=True)
class PlaceTotal:
    """One place in a person's record: what it was, what it is called, how long they were in."""

    kind: PlaceKind
    place_id: int | None
    name: str
    first_joined: int
    seconds: int


class AttendanceRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Other features' channels that count toward a session (purpose -> session id or None).
        self.session_places: list[Callable[[str], int | None]] = []

    # -- the recorder ----------------------------------------------------------------------------

    async def heartbeat(self) -> int | None:
        value = await self._db.fetch_value("SELECT beat_at FROM attendance_heartbeat WHERE id = 1")
        return None if value is None else int(value)

    async def left_open(self) -> tuple[list[tuple[Key, OpenStay]], int | None]:
        """The rows still open (a previous run's, on a new process) and the last moment that
        run vouched for (its last sign of life)."""
        beat = await self.heartbeat()
        rows = await self._db.fetch_all(
            "SELECT guild_id, user_id, display_name, channel_id, channel_name, place_kind, "
            "place_id, joined_at, recovered, voice_session FROM attendance "
            "WHERE left_at IS NULL ORDER BY id"
        )
        stays = [
            (
                (int(r["guild_id"]), int(r["user_id"])),
                OpenStay(
                    channel_id=int(r["channel_id"]),
                    channel_name=str(r["channel_name"]),
                    display_name=str(r["display_name"]),
                    place=Place(PlaceKind(r["place_kind"]), r["place_id"]),
                    joined_at=int(r["joined_at"]),
                    recovered=bool(r["recovered"]),
                    stored=True,
                    session=r["voice_session"],
                ),
            )
            for r in rows
        ]
        return stays, beat

    async def places(self, channel_ids: Iterable[int]) -> dict[int, Place]:
        """What each channel is, from the purpose the bot owns it for (unknown: other)."""
        ids = list(channel_ids)
        found: dict[int, Place] = {}
        for start in range(0, len(ids), _PLACE_SQL_CHUNK):
            chunk = ids[start : start + _PLACE_SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self._db.fetch_all(
                f"SELECT discord_id, purpose FROM guild_structure WHERE discord_id IN ({marks})",
                chunk,
            )
            for row in rows:
                found[int(row[0])] = self._place(str(row[1]))
        return {channel: found.get(channel, OTHER) for channel in ids}

    def _place(self, purpose: str) -> Place:
        place = place_of_purpose(purpose)
        if place is OTHER:
            for reader in self.session_places:
                session_id = reader(purpose)
                if session_id is not None:
                    return Place(PlaceKind.SESSION, session_id)
        return place

    async def write(self, changes: Changes) -> dict[int, int]:
        """One transaction. Returns, per forget token, how many stored rows were deleted."""
        deleted: dict[int, int] = {}
        async with self._db.transaction() as conn:
            for guild_id, user_id, token in changes.forgets:
                cursor = await conn.execute(
                    "DELETE FROM attendance WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
                )
                deleted[token] = cursor.rowcount
            if changes.drops:
                await conn.executemany(
                    "DELETE FROM attendance WHERE guild_id = ? AND user_id = ? AND left_at IS NULL",
                    changes.drops,
                )
            if changes.closes:
                await conn.executemany(
                    "UPDATE attendance SET left_at = ?, recovered = ?, voice_session = NULL "
                    "WHERE guild_id = ? AND user_id = ? AND left_at IS NULL",
                    [(c.left_at, int(c.recovered), c.guild_id, c.user_id) for c in changes.closes],
                )
            if changes.inserts:
                await conn.executemany(
                    "INSERT INTO attendance (guild_id, user_id, display_name, channel_id, "
                    "channel_name, place_kind, place_id, joined_at, left_at, recovered, "
                    "voice_session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            r.guild_id,
                            r.user_id,
                            r.display_name,
                            r.channel_id,
                            r.channel_name,
                            r.place.kind.value,
                            r.place.id,
                            r.joined_at,
                            r.left_at,
                            int(r.recovered),
                            r.session if r.left_at is None else None,
                        )
                        for r in changes.inserts
                    ],
                )
            if changes.heartbeat is not None:
                await conn.execute(
                    "INSERT INTO attendance_heartbeat (id, beat_at) VALUES (1, ?) "
                    "ON CONFLICT (id) DO UPDATE SET beat_at = max(beat_at, excluded.beat_at)",
                    (changes.heartbeat,),
                )
        return deleted

    # -- privacy -------------------------------------------------------------------------------

    async def count(self, guild_id: int, user_id: int) -> int:
        value = await self._db.fetch_value(
            "SELECT count(*) FROM attendance WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return int(value or 0)

    async def delete_person(self, guild_id: int, user_id: int) -> int:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM attendance WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            return cursor.rowcount

    async def has_rows(self, guild_id: int) -> bool:
        value = await self._db.fetch_value(
            "SELECT EXISTS (SELECT 1 FROM attendance WHERE guild_id = ?)", (guild_id,)
        )
        return bool(value)

    async def purge(self, guild_id: int, before: int) -> int:
        """Delete the guild's stays that ended before `before`."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM attendance WHERE guild_id = ? AND left_at IS NOT NULL AND left_at < ?",
                (guild_id, before),
            )
            return cursor.rowcount

    # -- reports ---------------------------------------------------------------------------------

    async def person(self, guild_id: int, user_id: int, now: int) -> list[PlaceTotal]:
        """A person's places, named as they are now (session title, room topic) or were."""
        rows = await self._db.fetch_all(
            """
            SELECT a.place_kind, a.place_id, min(a.joined_at) AS first_joined,
                   sum(coalesce(a.left_at, max(?, a.joined_at)) - a.joined_at) AS seconds,
                   coalesce(s.title, r.topic, a.channel_name) AS name
            FROM attendance AS a
            LEFT JOIN sessions AS s
                ON a.place_kind IN ('session', 'poster') AND s.id = a.place_id
            LEFT JOIN rooms AS r ON a.place_kind = 'room' AND r.id = a.place_id
            WHERE a.guild_id = ? AND a.user_id = ?
            GROUP BY a.place_kind, coalesce(a.place_id, -a.channel_id)
            ORDER BY first_joined
            """,
            (now, guild_id, user_id),
        )
        return [
            PlaceTotal(
                kind=PlaceKind(row["place_kind"]),
                place_id=row["place_id"],
                name=str(row["name"]),
                first_joined=int(row["first_joined"]),
                seconds=int(row["seconds"]),
            )
            for row in rows
        ]

    async def spans(self, guild_id: int, user_id: int, now: int) -> list[tuple[int, int]]:
        rows = await self._db.fetch_all(
            "SELECT joined_at, coalesce(left_at, max(?, joined_at)) FROM attendance "
            "WHERE guild_id = ? AND user_id = ?",
            (now, guild_id, user_id),
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    async def session_stays(self, guild_id: int, session_id: int, now: int) -> list[Stay]:
        """Every stay in a session's places (its channel; a poster session's boards)."""
        rows = await self._db.fetch_all(
            "SELECT user_id, display_name, joined_at, left_at FROM attendance "
            "WHERE guild_id = ? AND place_kind IN ('session', 'poster') AND place_id = ? "
            "ORDER BY joined_at, id",
            (guild_id, session_id),
        )
        return [
            Stay(
                user_id=int(r["user_id"]),
                display_name=str(r["display_name"]),
                start=int(r["joined_at"]),
                end=int(r["left_at"]) if r["left_at"] is not None else max(now, r["joined_at"]),
                still_inside=r["left_at"] is None,
            )
            for r in rows
        ]

    async def session_totals(self, guild_id: int, now: int) -> dict[int, tuple[int, int]]:
        """session -> (people with a stay, seconds present), over sessions and poster boards."""
        rows = await self._db.fetch_all(
            """
            SELECT place_id, count(DISTINCT user_id),
                   sum(coalesce(left_at, max(?, joined_at)) - joined_at)
            FROM attendance
            WHERE guild_id = ? AND place_kind IN ('session', 'poster')
              AND coalesce(left_at, ?) > joined_at
            GROUP BY place_id
            """,
            (now, guild_id, now),
        )
        return {int(r[0]): (int(r[1]), int(r[2])) for r in rows}

    async def export_rows(
        self, guild_id: int, chunk: int = EXPORT_CHUNK
    ) -> AsyncIterator[list[ExportRow]]:
        """Every row of a guild, oldest first, `chunk` rows per query (never all at once)."""
        after = 0
        while True:
            rows = await self._db.fetch_all(
                "SELECT id, user_id, display_name, channel_id, channel_name, place_kind, "
                "place_id, joined_at, left_at FROM attendance "
                "WHERE guild_id = ? AND id > ? ORDER BY id LIMIT ?",
                (guild_id, after, chunk),
            )
            if not rows:
                return
            after = int(rows[-1]["id"])
            yield [
                ExportRow(
                    user_id=int(r["user_id"]),
                    display_name=str(r["display_name"]),
                    channel_id=int(r["channel_id"]),
                    channel_name=str(r["channel_name"]),
                    place_kind=str(r["place_kind"]),
                    place_id=r["place_id"],
                    joined_at=int(r["joined_at"]),
                    left_at=r["left_at"],
                )
                for r in rows
            ]

    async def guilds(self) -> list[int]:
        rows = await self._db.fetch_all("SELECT DISTINCT guild_id FROM attendance")
        return [int(r[0]) for r in rows]
