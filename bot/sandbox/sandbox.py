"""The public facade: ``Sandbox`` starts the fake Discord and lets tests set up and inspect it."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.core.permissions import INVITE_PERMISSIONS
from bot.sandbox import permissions as p
from bot.sandbox import rest
from bot.sandbox.activity import ActivityMixin
from bot.sandbox.faults import Fault, Faults
from bot.sandbox.gateway import GUILD_MEMBERS, Gateway
from bot.sandbox.guilds import SandboxGuild, SetupMixin
from bot.sandbox.interactions import InteractionManager, InteractionResult
from bot.sandbox.openapi import SpecValidator
from bot.sandbox.ratelimits import RateLimiter
from bot.sandbox.recorder import Predicate, RecordedRequest, Recorder
from bot.sandbox.server import build_app
from bot.sandbox.state import GuildState, Snowflakes, State

_UNSET: Any = object()
rest._register_routes()


def default_spec_path() -> Path | None:
    """Discord's own OpenAPI description of its REST API (MIT, from Discord), shipped with the
    sandbox so every checkout validates request bodies against it."""
    candidate = Path(__file__).resolve().parent / "spec" / "openapi.json"
    return candidate if candidate.exists() else None


class Sandbox(SetupMixin, ActivityMixin):
    """A local fake Discord on 127.0.0.1 that the real discord.py client connects to."""

    def __init__(self, spec_path: Path | None = _UNSET) -> None:
        if spec_path is _UNSET:
            spec_path = default_spec_path()
        self.spec_path = (
            Path(spec_path) if spec_path is not None and Path(spec_path).exists() else None
        )
        self.validator = SpecValidator(self.spec_path) if self.spec_path else None
        self.ids = Snowflakes()
        self.token = "sandbox." + secrets.token_urlsafe(24)
        self.bot_user_id = self.ids.next()
        self.application_id = self.bot_user_id
        self.application_flags = (
            1 << 23 | 1 << 19
        )  # GATEWAY_MESSAGE_CONTENT_LIMITED | GUILD_MEMBERS_LIMITED
        self.application_name = "Workshop Sandbox Bot"
        self.owner_user_id = self.ids.next()
        self.state = State(self.bot_user_id, self.application_id, self.ids)
        self.state.add_user(self.bot_user_id, "workshop-bot", bot=True)
        self.state.add_user(self.owner_user_id, "app-owner")
        self.state.dispatch = self.dispatch
        self.recorder = Recorder()
        self.faults = Faults()
        self.ratelimiter = RateLimiter()
        self.rate_limits: dict[str, tuple[int, float]] = {}
        # Discord's global limit of a bot (requests per seconds), when set (DISCORD_GLOBAL).
        self.global_rate_limit: tuple[int, float] | None = None
        self.gateway = Gateway(self)
        self.interactions = InteractionManager(self)
        self.clock: Callable[[], float] = time.monotonic
        self.wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        self.interaction_deadline = 3.0
        self.interaction_token_lifetime = 15 * 60.0
        self.rename_limit = (2, 600.0)
        self.voice_status_limit = (5, 60.0)  # per channel (Discord publishes no figure)
        self.allow_privileged_intents = False
        self.upload_limit = 10 * 1024 * 1024  # a guild without boosts
        # Off by default: server admins can override a command's default permissions, which is
        # why the bot checks organizer rights itself. On: invoke() refuses like the client does.
        self.enforce_command_permissions = False
        # The bot's role holds exactly the permission catalogue (the invite integer), not more,
        # and @everyone lends it nothing beyond: it is tested as invited. Tests may change both.
        self.default_bot_permissions = INVITE_PERMISSIONS
        self.everyone_permissions = p.locked_everyone(INVITE_PERMISSIONS)
        self.internal_errors: list[str] = []
        self._tasks: set[asyncio.Future[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        self._runner = web.AppRunner(build_app(self), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        await self.gateway.close_all()
        for task in list(self._tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def heartbeat_interval(self) -> int:
        return self.gateway.heartbeat_interval

    @heartbeat_interval.setter
    def heartbeat_interval(self, value_ms: int) -> None:
        self.gateway.heartbeat_interval = int(value_ms)

    @property
    def spec_validation_enabled(self) -> bool:
        return self.validator is not None

    def keep_task(self, task: asyncio.Future[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---- gateway ---------------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.gateway.dispatch(event, data)

    def guild_create_payload(self, guild: GuildState, intents: int) -> dict[str, Any]:
        if intents & GUILD_MEMBERS:
            members = list(guild.members.values())
        else:
            wanted = {self.bot_user_id, *guild.voice_states}
            members = [m for uid, m in guild.members.items() if uid in wanted]
        threads = [
            c
            for c in guild.channels.values()
            if c["type"] in (10, 11, 12) and not c["thread_metadata"]["archived"]
        ]
        return guild.full_guild(members=members, threads=threads)

    async def drop_websocket(self, resume: bool = True) -> None:
        await self.gateway.drop(resume=resume)

    async def wait_for_gateway_ready(self, timeout: float = 10) -> None:  # noqa: ASYNC109
        await asyncio.wait_for(self.gateway.ready.wait(), timeout)

    @property
    def gateway_events(self) -> list[tuple[int, str | None, Any]]:
        return list(self.gateway.frames)

    # ---- recording -------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        return list(self.recorder.requests)

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        return self.recorder.unknown

    @property
    def rejected(self) -> list[RecordedRequest]:
        return self.recorder.rejected

    def clear_requests(self) -> None:
        self.recorder.clear()

    def count(self, what: str | Predicate) -> int:
        return self.recorder.count(what)

    # ---- faults ----------------------------------------------------------------------------
    def inject_fault(
        self,
        route: str | None = None,
        status: int = 429,
        retry_after: float = 0.5,
        times: int = 1,
        global_: bool = False,
        *,
        code: int | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests to ``route`` (any route if None) with ``status``."""
        if route is not None and route not in {r.name for r in rest.router.routes}:
            raise ValueError(f"no such route template: {route!r}")
        self.faults.add(Fault(route, status, retry_after, times, global_, code, message))

    # ---- interactions ----------------------------------------------------------------------
    async def invoke(
        self,
        guild_id: int,
        user_id: int,
        command: str,
        *,
        options: dict[str, Any] | None = None,
        locale: str | None = None,
        channel_id: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> InteractionResult:
        return await self.interactions.invoke(
            guild_id, user_id, command, options or {}, locale, channel_id, timeout
        )

    async def autocomplete(
        self,
        guild_id: int,
        user_id: int,
        command: str,
        *,
        focused: str,
        options: dict[str, Any] | None = None,
        locale: str | None = None,
        channel_id: int | None = None,
    ) -> list[dict[str, Any]]:
        return await self.interactions.autocomplete(
            guild_id, user_id, command, focused, options or {}, locale, channel_id
        )

    async def click(
        self,
        guild_id: int,
        user_id: int,
        message_id: int,
        custom_id: str,
        values: Iterable[str] | None = None,
        *,
        locale: str | None = None,
    ) -> InteractionResult:
        return await self.interactions.click(
            guild_id,
            user_id,
            int(message_id),
            custom_id,
            list(values) if values is not None else None,
            locale,
        )

    async def submit_modal(
        self,
        guild_id: int,
        user_id: int,
        custom_id: str,
        fields: dict[str, str],
        *,
        locale: str | None = None,
        channel_id: int | None = None,
    ) -> InteractionResult:
        return await self.interactions.submit_modal(
            guild_id, user_id, custom_id, fields, locale, channel_id
        )

    # ---- reads -----------------------------------------------------------------------------
    def channels(self, guild_id: int) -> list[dict[str, Any]]:
        guild = self.state.guild(guild_id)
        return copy.deepcopy(list(guild.channels.values()))

    def channel(self, channel_id: int) -> dict[str, Any] | None:
        gid = self.state.channel_guild.get(int(channel_id))
        if gid is None:
            return None
        return copy.deepcopy(self.state.guilds[gid].channels[int(channel_id)])

    def messages(self, channel_id: int) -> list[dict[str, Any]]:
        return copy.deepcopy(list(self.state.messages.get(int(channel_id), {}).values()))

    def dms(self, user_id: int) -> list[dict[str, Any]]:
        """The messages the bot sent `user_id` in their DM channel, oldest first."""
        channel = self.state.dm_channels.get(int(user_id))
        if channel is None:
            return []
        return self.messages(int(channel["id"]))

    def close_dms(self, user_id: int, closed: bool = True) -> None:
        """The user stops (or starts again) accepting DMs from server members: sends get 50007."""
        (self.state.closed_dms.add if closed else self.state.closed_dms.discard)(int(user_id))

    def roles(self, guild_id: int) -> list[dict[str, Any]]:
        guild = self.state.guild(guild_id)
        return copy.deepcopy(sorted(guild.roles.values(), key=lambda r: r["position"]))

    def members(self, guild_id: int) -> list[dict[str, Any]]:
        return copy.deepcopy(list(self.state.guild(guild_id).members.values()))

    def scheduled_events(self, guild_id: int) -> list[dict[str, Any]]:
        return copy.deepcopy(list(self.state.guild(guild_id).events.values()))

    def voice_states(self, guild_id: int) -> list[dict[str, Any]]:
        return copy.deepcopy(list(self.state.guild(guild_id).voice_states.values()))

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        if guild_id is None:
            return copy.deepcopy(list(self.state.global_commands.values()))
        return copy.deepcopy(list(self.state.guild_commands.get(int(guild_id), {}).values()))

    def guild(self, guild_id: int) -> SandboxGuild:
        g = self.state.guild(guild_id)
        return SandboxGuild(g.id, g.data["name"], int(g.data["owner_id"]), g.id, g.bot_role_id)
