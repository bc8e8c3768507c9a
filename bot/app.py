"""`build_bot(settings)`: the one place that wires database -> repositories -> services -> cogs."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

import discord
from discord.ext import commands

from bot.cogs.attendance import AttendanceCog
from bot.cogs.attendance_tap import observe as observe_attendance
from bot.cogs.embeds import Renderer
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
from bot.domain.clock import Clock, SystemClock
from bot.gateway import point_client_at
from bot.i18n import Catalog
from bot.i18n.translator import CatalogTranslator
from bot.settings import Settings
from bot.store.db import Database
from bot.tree import WorkshopTree
from bot.wiring import build_services

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
        await self.add_cog(WorkshopCog(self))
        await self.add_cog(SessionCog(self))
        await self.add_cog(ScheduleCog(self))
        await self.add_cog(StructureEvents(self))
        await self.add_cog(RoomCog(self))
        await self.add_cog(PosterCog(self))
        await self.add_cog(VoiceEvents(self))
        await self.add_cog(AttendanceCog(self))
        self.add_dynamic_items(PageButton, ImportButton, OpenRoomButton, PosterPageButton)
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
