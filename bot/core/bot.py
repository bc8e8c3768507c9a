"""`WorkshopBot`: the runtime. It builds the core (one database connection, the gateway, the
bus, the scheduler, problems, the reconciler's router), wires the features it is given in
order, and runs them: cogs and dynamic items on start, gateway taps in `dispatch`, convergence
when a guild becomes available, an orderly shutdown (stop taking work, drain, stop features,
disconnect, flush, close the store)."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord.ext import commands

from bot.core.archive import ArchivePart
from bot.core.budget import ChannelBudget
from bot.core.bus import Bus
from bot.core.direct import DirectMessages
from bot.core.feature import Core, Feature, Services, Tap
from bot.core.gate import Gate
from bot.core.permission_watch import PermissionWatch
from bot.core.privacy import PersonalDataRegistry
from bot.core.problems import Problems
from bot.core.reconcile import Reconciler
from bot.core.reconcile_events import ReconcileEvents
from bot.core.scheduler import Scheduler
from bot.core.sync import learn_command_ids
from bot.core.tree import WorkshopTree
from bot.domain.clock import Clock
from bot.gateway import DiscordGateway
from bot.i18n import Catalog
from bot.i18n.translator import CatalogTranslator
from bot.settings import Settings
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.job_repo import JobRepository
from bot.store.problem_repo import ProblemRepository
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

# discord.py names the tasks that run event listeners, commands and view callbacks like this.
_WORK_TASK_PREFIXES = ("discord.py: ", "CommandTree-invoker", "discord-ui-")

Wire = Callable[[Core], Feature]


def intents() -> discord.Intents:
    """Only what the features need, and nothing privileged (no members, presences, content)."""
    wanted = discord.Intents.none()
    wanted.guilds = True  # channels, roles, threads, GUILD_CREATE
    wanted.guild_messages = True  # MESSAGE_DELETE of the board; no message content
    wanted.voice_states = True  # who is in which room
    wanted.guild_scheduled_events = True  # sessions' Scheduled Events
    return wanted


class WorkshopBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        db: Database,
        catalog: Catalog,
        features: Sequence[Wire],
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
        self._reconciled: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self._closing = False
        self.core = self._build_core()
        self.reconciler = self.core.reconciler
        self.services = self.core.services
        self.features: list[Feature] = []
        self._taps: list[Tap] = []
        self.archive_parts: list[ArchivePart] = []
        for wire in features:
            self._add(wire(self.core))
        self._add(Feature(name="core", jobs=self.reconciler.jobs()))

    def _build_core(self) -> Core:
        db, clock = self.db, self.clock
        gateway = DiscordGateway(self)
        jobs = JobRepository(db)
        problems = Problems(db, ProblemRepository(db), jobs, clock)
        objects = StructureRepository(db)
        reconciler = Reconciler(objects, problems, clock)
        services = Services()
        services.add("gateway", gateway)
        services.add("reconciler", reconciler)
        services.add("problems", problems)
        permissions = PermissionWatch(
            gateway.bot_permissions,
            self.catalog,
            on_gained=reconciler.guild_available,
        )
        services.add("permissions", permissions)
        core = Core(
            bot=self,
            settings=self.settings,
            clock=clock,
            db=db,
            catalog=self.catalog,
            bus=Bus(),
            gateway=gateway,
            scheduler=Scheduler(jobs, clock, gate=self.wait_until_ready, problems=problems),
            jobs=jobs,
            problems=problems,
            permissions=permissions,
            budget=ChannelBudget(gateway),
            objects=objects,
            reconciler=reconciler,
            audit=AuditRepository(db),
            services=services,
            direct=DirectMessages(self),
            privacy=PersonalDataRegistry(),
            gate=Gate(
                enabled=self.settings.registration.gate,
                member_roles=tuple(self.settings.registration.roles.values()),
                organizer_roles=self.settings.organizer_roles,
                roles=gateway.roles,
                bot_user_id=lambda: gateway.bot_user_id,
            ),
        )
        services.add("scheduler", core.scheduler)
        services.add("audit", core.audit)
        return core

    def _add(self, feature: Feature) -> None:
        self.features.append(feature)
        for kind, handler in feature.jobs.items():
            self.core.scheduler.register(kind, handler)
        self.reconciler.add(tuple(feature.converge), tuple(feature.repairs))
        self._taps.extend(feature.taps)
        self.archive_parts.extend(feature.archive)
        for name, item in feature.exposes.items():
            self.services.add(name, item)
        self.core.privacy.add(feature.personal)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        # Taps read the gateway in order, while the cache shows exactly this event (listeners
        # run later, as tasks): attendance sees every voice move this way.
        for tap in self._taps:
            tap(event_name, args)
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
        for feature in self.features:
            for cog in feature.cogs:
                await self.add_cog(cog(self))
            if feature.dynamic_items:
                self.add_dynamic_items(*feature.dynamic_items)
        await self.add_cog(ReconcileEvents(self))
        # The command tree is never synced here: `workshop-bot sync` does that.
        self.core.scheduler.start()

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
            await self.core.scheduler.stop()
            await self.drain()
            for feature in self.features:
                for stop in feature.stop:
                    await stop()
            await super().close()
        finally:
            for feature in self.features:
                for flush in feature.flush:
                    await flush()  # what is queued is written first
            await self.db.close()
