"""Repositories -> services: every service of the bot built on its one database connection and
its Discord gateway. `WorkshopBot.setup_hook` calls `build_services`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.domain.rooms import RoomLimits
from bot.domain.sessions.model import Session
from bot.gateway import DiscordGateway
from bot.scheduler import Scheduler
from bot.services.announcer import Announcer
from bot.services.attendance import AttendanceConfig, AttendanceService
from bot.services.attendance_recorder import AttendanceRecorder
from bot.services.board import BoardService
from bot.services.imports import ImportService
from bot.services.poster_places import PosterPlaces, PosterPlacesConfig
from bot.services.posters import PosterService
from bot.services.reconcile import Reconciler
from bot.services.rooms import RoomsConfig, RoomService
from bot.services.session_jobs import SessionJobs
from bot.services.session_places import PlacesConfig, SessionPlaces
from bot.services.sessions import SessionsConfig, SessionService
from bot.services.status import StatusService
from bot.services.structure import StructureService
from bot.services.texts import SessionTexts
from bot.store.attendance_repo import AttendanceRepository
from bot.store.audit_repo import AuditRepository
from bot.store.board_repo import BoardRepository
from bot.store.import_repo import ImportRepository
from bot.store.job_repo import JobRepository
from bot.store.poster_repo import PosterRepository
from bot.store.room_repo import RoomRepository
from bot.store.session_repo import SessionRepository
from bot.store.structure_repo import StructureRepository

if TYPE_CHECKING:
    from bot.app import WorkshopBot


@dataclass
class Services:
    gateway: DiscordGateway
    structure: StructureService
    status: StatusService
    audit: AuditRepository
    sessions: SessionService
    reconciler: Reconciler
    scheduler: Scheduler
    texts: SessionTexts
    imports: ImportService
    rooms: RoomService
    board: BoardService
    posters: PosterService
    attendance: AttendanceService


def build_services(bot: WorkshopBot) -> Services:
    """Repositories -> services, all on the bot's one database connection."""
    settings, clock, db, catalog = bot.settings, bot.clock, bot.db, bot.catalog
    gateway = DiscordGateway(bot, bot.renderer)
    audit = AuditRepository(db)
    objects = StructureRepository(db)
    session_repo = SessionRepository(db)
    jobs = JobRepository(db)
    scheduler = Scheduler(jobs, clock, gate=bot.wait_until_ready)
    texts = SessionTexts(catalog, settings.locale)
    announcer = Announcer(objects, gateway)
    structure = StructureService(
        gateway,
        objects,
        audit,
        clock,
        names=lambda key: catalog.t(key, settings.locale),
        organizer_roles=settings.organizer_roles,
    )
    places = SessionPlaces(
        gateway,
        objects,
        session_repo,
        clock,
        PlacesConfig(
            zone=settings.zone,
            locale=settings.locale,
            organizer_roles=settings.organizer_roles,
            window=timedelta(hours=settings.sessions.events_window_hours),
            cap=settings.sessions.events_cap,
        ),
        event_text=texts.event_description,
    )
    sessions = SessionService(
        db,
        session_repo,
        jobs,
        places,
        audit,
        clock,
        SessionsConfig(
            zone=settings.zone,
            reminder=timedelta(minutes=settings.sessions.reminder_minutes),
            grace=timedelta(minutes=settings.sessions.close_grace_minutes),
            window=timedelta(hours=settings.sessions.events_window_hours),
        ),
        poke=scheduler.poke,
        announcer=announcer,
        texts=texts,
    )
    SessionJobs(sessions, session_repo, announcer, gateway, clock, texts).register(scheduler)
    rooms, board = build_rooms(bot, gateway, objects, jobs, audit, scheduler, sessions)
    posters = build_posters(bot, gateway, objects, jobs, audit, scheduler, sessions)
    board.poster_summary = posters.summary
    posters.on_change = board.touch

    def programme_changed(guild_id: int) -> None:
        board.touch(guild_id)
        posters.touch(guild_id)

    sessions.on_change = programme_changed
    structure.on_board_posted = board.posted
    reconciler = Reconciler(objects, structure, sessions, rooms, posters, clock)
    board.recreate = lambda guild_id, message_id: reconciler.object_deleted(guild_id, message_id)
    return Services(
        gateway=gateway,
        structure=structure,
        status=StatusService(db),
        audit=audit,
        sessions=sessions,
        reconciler=reconciler,
        scheduler=scheduler,
        texts=texts,
        imports=ImportService(ImportRepository(db), sessions, session_repo, clock),
        rooms=rooms,
        board=board,
        posters=posters,
        attendance=build_attendance(bot, gateway, objects, jobs, scheduler),
    )


def build_attendance(
    bot: WorkshopBot,
    gateway: DiscordGateway,
    objects: StructureRepository,
    jobs: JobRepository,
    scheduler: Scheduler,
) -> AttendanceService:
    """Voice attendance: the recorder (fed by `dispatch`), reports, notice, retention."""
    settings, catalog = bot.settings, bot.catalog
    config = settings.attendance
    repo = AttendanceRepository(bot.db)

    def notice() -> str:
        return catalog.t("attendance.notice", settings.locale, days=config.retention_days)

    attendance = AttendanceService(
        bot.db,
        repo,
        AttendanceRecorder(
            repo,
            bot.clock,
            enabled=config.enabled,
            heartbeat=timedelta(seconds=config.heartbeat_seconds),
        ),
        objects,
        jobs,
        gateway,
        bot.clock,
        AttendanceConfig(
            enabled=config.enabled,
            retention=timedelta(days=config.retention_days),
            zone=settings.zone,
            notice_text=notice,
        ),
        upload_limit=gateway.upload_limit,
        poke=scheduler.poke,
    )
    attendance.register(scheduler)
    return attendance


def build_posters(
    bot: WorkshopBot,
    gateway: DiscordGateway,
    objects: StructureRepository,
    jobs: JobRepository,
    audit: AuditRepository,
    scheduler: Scheduler,
    sessions: SessionService,
) -> PosterService:
    """Poster sessions: boards, posts in the session's forum, a voice channel per board."""
    settings, catalog = bot.settings, bot.catalog

    def category_name(session: Session, part: int) -> str:
        name = catalog.t("posters.category", settings.locale, title=session.title[:80])
        return name[:100] if part == 1 else f"{name[:94]} ({part})"

    places = PosterPlaces(
        gateway,
        objects,
        bot.clock,
        PosterPlacesConfig(
            prepare=timedelta(minutes=settings.posters.prepare_minutes),
            organizer_roles=settings.organizer_roles,
            category_name=category_name,
        ),
    )
    posters = PosterService(
        bot.db,
        PosterRepository(bot.db),
        sessions,
        places,
        jobs,
        gateway,
        audit,
        bot.clock,
        per_presenter=settings.posters.boards_per_presenter,
        poke=scheduler.poke,
    )
    posters.register(scheduler)
    return posters


def build_rooms(
    bot: WorkshopBot,
    gateway: DiscordGateway,
    objects: StructureRepository,
    jobs: JobRepository,
    audit: AuditRepository,
    scheduler: Scheduler,
    sessions: SessionService,
) -> tuple[RoomService, BoardService]:
    """Topic rooms and the live room board that shows them (with the running sessions)."""
    settings, catalog = bot.settings, bot.catalog
    config = settings.rooms

    def category_name(part: int) -> str:
        name = catalog.t("structure.rooms_category", settings.locale)
        return name if part == 1 else f"{name} ({part})"

    board: BoardService
    rooms = RoomService(
        bot.db,
        RoomRepository(bot.db),
        objects,
        jobs,
        gateway,
        audit,
        bot.clock,
        RoomsConfig(
            limits=RoomLimits(
                max_open=config.max_open,
                reserve_channels=config.reserve_channels,
                per_owner=config.per_owner,
                opens_per_window=config.opens_per_window,
                opens_window=timedelta(minutes=config.opens_window_minutes),
            ),
            idle=timedelta(seconds=config.idle_close_seconds),
            category_name=category_name,
        ),
        poke=scheduler.poke,
        on_change=lambda guild_id: board.touch(guild_id),
    )
    rooms.register(scheduler)
    board = BoardService(
        BoardRepository(bot.db),
        objects,
        rooms,
        sessions,
        gateway,
        interval=config.board_edit_seconds,
        locale=settings.locale,
    )
    return rooms, board
