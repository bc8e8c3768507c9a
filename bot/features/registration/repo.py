"""SQL of registration: registrants, links (ticket -> account), refusals, pending imports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.domain.clock import to_epoch
from bot.features.registration.domain.registrants import Registrant
from bot.store.db import Database


@dataclass(frozen=True)
class Link:
    ticket_key: str
    user_id: int
    state: str  # 'bound' | 'given'
    manual: bool


@dataclass(frozen=True)
class PendingFile:
    id: int
    guild_id: int
    filename: str
    content: bytes
    state: str


def _registrant(row: aiosqlite.Row) -> Registrant:
    return Registrant(
        ticket=row["ticket"],
        key=row["ticket_key"],
        types=tuple(json.loads(row["types"])),
        name=row["name"],
        name_key=row["name_key"],
        cancelled=bool(row["cancelled"]),
    )


def _link(row: aiosqlite.Row) -> Link:
    return Link(row["ticket_key"], row["user_id"], row["state"], bool(row["manual"]))


_REG = "ticket_key, ticket, types, name, name_key, cancelled"


class RegistrationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- registrants -----------------------------------------------------------------------
    async def registrants(self, guild_id: int) -> dict[str, Registrant]:
        rows = await self._db.fetch_all(
            f"SELECT {_REG} FROM registrants WHERE guild_id = ? ORDER BY rowid", (guild_id,)
        )
        return {row["ticket_key"]: _registrant(row) for row in rows}

    async def registrant(self, guild_id: int, key: str) -> Registrant | None:
        row = await self._db.fetch_one(
            f"SELECT {_REG} FROM registrants WHERE guild_id = ? AND ticket_key = ?",
            (guild_id, key),
        )
        return None if row is None else _registrant(row)

    async def store(
        self, guild_id: int, registrants: list[Registrant], import_id: int, now: datetime
    ) -> bool:
        """Upsert the registrants and mark the import applied, in one transaction; False when
        another Confirm won."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE registration_imports SET state = 'applied', content = x'' "
                "WHERE id = ? AND state = 'applying'",
                (import_id,),
            )
            if cursor.rowcount != 1:
                return False
            await conn.executemany(
                "INSERT INTO registrants (guild_id, ticket_key, ticket, types, name, name_key, "
                "cancelled, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, ticket_key) DO UPDATE SET ticket = excluded.ticket, "
                "types = excluded.types, name = excluded.name, name_key = excluded.name_key, "
                "cancelled = excluded.cancelled, updated_at = excluded.updated_at",
                [
                    (
                        guild_id,
                        r.key,
                        r.ticket,
                        json.dumps(list(r.types), ensure_ascii=False),
                        r.name,
                        r.name_key,
                        int(r.cancelled),
                        to_epoch(now),
                    )
                    for r in registrants
                ],
            )
            return True

    # -- links -----------------------------------------------------------------------------
    async def links(self, guild_id: int) -> list[Link]:
        rows = await self._db.fetch_all(
            "SELECT ticket_key, user_id, state, manual FROM registration_links "
            "WHERE guild_id = ? ORDER BY bound_at, ticket_key",
            (guild_id,),
        )
        return [_link(row) for row in rows]

    async def link_of_ticket(self, guild_id: int, key: str) -> Link | None:
        row = await self._db.fetch_one(
            "SELECT ticket_key, user_id, state, manual FROM registration_links "
            "WHERE guild_id = ? AND ticket_key = ?",
            (guild_id, key),
        )
        return None if row is None else _link(row)

    async def links_of_user(self, guild_id: int, user_id: int) -> list[Link]:
        rows = await self._db.fetch_all(
            "SELECT ticket_key, user_id, state, manual FROM registration_links "
            "WHERE guild_id = ? AND user_id = ? ORDER BY bound_at, ticket_key",
            (guild_id, user_id),
        )
        return [_link(row) for row in rows]

    async def bind(
        self, guild_id: int, key: str, user_id: int, now: datetime, *, manual: bool = False
    ) -> Link:
        """Bind the ticket to the account unless it is bound already; the link as it is then."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO registration_links (guild_id, ticket_key, user_id, state, manual, "
                "bound_at) VALUES (?, ?, ?, 'bound', ?, ?) ON CONFLICT DO NOTHING",
                (guild_id, key, user_id, int(manual), to_epoch(now)),
            )
            async with conn.execute(
                "SELECT ticket_key, user_id, state, manual FROM registration_links "
                "WHERE guild_id = ? AND ticket_key = ?",
                (guild_id, key),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _link(row)

    async def set_state(self, guild_id: int, user_id: int, state: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE registration_links SET state = ? WHERE guild_id = ? AND user_id = ?",
                (state, guild_id, user_id),
            )

    async def unbind_user(self, guild_id: int, user_id: int) -> list[str]:
        async with self._db.transaction() as conn:
            async with conn.execute(
                "DELETE FROM registration_links WHERE guild_id = ? AND user_id = ? "
                "RETURNING ticket_key",
                (guild_id, user_id),
            ) as cursor:
                gone = [row[0] for row in await cursor.fetchall()]
            await conn.execute(
                "DELETE FROM registration_refusals WHERE guild_id = ? AND user_id = ?",
                (guild_id, user_id),
            )
        return gone

    async def unbind_ticket(self, guild_id: int, key: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM registration_links WHERE guild_id = ? AND ticket_key = ?",
                (guild_id, key),
            )

    async def pending_links(self) -> list[tuple[int, int]]:
        """(guild, user) of links whose roles were not confirmed given (a restart came)."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT guild_id, user_id FROM registration_links WHERE state = 'bound'"
        )
        return [(row[0], row[1]) for row in rows]

    # -- refusals ----------------------------------------------------------------------------
    async def refuse(self, guild_id: int, key: str, user_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO registration_refusals (guild_id, ticket_key, user_id, at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at",
                (guild_id, key, user_id, to_epoch(now)),
            )

    async def refusals(self, guild_id: int) -> list[tuple[str, int]]:
        rows = await self._db.fetch_all(
            "SELECT ticket_key, user_id FROM registration_refusals WHERE guild_id = ? ORDER BY at",
            (guild_id,),
        )
        return [(row[0], row[1]) for row in rows]

    # -- person (forget-me) ------------------------------------------------------------------
    async def count_person(self, guild_id: int, user_id: int) -> int:
        links = await self._db.fetch_value(
            "SELECT count(*) FROM registration_links WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        refusals = await self._db.fetch_value(
            "SELECT count(*) FROM registration_refusals WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return int(links or 0) + int(refusals or 0)

    async def purge(self, guild_id: int | None = None) -> int:
        """Every registrant, link and refusal (of one guild, or all): retention."""
        where, params = ("WHERE guild_id = ?", (guild_id,)) if guild_id else ("", ())
        total = 0
        async with self._db.transaction() as conn:
            for table in ("registration_refusals", "registration_links", "registrants"):
                cursor = await conn.execute(f"DELETE FROM {table} {where}", params)
                total += max(cursor.rowcount, 0)
        return total

    async def has_rows(self, guild_id: int) -> bool:
        found = await self._db.fetch_value(
            "SELECT EXISTS (SELECT 1 FROM registrants WHERE guild_id = ?) OR EXISTS "
            "(SELECT 1 FROM registration_links WHERE guild_id = ?)",
            (guild_id, guild_id),
        )
        return bool(found)

    async def purge_older(self, guild_id: int, cutoff: int) -> int:
        """Registrants last imported before `cutoff` (epoch seconds), the links and refusals
        of tickets no longer listed, and links bound before it."""
        total = 0
        async with self._db.transaction() as conn:
            for sql, params in (
                (
                    "DELETE FROM registrants WHERE guild_id = ? AND updated_at < ?",
                    (guild_id, cutoff),
                ),
                (
                    "DELETE FROM registration_links WHERE guild_id = ? AND (bound_at < ? OR "
                    "ticket_key NOT IN (SELECT ticket_key FROM registrants WHERE guild_id = ?))",
                    (guild_id, cutoff, guild_id),
                ),
                (
                    "DELETE FROM registration_refusals WHERE guild_id = ? AND (at < ? OR "
                    "ticket_key NOT IN (SELECT ticket_key FROM registrants WHERE guild_id = ?))",
                    (guild_id, cutoff, guild_id),
                ),
                (
                    "DELETE FROM registration_imports WHERE guild_id = ? AND created_at < ?",
                    (guild_id, cutoff),
                ),
            ):
                cursor = await conn.execute(sql, params)
                total += max(cursor.rowcount, 0)
        return total

    # -- pending files -----------------------------------------------------------------------
    async def add_file(
        self, guild_id: int, actor_id: int, filename: str, content: bytes, now: datetime
    ) -> int:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO registration_imports (guild_id, actor_id, filename, content, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                (guild_id, actor_id, filename, content, to_epoch(now)),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    async def file(self, import_id: int) -> PendingFile | None:
        row = await self._db.fetch_one(
            "SELECT id, guild_id, filename, content, state FROM registration_imports WHERE id = ?",
            (import_id,),
        )
        if row is None:
            return None
        return PendingFile(
            row["id"], row["guild_id"], row["filename"], bytes(row["content"]), row["state"]
        )

    async def move_file(self, import_id: int, from_state: str, to_state: str) -> bool:
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE registration_imports SET state = ? WHERE id = ? AND state = ?",
                (to_state, import_id, from_state),
            )
            if to_state == "discarded" and cursor.rowcount == 1:
                await conn.execute(
                    "UPDATE registration_imports SET content = x'' WHERE id = ?", (import_id,)
                )
            return cursor.rowcount == 1
