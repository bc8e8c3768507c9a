"""`build_bot(settings)`: the one place that wires database -> repositories -> services -> cogs."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import discord
from discord.ext import commands

from bot.cogs.attendance import AttendanceCog
from bot.cogs.attendance_tap import observe as observe_attendance
from bot.cogs.embeds import Renderer
from bot.cogs.help import HelpCog, guide_text
from bot.cogs.poster_abstract import AbstractButton
from bot.cogs.poster_views import PosterPageButton
from bot.cogs.posters import PosterCog
from bot.cogs.programme_views import ImportButton, PageButton
from bot.cogs.room_views import OpenRoomButton
from bot.cogs.rooms import RoomCog, VoiceEvents
from bot.cogs.schedule import ScheduleCog
from bot.cogs.session_embeds import SessionRenderer
from bot.cogs.sessions import SessionCog
from bot.cogs.structure_events import StructureEvents
from bot.cogs.workshop import WorkshopCog
from bot.core.budget import ChannelBudget
from bot.core.permission_watch import PermissionWatch
from bot.core.problems import Problems
from bot.core.ratelimit import POSTER_BOARD, MemberLimits
from bot.domain.clock import Clock, SystemClock
from bot.domain.ratelimit import Rule
from bot.domain.rooms import RoomLimits
from bot.domain.sessions.model import Session
from bot.domain.text_safety import plain_line
from bot.gateway import DiscordGateway, point_client_at
from bot.i18n import Catalog
from bot.i18n.translator import CatalogTranslator
from bot.scheduler import Scheduler
from bot.services.announcer import Announcer
from bot.services.attendance import AttendanceConfig, AttendanceService
from bot.services.attendance_recorder import AttendanceRecorder
from bot.services.board import BoardService
from bot.services.guide import HelpGuide
from bot.services.imports import WORKER_MODULES as IMPORT_WORKER_MODULES
from bot.services.imports import ImportService
from bot.services.poster_places import PosterPlaces, PosterPlacesConfig
from bot.services.posters import PosterService
from bot.services.reconcile import Reconciler
from bot.services.rooms import RoomsConfig, RoomService
from bot.services.session_jobs import SessionJobs
from bot.services.session_places import PlacesConfig, SessionPlaces
from bot.services.session_timers import SessionsConfig
from bot.services.sessions import SessionService
from bot.services.status import StatusService
from bot.services.structure import StructureService
from bot.services.texts import SessionTexts
from bot.services.untrusted import UntrustedRunner
from bot.settings import Settings
from bot.store.attendance_repo import AttendanceRepository
from bot.store.audit_repo import AuditRepository
from bot.store.board_repo import BoardRepository
from bot.store.budget_repo import BudgetRepository
from bot.store.db import Database
from bot.store.import_repo import ImportRepository
from bot.store.job_repo import JobRepository
from bot.store.member_action_repo import MemberActionRepository
from bot.store.poster_repo import PosterRepository
from bot.store.problem_repo import ProblemRepository
from bot.store.room_repo import RoomRepository
from bot.store.session_repo import SessionRepository
from bot.store.structure_repo import StructureRepository
from bot.sync import learn_command_ids
from bot.tree import WorkshopTree

log = logging.getLogger(__name__)

# discord.py names the tasks that run event listeners, commands and view callbacks like this.
_WORK_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-")


def intents() -> discord.Intents:
    """Only what the features need, and nothing privileged (no members, presences, content)."""
    wanted = discord.Intents.none()
    wanted.guilds = True  # channels, roles, threads, GUILD_CREATE
    wanted.guild_messages = True  # MESSAGE_DELETE of the board; no message content
    wanted.voice_states = True  # who is in which room
    wanted.guild_scheduled_events = True  # sessions' Scheduled Events
    return wanted


@dataclass
class Services:
    gateway: DiscordGateway
    problems: Problems
    permissions: PermissionWatch
    budget: ChannelBudget
    structure: StructureService
    guide: HelpGuide
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
    problems = Problems(db, ProblemRepository(db), jobs, clock)
    scheduler = Scheduler(jobs, clock, gate=bot.wait_until_ready, problems=problems)
    texts = SessionTexts(catalog, settings.locale)
    announcer = Announcer(objects, gateway)
    budget = ChannelBudget(gateway, BudgetRepository(db).promised_channels)
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
            window=settings.sessions.events_window,
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
            window=settings.sessions.events_window,
        ),
        poke=scheduler.poke,
        announcer=announcer,
        texts=texts,
        problems=problems,
        budget=budget,
    )
    SessionJobs(sessions, session_repo, announcer, gateway, clock, texts).register(scheduler)
    rooms, board = build_rooms(bot, gateway, objects, jobs, audit, scheduler, sessions, problems)
    posters = build_posters(
        bot, gateway, objects, jobs, audit, scheduler, sessions, problems, budget
    )
    board.poster_summary = posters.summary
    posters.on_change = board.touch

    def programme_changed(guild_id: int) -> None:
        board.touch(guild_id)
        posters.touch(guild_id)

    sessions.on_change = programme_changed
    structure.on_board_posted = board.posted
    guide = HelpGuide(
        objects,
        gateway,
        clock,
        text=lambda lobby_id: guide_text(
            catalog, settings.locale, lobby_id=lobby_id, workshop_locale=settings.locale
        ),
    )
    reconciler = Reconciler(
        objects, structure, sessions, rooms, posters, problems, clock, guide=guide
    )
    reconciler.register(scheduler)
    permissions = PermissionWatch(
        gateway.bot_permissions, catalog, on_gained=reconciler.guild_available
    )
    board.recreate = lambda guild_id, message_id: reconciler.object_deleted(guild_id, message_id)
    return Services(
        gateway=gateway,
        problems=problems,
        permissions=permissions,
        budget=budget,
        structure=structure,
        guide=guide,
        status=StatusService(db),
        audit=audit,
        sessions=sessions,
        reconciler=reconciler,
        scheduler=scheduler,
        texts=texts,
        imports=ImportService(
            ImportRepository(db),
            sessions,
            session_repo,
            clock,
            UntrustedRunner(preload=IMPORT_WORKER_MODULES),
            posters,
        ),
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
    problems: Problems,
    budget: ChannelBudget,
) -> PosterService:
    """Poster sessions: boards, posts in the session's forum, a voice channel per board."""
    settings, catalog = bot.settings, bot.catalog
    limits = MemberLimits(
        MemberActionRepository(bot.db),
        bot.clock,
        {
            POSTER_BOARD: Rule(
                settings.posters.changes_per_window,
                timedelta(minutes=settings.posters.changes_window_minutes),
                "errors.poster_changes_rate",
            )
        },
    )

    def category_name(session: Session, part: int) -> str:
        name = catalog.t("posters.category", settings.locale, title=plain_line(session.title, 80))
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
        objects=objects,
        per_presenter=settings.posters.boards_per_presenter,
        poke=scheduler.poke,
        problems=problems,
        budget=budget,
        limits=limits,
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
    problems: Problems,
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
        problems,
        interval=config.board_edit_seconds,
        locale=settings.locale,
    )
    return rooms, board


class WorkshopBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        db: Database,
        catalog: Catalog,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            guild_ready_timeout=guild_ready_timeout,
            max_ratelimit_timeout=30.0,
            command_prefix=commands.when_mentioned,
            intents=intents(),
            tree_cls=WorkshopTree,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,
        )
        self.settings = settings
        self.clock = clock
        self.db = db
        self.catalog = catalog
        self.renderer = Renderer(catalog)
        self.session_renderer = SessionRenderer(catalog)
        self.services = build_services(self)
        self._reconciled: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self._closing = False

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # Attendance reads voice states here, in gateway order, while the cache shows exactly
        # this event (listeners run later: see bot/cogs/attendance_tap.py).
        observe_attendance(self, event_name, args)
        super().dispatch(event_name, *args, **kwargs)

    def serves(self, guild_id: int) -> bool:
        return self.settings.guild_id is None or self.settings.guild_id == guild_id

    def mark_reconciled(self, guild_id: int) -> None:
        self._reconciled[guild_id].set()

    async def wait_reconciled(self, guild_id: int) -> None:
        """Until the startup reconciliation of `guild_id` has run (tests, rehearsals)."""
        await self._reconciled[guild_id].wait()

    async def setup_hook(self) -> None:
        await self.db.open()
        result = await self.db.migrate()
        if result.applied:
            log.info("database at schema version %s", result.to_version)
        await self.tree.set_translator(CatalogTranslator(self.catalog))
        await learn_command_ids(self)  # messages mention commands by id
        await self.add_cog(WorkshopCog(self))
        await self.add_cog(SessionCog(self))
        await self.add_cog(ScheduleCog(self))
        await self.add_cog(StructureEvents(self))
        await self.add_cog(RoomCog(self))
        await self.add_cog(PosterCog(self))
        await self.add_cog(VoiceEvents(self))
        await self.add_cog(AttendanceCog(self))
        await self.add_cog(HelpCog(self))
        self.add_dynamic_items(
            PageButton, ImportButton, OpenRoomButton, PosterPageButton, AbstractButton
        )
        # The command tree is never synced here: `workshop-bot sync` does that.
        self.services.scheduler.start()

    @property
    def closing(self) -> bool:
        """Shutdown has begun: listeners and commands start no new work."""
        return self._closing

    async def drain(self, grace: float = 10.0) -> None:
        """Wait for in-flight event listeners and commands (discord.py runs each as a task)."""
        current = asyncio.current_task()
        deadline = asyncio.get_running_loop().time() + grace
        while True:
            pending = [
                task
                for task in asyncio.all_tasks()
                if task is not current
                and not task.done()
                and task.get_name().startswith(_WORK_TASK_PREFIXES)
            ]
            left = deadline - asyncio.get_running_loop().time()
            if not pending or left <= 0:
                if pending:
                    log.warning("shutting down with %s handlers still running", len(pending))
                return
            await asyncio.wait(pending, timeout=left)

    async def close(self) -> None:
        """Stop taking work, let what is running finish, then disconnect and close the store."""
        if self._closing:
            return
        self._closing = True
        try:
            await self.services.scheduler.stop()
            await self.drain()
            await self.services.board.stop()
            await self.services.posters.stop()
            await super().close()
        finally:
            await self.services.attendance.stop()  # what is queued is written first
            await self.db.close()


def build_bot(
    settings: Settings, *, clock: Clock | None = None, guild_ready_timeout: float = 2.0
) -> WorkshopBot:
    """The bot with everything wired. `guild_ready_timeout`: how long discord.py waits for the
    guilds after READY (tests and rehearsals against the sandbox pass a small value)."""
    point_client_at(settings.discord_api_base, settings.discord_gateway_url)
    catalog = Catalog.load(default_locale=settings.locale)
    return WorkshopBot(
        settings,
        clock=clock or SystemClock(),
        db=Database(settings.database),
        catalog=catalog,
        guild_ready_timeout=guild_ready_timeout,
    )
