"""Registration's use cases: a registrants file previewed and confirmed, a person registering
with a receipt number and a name, organizers' overrides, status, lookup, export, and the
convergence that finishes what a restart interrupted.

Intent first: a ticket is bound to an account in the database ('bound') before any role is
given; once every role is given the link is 'given'. A restart in between leaves 'bound' links
that the start-up convergence finishes (roles are given with PUT, which Discord makes
idempotent: giving a role twice changes nothing)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.ratelimit import MemberLimits
from bot.core.untrusted import UntrustedRunner
from bot.domain.clock import Clock
from bot.domain.errors import DiscordRefused, InvalidInput, NotFound
from bot.features.registration.domain.matching import names_match, receipt_key
from bot.features.registration.domain.registrants import (
    Plan,
    ReadFile,
    Registrant,
    read_and_plan,
    roles_for,
)
from bot.features.registration.keys import ATTEMPT
from bot.features.registration.repo import Link, RegistrationRepository
from bot.features.registration.roles import RolePort, TicketRoles
from bot.store.structure_repo import StructureRepository

log = logging.getLogger(__name__)

#: Imported by the worker processes' fork server once.
WORKER_MODULES = ("bot.features.registration.domain.registrants",)

NICK_MAX = 32


@dataclass(frozen=True)
class RegistrationConfig:
    roles: Mapping[str, str]
    columns: Mapping[str, str]
    set_nickname: bool


@dataclass(frozen=True)
class Preview:
    import_id: int
    filename: str
    read: ReadFile
    plan: Plan
    applied: bool = False
    roles_removed: int = 0


@dataclass(frozen=True)
class Registered:
    tickets: tuple[Registrant, ...]
    role_ids: tuple[int, ...]
    again: bool  # the same account registering again (after leaving and rejoining)
    nick: str | None


@dataclass
class TypeCount:
    registered: int = 0
    total: int = 0


@dataclass
class Status:
    by_type: dict[str, TypeCount] = field(default_factory=dict)
    total: int = 0
    registered: int = 0
    cancelled: int = 0
    members: int = 0
    refusals: list[tuple[str, int, int]] = field(default_factory=list)  # ticket, who, bound to


class RegistrationService:
    def __init__(
        self,
        repo: RegistrationRepository,
        port: RolePort,
        clock: Clock,
        limits: MemberLimits,
        config: RegistrationConfig,
        runner: UntrustedRunner | None = None,
        objects: StructureRepository | None = None,
    ) -> None:
        self._repo = repo
        self._port = port
        self._clock = clock
        self._limits = limits
        self.config = config
        self._runner = runner
        # The ticket roles: found by name or id, created when missing, recorded as the bot's.
        self.roles = TicketRoles(port, clock, config.roles, objects)

    # -- import ------------------------------------------------------------------------------
    async def _plan(self, guild_id: int, data: bytes) -> Preview:
        stored = await self._repo.registrants(guild_id)
        columns = dict(self.config.columns)
        if self._runner is not None:
            read, changes = await self._runner.run(read_and_plan, data, columns, stored)
        else:
            read, changes = read_and_plan(data, columns, stored)
        return Preview(0, "", read, changes)

    async def preview(self, guild_id: int, actor_id: int, filename: str, data: bytes) -> Preview:
        planned = await self._plan(guild_id, data)
        import_id = await self._repo.add_file(guild_id, actor_id, filename, data, self._clock.now())
        return Preview(import_id, filename, planned.read, planned.plan)

    async def apply(self, guild_id: int, import_id: int) -> Preview:
        pending = await self._repo.file(import_id)
        if pending is None or pending.guild_id != guild_id:
            raise NotFound("errors.import_not_found", value=str(import_id))
        if pending.state != "previewed":
            raise InvalidInput(f"errors.import_already_{pending.state}")
        planned = await self._plan(guild_id, pending.content)
        if not await self._repo.move_file(import_id, "previewed", "applying"):
            raise InvalidInput("errors.import_already_applying")
        changes = planned.plan
        try:
            stored = await self._repo.store(
                guild_id,
                [*changes.added, *changes.changed, *changes.cancelled],
                import_id,
                self._clock.now(),
            )
        except BaseException:
            await self._repo.move_file(import_id, "applying", "previewed")
            raise
        if not stored:
            raise InvalidInput("errors.import_already_applied")
        removed = await self._drop_cancelled(guild_id, changes.cancelled)
        return Preview(
            import_id, pending.filename, planned.read, changes, applied=True, roles_removed=removed
        )

    async def discard(self, guild_id: int, import_id: int) -> None:
        pending = await self._repo.file(import_id)
        if pending is None or pending.guild_id != guild_id:
            raise NotFound("errors.import_not_found", value=str(import_id))
        if pending.state == "discarded":
            return
        if not await self._repo.move_file(import_id, "previewed", "discarded"):
            raise InvalidInput("errors.import_discard_applied")

    async def _drop_cancelled(self, guild_id: int, cancelled: list[Registrant]) -> int:
        """The roles of cancelled tickets' members go, unless another live ticket of theirs
        gives the same role. The link stays (status shows it as cancelled)."""
        removed = 0
        for registrant in cancelled:
            link = await self._repo.link_of_ticket(guild_id, registrant.key)
            if link is None:
                continue
            keep = set(await self._role_ids_of(guild_id, link.user_id, create=False))
            gone = [
                r
                for r in self.roles.resolve(
                    guild_id, roles_for(registrant.types, self.config.roles)
                )
                if r not in keep
            ]
            for role_id in gone:
                if await self._port.remove_role(
                    guild_id, link.user_id, role_id, "registration: ticket cancelled"
                ):
                    removed += 1
        return removed

    # -- roles -------------------------------------------------------------------------------
    async def ensure_roles(self, guild_id: int) -> bool:
        """Every role of `registration.roles`, created when missing (see roles.py)."""
        return await self.roles.ensure_all(guild_id)

    async def _role_ids_of(self, guild_id: int, user_id: int, *, create: bool) -> list[int]:
        entries: list[str] = []
        for link in await self._repo.links_of_user(guild_id, user_id):
            registrant = await self._repo.registrant(guild_id, link.ticket_key)
            if registrant is None or registrant.cancelled:
                continue
            for entry in roles_for(registrant.types, self.config.roles):
                if entry not in entries:
                    entries.append(entry)
        if create:
            return await self.roles.ensure(guild_id, entries)
        return self.roles.resolve(guild_id, entries)

    async def give(
        self, guild_id: int, user_id: int, has: frozenset[int] = frozenset()
    ) -> list[int]:
        """Give the member every role of their live tickets (those they lack), then mark the
        links given. Returns the role ids the member holds by their tickets."""
        role_ids = await self._role_ids_of(guild_id, user_id, create=True)
        for role_id in role_ids:
            if role_id not in has:
                await self._port.add_role(guild_id, user_id, role_id, "registration")
        await self._repo.set_state(guild_id, user_id, "given")
        return role_ids

    # -- register ----------------------------------------------------------------------------
    async def register(
        self,
        guild_id: int,
        user_id: int,
        receipt: str,
        name: str,
        *,
        has_roles: frozenset[int] = frozenset(),
        nick: str | None = None,
        organizer: bool = False,
    ) -> Registered:
        """The Register form. A wrong number, a wrong name, an unknown or cancelled ticket all
        get the same refusal (nothing tells whether a number exists)."""
        await self._limits.take(guild_id, user_id, ATTEMPT, exempt=organizer)
        key = receipt_key(receipt)
        registrant = await self._repo.registrant(guild_id, key) if key else None
        if registrant is None or registrant.cancelled or not names_match(registrant.name, name):
            raise InvalidInput("registration.no_match")
        link = await self._repo.bind(guild_id, key, user_id, self._clock.now())
        if link.user_id != user_id:
            await self._repo.refuse(guild_id, key, user_id, self._clock.now())
            raise InvalidInput("registration.taken")
        again = link.state == "given"
        try:
            role_ids, new_nick = await self._give_at_once(
                guild_id, user_id, has_roles, self._wanted_nick(guild_id, user_id, registrant, nick)
            )
        except (DiscordRefused, InvalidInput):
            if not again:  # the command's effect is undone: nothing half-made is kept
                await self._repo.unbind_ticket(guild_id, key)
            raise
        tickets = [
            r
            for link in await self._repo.links_of_user(guild_id, user_id)
            if (r := await self._repo.registrant(guild_id, link.ticket_key)) is not None
        ]
        return Registered(tuple(tickets), tuple(role_ids), again, new_nick)

    def _wanted_nick(
        self, guild_id: int, user_id: int, registrant: Registrant, current: str | None
    ) -> tuple[str, bool] | None:
        """(the nickname, whether it must be written), or None when none is set."""
        if not self.config.set_nickname or self._port.owner_id(guild_id) == user_id:
            return None  # Discord never lets a bot change the owner's nickname
        wanted = registrant.name[:NICK_MAX]
        return wanted, current != wanted

    async def _give_at_once(
        self, guild_id: int, user_id: int, has: frozenset[int], nick: tuple[str, bool] | None
    ) -> tuple[list[int], str | None]:
        """The Register form knows the member's roles (the interaction carries them): the
        roles they lack and the nickname go in ONE request (PATCH member). A nickname Discord
        refuses (a member whose role is not below the bot's) does not cost the roles."""
        role_ids = await self._role_ids_of(guild_id, user_id, create=True)
        missing = [r for r in role_ids if r not in has]
        roles = sorted({r for r in has if r != guild_id} | set(missing)) if missing else None
        write_nick = nick[0] if nick is not None and nick[1] else None
        shown = nick[0] if nick is not None else None
        try:
            await self._port.edit_member(
                guild_id, user_id, roles=roles, nick=write_nick, reason="registration"
            )
        except DiscordRefused as refused:
            if write_nick is None:
                raise
            log.info("registration: nickname not set for %s (%s)", user_id, refused.one_line())
            shown = None
            await self._port.edit_member(
                guild_id, user_id, roles=roles, nick=None, reason="registration"
            )
        await self._repo.set_state(guild_id, user_id, "given")
        return role_ids, shown

    # -- organizers --------------------------------------------------------------------------
    async def link(self, guild_id: int, user_id: int, ticket: str) -> Registered:
        key = receipt_key(ticket)
        registrant = await self._repo.registrant(guild_id, key) if key else None
        if registrant is None:
            raise NotFound("registration.ticket_unknown", ticket=ticket[:64])
        existing = await self._repo.link_of_ticket(guild_id, key)
        if existing is not None and existing.user_id != user_id:
            await self._repo.unbind_ticket(guild_id, key)
            await self._take_roles(guild_id, existing.user_id)
        await self._repo.bind(guild_id, key, user_id, self._clock.now(), manual=True)
        role_ids = await self.give(guild_id, user_id)
        return Registered((registrant,), tuple(role_ids), False, None)

    async def unlink(self, guild_id: int, user_id: int) -> int:
        """Forget the member's tickets and take their ticket roles; how many tickets."""
        roles = await self._role_ids_of(guild_id, user_id, create=False)
        gone = await self._repo.unbind_user(guild_id, user_id)
        for role_id in roles:
            await self._port.remove_role(guild_id, user_id, role_id, "registration: unlinked")
        return len(gone)

    async def _take_roles(self, guild_id: int, user_id: int) -> None:
        keep = set(await self._role_ids_of(guild_id, user_id, create=False))
        for role_id in set(self.roles.resolve(guild_id, list(self.config.roles.values()))) - keep:
            await self._port.remove_role(guild_id, user_id, role_id, "registration: relinked")

    async def status(self, guild_id: int) -> Status:
        registrants = await self._repo.registrants(guild_id)
        links = {link.ticket_key: link for link in await self._repo.links(guild_id)}
        status = Status()
        for r in registrants.values():
            if r.cancelled:
                status.cancelled += 1
                continue
            status.total += 1
            bound = r.key in links
            status.registered += bound
            for kind in r.types or ("—",):
                count = status.by_type.setdefault(kind, TypeCount())
                count.total += 1
                count.registered += bound
        status.members = len({link.user_id for link in links.values()})
        for key, user_id in await self._repo.refusals(guild_id):
            link = links.get(key)
            if link is not None and link.user_id != user_id:
                ticket = registrants[key].ticket if key in registrants else key
                status.refusals.append((ticket, user_id, link.user_id))
        return status

    async def counts(self, guild_id: int) -> dict[str, int]:
        """Registration counts (the wrap-up archive): total, registered, cancelled, members."""
        status = await self.status(guild_id)
        return {
            "tickets": status.total,
            "registered": status.registered,
            "not_registered": status.total - status.registered,
            "cancelled": status.cancelled,
            "members": status.members,
            "second_accounts_refused": len(status.refusals),
        }

    async def lookup(self, guild_id: int, user_id: int) -> list[tuple[Registrant, Link]]:
        found: list[tuple[Registrant, Link]] = []
        for link in await self._repo.links_of_user(guild_id, user_id):
            registrant = await self._repo.registrant(guild_id, link.ticket_key)
            if registrant is not None:
                found.append((registrant, link))
        return found

    async def linkage(self, guild_id: int) -> list[tuple[Registrant, Link | None]]:
        links = {link.ticket_key: link for link in await self._repo.links(guild_id)}
        return [(r, links.get(r.key)) for r in (await self._repo.registrants(guild_id)).values()]

    # -- convergence, privacy ----------------------------------------------------------------
    async def reconcile(self, guild_id: int) -> bool:
        """At start: the roles exist; links bound before a restart get their roles. True when
        a role was created (the gated places should look again)."""
        created = await self.ensure_roles(guild_id) if self.config.roles else False
        for link_guild, user_id in await self._repo.pending_links():
            if link_guild == guild_id:
                await self.give(guild_id, user_id)
        return created

    async def count_person(self, guild_id: int, user_id: int) -> int:
        return await self._repo.count_person(guild_id, user_id)

    async def forget_person(self, guild_id: int, user_id: int) -> int:
        """Forget-me: the person's linkage goes (their roles stay)."""
        count = await self._repo.count_person(guild_id, user_id)
        await self._repo.unbind_user(guild_id, user_id)
        return count

    async def purge(self, guild_id: int | None = None) -> int:
        return await self._repo.purge(guild_id)
