"""Importing a schedule file: preview first (nothing changes), apply on Confirm.

The uploaded file is kept in the database between the two steps, so the Confirm button works after
a restart too. On Confirm the file is read again against the programme as it is then: if anything
changed in between, the organizer gets the problems instead of a surprise.

The file is read in a budgeted worker process (`UntrustedRunner`), never on the event loop: the
parse and the comparison with the programme (`plan_import`) run there, so a hostile or merely huge
file cannot delay anyone else's command. What a re-import changes is described in
`bot.features.sessions.domain.schedule_import.plan`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.untrusted import UntrustedRunner
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, DomainError, InvalidInput, NotFound
from bot.domain.limits import board_channels
from bot.features.sessions.domain.model import Session, SessionKind
from bot.features.sessions.domain.people import Person
from bot.features.sessions.domain.schedule_import import (
    FileInfo,
    ImportPreview,
    PlannedImport,
    plan_import,
)
from bot.features.sessions.domain.schedule_import.plan import named_people
from bot.features.sessions.domain.schedule_import.rows import ImportProblem, ImportRow
from bot.features.sessions.import_repo import ImportRepository, PendingImport
from bot.features.sessions.repo import SessionRepository
from bot.features.sessions.service import SessionService
from bot.features.sessions.workshop_repo import WorkshopRepository
from bot.store.uow import Transaction

#: Imported by the worker processes' fork server once, not by every worker.
WORKER_MODULES = ("bot.features.sessions.domain.schedule_import",)


@dataclass(frozen=True)
class ImportPlan:
    import_id: int
    filename: str
    format: str
    preview: ImportPreview
    info: FileInfo | None = None
    title: str | None = None  # the workshop's title the file names (kept on Confirm)


class PosterBoards(Protocol):
    """What an import needs of poster sessions: their boards (a file may give the count)."""

    async def board_count(self, session_id: int) -> int: ...

    async def set_boards(
        self, guild_id: int, actor_id: int, session: Session, boards: int
    ) -> tuple[int, int]: ...


class ImportService:
    def __init__(
        self,
        imports: ImportRepository,
        sessions: SessionService,
        session_repo: SessionRepository,
        clock: Clock,
        runner: UntrustedRunner,
        boards: Callable[[], PosterBoards | None],
        workshops: WorkshopRepository,
        *,
        people: Callable[[int, Sequence[str]], Awaitable[Sequence[Person]]] | None = None,
    ) -> None:
        self._people = people  # the members a file's chairs and speakers may name
        # What the preview found of them, by import id: Confirm reads the file once, not twice.
        self._people_seen: dict[int, tuple[Person, ...]] = {}
        self._boards = boards
        self._workshops = workshops
        self._imports = imports
        self._sessions = sessions
        self._repo = session_repo
        self._clock = clock
        self.runner = runner

    async def preview(self, guild_id: int, actor_id: int, filename: str, data: bytes) -> ImportPlan:
        planned, people = await self._plan(guild_id, filename, data)
        import_id = await self._imports.add(guild_id, actor_id, filename, data, self._clock.now())
        if people is not None:
            self._people_seen[import_id] = people
        return ImportPlan(
            import_id, filename, planned.format.value, planned.preview, planned.info, planned.title
        )

    async def workshop_title(self, guild_id: int) -> str | None:
        """The workshop's title from the last confirmed import that named one."""
        return await self._workshops.title(guild_id)

    async def _plan(
        self,
        guild_id: int,
        filename: str,
        data: bytes,
        people: tuple[Person, ...] | None = None,
    ) -> tuple[PlannedImport, tuple[Person, ...] | None]:
        """The plan, and the members its names were matched against (None: it names none)."""
        existing = await self._repo.in_guild(guild_id)
        imported = frozenset(await self._repo.imported_ids(guild_id))
        zone, now = self._sessions.config.zone, self._clock.now()
        planned = await self.runner.run(
            plan_import, filename, data, zone, now, existing, imported, people or ()
        )
        if people is not None:
            return planned, people
        names = named_people(planned)
        if not names or self._people is None:
            return planned, None
        # Read again with the members the names may be (asked of Discord in between).
        found = tuple(await self._people(guild_id, names))
        planned = await self.runner.run(
            plan_import, filename, data, zone, now, existing, imported, found
        )
        return planned, found

    async def _pending(self, guild_id: int, import_id: int) -> PendingImport:
        pending = await self._imports.get(import_id)
        if pending is None or pending.guild_id != guild_id:
            raise NotFound("errors.import_not_found", value=str(import_id))
        return pending

    async def _refuse_state(self, import_id: int, action: str) -> InvalidInput:
        """The refusal for a state that moved on meanwhile (read again: say what is true)."""
        pending = await self._imports.get(import_id)
        state = pending.state if pending is not None else "discarded"
        if action == "discard":
            return InvalidInput(
                "errors.import_discard_applied"
                if state == "applied"
                else "errors.import_discard_applying"
            )
        if state not in ("applied", "applying", "discarded"):
            state = "applying"
        return InvalidInput(f"errors.import_already_{state}")

    async def apply(self, guild_id: int, actor_id: int, import_id: int) -> ImportPlan:
        pending = await self._pending(guild_id, import_id)
        if pending.state != "previewed":
            raise InvalidInput(f"errors.import_already_{pending.state}")
        planned, _ = await self._plan(
            guild_id, pending.filename, pending.content, self._people_seen.pop(import_id, None)
        )
        preview = planned.preview
        if preview.has_errors:
            raise InvalidInput("errors.import_has_problems", count=len(preview.problems))
        if not await self._imports.move(import_id, "previewed", "applying", self._clock.now()):
            raise await self._refuse_state(import_id, "apply")

        async def applied(tx: Transaction) -> None:
            await self._imports.set_state(tx, import_id, "applied", self._clock.now())
            if planned.title is not None:  # a file that names no title keeps the one there is
                await self._workshops.set_title(tx, guild_id, planned.title, self._clock.now())

        boards = self._boards()  # None: no posters feature, a file's boards are not kept
        posters = [row for row in preview.rows if row.boards] if boards is not None else []
        promised = sum(board_channels(r.boards or 0) for r in preview.new if boards is not None)
        matched = [(c.row, c.before) for c in preview.changed]
        matched += [(m.row, m.session) for m in preview.unchanged]
        for row, before in matched:
            if row.boards and boards is not None:
                had = await boards.board_count(before.id)
                promised += board_channels(row.boards) - board_channels(had)
        try:
            await self._sessions.apply_batch(
                guild_id,
                actor_id,
                new=[row.draft for row in preview.new],
                changed=[(change.before, change.row.draft) for change in preview.changed],
                removed=preview.removed,
                source="import",
                on_commit=applied,
                extra_channels=promised,
            )
        except DiscordRefused:
            # The import undid itself (Discord refused part of it): it can be confirmed again.
            await self._imports.move(import_id, "applied", "previewed", self._clock.now())
            raise
        except BaseException:
            await self._imports.move(import_id, "applying", "previewed", self._clock.now())
            raise
        if boards is not None:
            await self._give_boards(boards, guild_id, actor_id, posters, preview)
        return ImportPlan(
            import_id, pending.filename, planned.format.value, preview, planned.info, planned.title
        )

    async def _give_boards(
        self,
        boards: PosterBoards,
        guild_id: int,
        actor_id: int,
        rows: list[ImportRow],
        preview: ImportPreview,
    ) -> None:
        """Poster sessions of the file get the boards it names (like /poster setup); one that
        cannot (a claimed board beyond the new count) is told in the applied preview."""
        if not rows:
            return
        programme = [
            s
            for s in await self._repo.in_guild(guild_id, include_cancelled=False)
            if s.kind is SessionKind.POSTER
        ]
        for row in rows:
            draft = row.draft
            session = next(
                (
                    s
                    for s in programme
                    if (draft.external_id and s.external_id == draft.external_id)
                    or (s.title == draft.title and s.start == draft.start)
                ),
                None,
            )
            if session is None or row.boards is None:
                continue
            try:
                await boards.set_boards(guild_id, actor_id, session, row.boards)
            except DomainError as refused:
                preview.problems.append(
                    ImportProblem(row.where, refused.key, refused.params, "warning")
                )

    async def discard(self, guild_id: int, import_id: int) -> None:
        """Forget a previewed file. Refused, saying so, once it is being or was applied: its
        sessions exist then, and Discard must not claim that nothing changed."""
        pending = await self._pending(guild_id, import_id)
        if pending.state == "discarded":
            return
        if not await self._imports.move(import_id, "previewed", "discarded", self._clock.now()):
            raise await self._refuse_state(import_id, "discard")
