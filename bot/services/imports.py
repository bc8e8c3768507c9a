"""Importing a schedule file: preview first (nothing changes), apply on Confirm.

The uploaded file is kept in the database between the two steps, so the Confirm button works after
a restart too. On Confirm the file is read again against the programme as it is then: if anything
changed in between, the organizer gets the problems instead of a surprise.

A re-import updates the sessions it matches (by external id, else title + start) and cancels only
sessions that came from an earlier import and are missing from the file; sessions created by
hand are never removed by a file, and the file's sessions must not overlap them.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, InvalidInput, NotFound
from bot.domain.schedule_import import ImportPreview, parse_schedule, preview_import
from bot.domain.schedule_import.rows import ImportProblem
from bot.domain.sessions.model import Session, SessionStatus
from bot.domain.sessions.rules import find_conflicts
from bot.services.sessions import SessionService
from bot.store.import_repo import ImportRepository
from bot.store.session_repo import SessionRepository


@dataclass(frozen=True)
class ImportPlan:
    import_id: int
    filename: str
    format: str
    preview: ImportPreview


class ImportService:
    def __init__(
        self,
        imports: ImportRepository,
        sessions: SessionService,
        session_repo: SessionRepository,
        clock: Clock,
    ) -> None:
        self._imports = imports
        self._sessions = sessions
        self._repo = session_repo
        self._clock = clock

    async def preview(self, guild_id: int, actor_id: int, filename: str, data: bytes) -> ImportPlan:
        fmt, preview = await self._plan(guild_id, filename, data)
        import_id = await self._imports.add(guild_id, actor_id, filename, data, self._clock.now())
        return ImportPlan(import_id, filename, fmt, preview)

    async def _plan(self, guild_id: int, filename: str, data: bytes) -> tuple[str, ImportPreview]:
        zone = self._sessions.config.zone
        now = self._clock.now()
        result = parse_schedule(filename, data, zone, now=now)
        existing = await self._repo.in_guild(guild_id)
        preview = preview_import(result, existing, zone, now=now, remove_unlisted=True)
        imported = await self._repo.imported_ids(guild_id)
        kept = [s for s in preview.removed if s.id not in imported]
        preview.removed = [s for s in preview.removed if s.id in imported]
        self._check_against_kept(preview, kept)
        return result.format.value, preview

    @staticmethod
    def _check_against_kept(preview: ImportPreview, kept: list[Session]) -> None:
        """Sessions made by hand stay: the file's sessions must not overlap them."""
        active = [s for s in kept if s.status is not SessionStatus.CANCELLED]
        drafts = [(row.where, row.draft) for row in preview.new]
        drafts += [(change.row.where, change.row.draft) for change in preview.changed]
        for where, draft in drafts:
            for other in find_conflicts(draft, active):
                preview.problems.append(
                    ImportProblem(
                        where=where,
                        key="errors.session_conflict",
                        params={
                            "title": draft.title,
                            "other_title": other.title,
                            "other_start": int(other.start.timestamp()),
                            "other_end": int(other.end.timestamp()),
                        },
                    )
                )

    async def apply(self, guild_id: int, actor_id: int, import_id: int) -> ImportPlan:
        pending = await self._imports.get(import_id)
        if pending is None or pending.guild_id != guild_id:
            raise NotFound("errors.import_not_found", value=str(import_id))
        if pending.state != "previewed":
            raise InvalidInput(f"errors.import_already_{pending.state}")
        fmt, preview = await self._plan(guild_id, pending.filename, pending.content)
        if preview.has_errors:
            raise InvalidInput("errors.import_has_problems", count=len(preview.problems))
        if not await self._imports.move(import_id, "previewed", "applying", self._clock.now()):
            raise InvalidInput("errors.import_already_applying")

        async def applied(conn: aiosqlite.Connection) -> None:
            await self._imports.set_state(conn, import_id, "applied", self._clock.now())

        try:
            await self._sessions.apply_batch(
                guild_id,
                actor_id,
                new=[row.draft for row in preview.new],
                changed=[(change.before, change.row.draft) for change in preview.changed],
                removed=preview.removed,
                source="import",
                on_commit=applied,
            )
        except DiscordRefused:
            # The import undid itself (Discord refused part of it): it can be confirmed again.
            await self._imports.move(import_id, "applied", "previewed", self._clock.now())
            raise
        except BaseException:
            await self._imports.move(import_id, "applying", "previewed", self._clock.now())
            raise
        return ImportPlan(import_id, pending.filename, fmt, preview)

    async def discard(self, guild_id: int, import_id: int) -> None:
        pending = await self._imports.get(import_id)
        if pending is None or pending.guild_id != guild_id:
            raise NotFound("errors.import_not_found", value=str(import_id))
        await self._imports.move(import_id, "previewed", "discarded", self._clock.now())
