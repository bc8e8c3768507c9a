"""The sessions feature: the programme (commands, import, calendar), each session's place and
Scheduled Event converged from the database, and the timers that remind, open and close."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from bot.core.archive import ArchivePart
from bot.core.feature import Core, Feature
from bot.core.reconcile import Converge, Repair
from bot.core.untrusted import UntrustedRunner
from bot.features.sessions import keys
from bot.features.sessions.announcer import Announcer
from bot.features.sessions.archive import ProgrammeFiles
from bot.features.sessions.cog import SessionCog
from bot.features.sessions.guild_calendar import GuildCalendar
from bot.features.sessions.hooks import READER, ReaderAgenda
from bot.features.sessions.import_repo import ImportRepository
from bot.features.sessions.imports import WORKER_MODULES, ImportService, PosterBoards
from bot.features.sessions.jobs import SessionJobs
from bot.features.sessions.people_lookup import MemberLookup
from bot.features.sessions.places import PlacesConfig, SessionPlaces
from bot.features.sessions.render import SessionRenderer
from bot.features.sessions.repo import SessionRepository
from bot.features.sessions.schedule_cog import ScheduleCog
from bot.features.sessions.service import SessionService
from bot.features.sessions.texts import SessionTexts
from bot.features.sessions.timers import SessionsConfig
from bot.features.sessions.views import ImportButton, ProgrammePages
from bot.features.sessions.workshop_repo import WorkshopRepository
from bot.store.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


def wire(core: Core) -> Feature:
    settings = core.settings
    repo = SessionRepository(core.db)
    texts = SessionTexts(core.catalog, settings.locale)
    announcer = Announcer(core.objects, core.gateway)
    places = SessionPlaces(
        core.gateway,
        core.objects,
        repo,
        core.clock,
        PlacesConfig(
            zone=settings.zone,
            locale=settings.locale,
            organizer_roles=settings.organizer_roles,
            window=settings.sessions.events_window,
            cap=settings.sessions.events_cap,
        ),
        event_text=texts.event_description,
        gate=core.gate,
    )
    sessions = SessionService(
        UnitOfWork(core.db),
        repo,
        core.jobs,
        places,
        core.audit,
        core.clock,
        SessionsConfig(
            zone=settings.zone,
            reminder=timedelta(minutes=settings.sessions.reminder_minutes),
            grace=timedelta(minutes=settings.sessions.close_grace_minutes),
            window=settings.sessions.events_window,
        ),
        poke=core.scheduler.poke,
        announcer=announcer,
        texts=texts,
        problems=core.problems,
        budget=core.budget,
        bus=core.bus,
    )
    session_jobs = SessionJobs(sessions, repo, announcer, core.gateway, core.clock, texts)

    def boards() -> PosterBoards | None:
        # Poster sessions of a file get their boards from the posters feature, when present.
        found = core.services.find("posters", object)
        return None if found is None else cast(PosterBoards, found)

    imports = ImportService(
        ImportRepository(core.db),
        sessions,
        repo,
        core.clock,
        UntrustedRunner(preload=WORKER_MODULES),
        boards,
        WorkshopRepository(core.db),
        people=MemberLookup(core.bot),
    )

    async def repair(guild_id: int, purpose: str, discord_id: int) -> None:
        await sessions.converge(guild_id)

    render = SessionRenderer(core.catalog)

    def reader() -> ReaderAgenda | None:
        # The reader's personal agenda (★, ＋ My agenda), when a later feature offers one.
        return core.services.find(READER, ReaderAgenda)  # type: ignore[type-abstract]

    pages = ProgrammePages(sessions, render, core.catalog, core.clock, reader)
    import_button = ImportButton.bound(imports, render, core.catalog)

    def session_cog(bot: WorkshopBot) -> SessionCog:
        return SessionCog(
            sessions,
            imports,
            render,
            pages,
            import_button=import_button,
            catalog=core.catalog,
            clock=core.clock,
            zone=settings.zone,
        )

    async def place_ids(guild_id: int) -> dict[int, int]:
        channels, _ = await sessions.places.discord_ids(guild_id)
        return channels

    # The .ics of `/schedule export`, and of later features' lists (`/agenda export`).
    calendar = GuildCalendar(
        place_ids,
        clock=core.clock,
        zone=settings.zone,
        title=settings.title,
        workshop_title=imports.workshop_title,
    )

    def schedule_cog(bot: WorkshopBot) -> ScheduleCog:
        return ScheduleCog(
            sessions,
            pages,
            catalog=core.catalog,
            calendar=calendar,
        )

    programme_files = ProgrammeFiles(
        repo, core.objects, WorkshopRepository(core.db), core.clock, settings, core.catalog
    )

    return Feature(
        name="sessions",
        cogs=(session_cog, schedule_cog),
        dynamic_items=(pages.button, import_button),
        jobs=session_jobs.jobs(),
        converge=(Converge(sessions.converge),),  # records its own problems
        repairs=(Repair(repair, keys.PREFIXES),),
        exposes={
            "sessions": sessions,
            "texts": texts,
            "imports": imports,
            "calendar": calendar,
        },
        archive=(
            ArchivePart("programme.ics", "archive.programme_ics", programme_files.ics),
            ArchivePart("programme.csv", "archive.programme_csv", programme_files.csv),
        ),
    )
