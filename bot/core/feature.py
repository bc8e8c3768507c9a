"""What a feature hands to the core, and what the core hands to a feature.

A feature is a package under `bot/features/` whose `wire.py` has `wire(core) -> Feature`: it
builds its repositories and services from the shared parts in `Core` and returns a `Feature`
record. The core then adds its cogs and dynamic items, registers its job handlers, routes the
Discord objects it owns (purpose prefixes) to its repair hooks, runs its convergence on start,
its steps of `/workshop setup`, its gateway taps, and stops it on shutdown. What a feature
offers the others it puts in `exposes` (read by later features through `core.services`); what
it tells them goes through `core.bus`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bot.core.archive import ArchivePart
from bot.core.bus import Bus
from bot.core.privacy import PersonalData, PersonalDataRegistry
from bot.core.reconcile import Converge, Reconciler, Repair

if TYPE_CHECKING:
    from discord.ext import commands
    from discord.ui import DynamicItem

    from bot.core.bot import WorkshopBot
    from bot.core.budget import ChannelBudget
    from bot.core.direct import DirectMessages
    from bot.core.gate import Gate
    from bot.core.owned import SetupReport
    from bot.core.permission_watch import PermissionWatch
    from bot.core.problems import Problems
    from bot.core.scheduler import Handler, Scheduler
    from bot.domain.clock import Clock
    from bot.gateway import DiscordGateway
    from bot.i18n import Catalog
    from bot.settings import Settings
    from bot.store.audit_repo import AuditRepository
    from bot.store.db import Database
    from bot.store.job_repo import JobRepository
    from bot.store.structure_repo import StructureRepository

T = TypeVar("T")

# (guild id, the setup report to add to) -> the feature's part of `/workshop setup`
SetupHook = Callable[[int, "SetupReport"], Awaitable[object]]
# (event name, its arguments) -> observed in gateway order, before listeners run
Tap = Callable[[str, tuple[Any, ...]], None]


@dataclass(frozen=True)
class SetupStep:
    """A feature's part of `/workshop setup`, run after the base structure exists; a refusal is
    recorded as the problem `problem` (retried), the others still run."""

    run: SetupHook
    problem: str
    what: str


CogFactory = Callable[["WorkshopBot"], "commands.Cog"]


@dataclass
class Feature:
    name: str
    cogs: Sequence[CogFactory] = ()
    dynamic_items: Sequence[type[DynamicItem[Any]]] = ()
    jobs: Mapping[str, Handler] = field(default_factory=dict)
    converge: Sequence[Converge] = ()
    repairs: Sequence[Repair] = ()
    setup: Sequence[SetupStep] = ()
    taps: Sequence[Tap] = ()
    # Shutdown: `stop` after the running handlers drained, before disconnecting; `flush` after
    # the disconnect, just before the database closes (what is queued is written).
    stop: Sequence[Callable[[], Awaitable[object]]] = ()
    flush: Sequence[Callable[[], Awaitable[object]]] = ()
    exposes: Mapping[str, object] = field(default_factory=dict)
    # What it keeps about a person: one forget-me deletes every kind (bot/core/privacy.py).
    personal: Sequence[PersonalData] = ()
    # Files of the wrap-up archive (`/workshop wrap-up`, `workshop-bot export archive`).
    archive: Sequence[ArchivePart] = ()


class Services:
    """What the features expose, by name. Typed code asks `get(name, Type)`; tests, benchmarks
    and the rehearsal may read attributes (`bot.services.sessions`)."""

    def __init__(self) -> None:
        self._items: dict[str, object] = {}

    def add(self, name: str, item: object) -> None:
        if name in self._items:
            raise ValueError(f"two features expose {name!r}")
        self._items[name] = item

    def get(self, name: str, kind: type[T]) -> T:
        item = self._items[name]
        if not isinstance(item, kind):
            raise TypeError(f"{name!r} is a {type(item).__name__}, not a {kind.__name__}")
        return item

    def find(self, name: str, kind: type[T]) -> T | None:
        """`get`, or None when no feature exposes `name` (an optional neighbour)."""
        return self.get(name, kind) if name in self._items else None

    def named(self, prefix: str) -> list[object]:
        """What every feature exposed under a name starting with `prefix` (feature order):
        hooks several features offer, e.g. `status:<part>` for `/workshop status`."""
        return [item for name, item in self._items.items() if name.startswith(prefix)]

    def __contains__(self, name: str) -> bool:
        return name in self._items

    def __getattr__(self, name: str) -> Any:
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Core:
    """The shared parts every feature is built from (one database connection, one gateway)."""

    bot: WorkshopBot
    settings: Settings
    clock: Clock
    db: Database
    catalog: Catalog
    bus: Bus
    gateway: DiscordGateway
    scheduler: Scheduler
    jobs: JobRepository
    problems: Problems
    permissions: PermissionWatch
    budget: ChannelBudget
    objects: StructureRepository
    reconciler: Reconciler
    audit: AuditRepository
    services: Services
    direct: DirectMessages
    privacy: PersonalDataRegistry
    gate: Gate  # the registration gate every owned channel follows

    def text(self, key: str, **params: object) -> str:
        """A catalog text in the workshop's language (what the bot posts to channels)."""
        return self.catalog.t(key, self.settings.locale, **params)
