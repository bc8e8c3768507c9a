"""The registration feature: the registrants list, the Register button and its form, roles from
tickets, `#welcome` with the onboarding buttons, status / lookup / export for organizers. The
gate itself is the core's (bot/core/gate.py): every owned channel follows it."""

from __future__ import annotations

import io
from collections.abc import Awaitable
from datetime import datetime, timedelta

import discord

from bot.core.archive import ArchivePart
from bot.core.csv_out import CsvOut
from bot.core.feature import Core, Feature, SetupStep
from bot.core.owned import SetupReport
from bot.core.privacy import PersonalData
from bot.core.ratelimit import MemberLimits
from bot.core.reconcile import Converge, Repair
from bot.core.untrusted import UntrustedRunner
from bot.domain.errors import DiscordRefused, InvalidInput, Refusal
from bot.domain.ratelimit import Rule
from bot.features.registration.cog import RegistrationCog
from bot.features.registration.keys import ATTEMPT, PREFIXES
from bot.features.registration.onboarding import Agenda, OnboardingAnswers, Welcome
from bot.features.registration.render import RegistrationRender
from bot.features.registration.repo import RegistrationRepository
from bot.features.registration.retention import Retention
from bot.features.registration.service import (
    WORKER_MODULES,
    RegistrationConfig,
    RegistrationService,
)
from bot.features.registration.views import ImportButton, OnboardButton, RegisterButton
from bot.features.sessions.service import SessionService
from bot.store.member_action_repo import MemberActionRepository

PROBLEM = "registration"
WHAT = "problems.what.registration"
ATTEMPTS = Rule(5, timedelta(minutes=10))  # Register forms per person, against guessing


class SessionsProgramme:
    """Now and next, from the sessions feature (the `/schedule show` answer, short)."""

    def __init__(self, sessions: SessionService, upcoming: int = 5) -> None:
        self._sessions = sessions
        self._upcoming = upcoming

    async def now_and_next(
        self, guild_id: int, now: datetime
    ) -> tuple[list[tuple[str, datetime, int | None]], list[tuple[str, datetime, int | None]]]:
        programme = await self._sessions.programme(guild_id, include_cancelled=False)
        channels, _ = await self._sessions.places.discord_ids(guild_id)
        running = [
            (s.title, s.start, channels.get(s.id)) for s in programme if s.start <= now < s.end
        ]
        later = [(s.title, s.start, channels.get(s.id)) for s in programme if s.start > now]
        return running, later[: self._upcoming]


def _agenda(core: Core) -> Agenda | None:
    """The agenda feature's service (`agenda`: `agenda_sessions(guild_id, user_id)`), if any."""
    found = core.services.find("agenda", object)
    return found if isinstance(found, Agenda) else None


def wire(core: Core) -> Feature:
    settings = core.settings.registration
    render = RegistrationRender(
        core.catalog, core.settings.locale, retention_days=core.settings.attendance.retention_days
    )
    repo = RegistrationRepository(core.db)
    service = RegistrationService(
        repo,
        core.gateway,
        core.clock,
        MemberLimits(MemberActionRepository(core.db), core.clock, {ATTEMPT: ATTEMPTS}),
        RegistrationConfig(
            roles=dict(settings.roles),
            columns={str(k): v for k, v in settings.columns.items()},
            set_nickname=settings.set_nickname,
        ),
        UntrustedRunner(preload=WORKER_MODULES),
        objects=core.objects,
    )
    retention = Retention(
        core.db,
        repo,
        core.jobs,
        core.clock,
        keep=timedelta(days=core.settings.attendance.retention_days),
        poke=core.scheduler.poke,
    )
    register_button = RegisterButton.bound(service, render)
    sessions = core.services.find("sessions", SessionService)
    answers = OnboardingAnswers(
        render,
        core.clock,
        programme=SessionsProgramme(sessions) if sessions is not None else None,
        # The agenda feature (`agenda`, AgendaService.agenda_sessions), when present.
        agenda=lambda: _agenda(core),
    )
    onboard_button = OnboardButton.bound(answers)

    def welcome_view() -> discord.ui.View:
        locale = core.settings.locale
        view = discord.ui.View(timeout=None)
        view.add_item(register_button(label=render.t("register_button", locale)))
        for topic in ("now", "rooms", "agenda"):
            view.add_item(onboard_button(topic, label=render.t(f"button_{topic}", locale)))
        return view

    welcome = Welcome(
        core.gateway,
        core.objects,
        core.clock,
        render,
        gate=core.gate,
        organizer_roles=core.settings.organizer_roles,
        names=lambda key: core.text(key),
        view=welcome_view,
    )

    async def refused_if_unusable(work: Awaitable[bool]) -> bool:
        """A mapped role the bot cannot give, in background work: a refusal (a problem shown in
        /workshop status, retried later), not an error."""
        try:
            return await work
        except InvalidInput as cannot:
            raise DiscordRefused(
                Refusal.PERMISSIONS,
                status=403,
                code=50013,
                detail=core.catalog.t(cannot.key, "en", **cannot.params),
            ) from None

    async def converge(guild_id: int) -> None:
        await retention.schedule(guild_id)  # also when registration was turned off since
        if not settings.enabled:
            return
        await welcome.ensure(guild_id, verify=True)
        created = await refused_if_unusable(service.reconcile(guild_id))
        if created and core.gate.enabled:
            await core.reconciler.guild_available(guild_id)  # gated places see the new roles

    async def setup(guild_id: int, report: SetupReport) -> None:
        if not settings.enabled:
            return
        for purpose, outcome, discord_id in await welcome.ensure(guild_id):
            report.add(purpose, outcome, discord_id)
        if await refused_if_unusable(service.ensure_roles(guild_id)) and core.gate.enabled:
            await core.reconciler.guild_available(guild_id)

    async def repair(guild_id: int, purpose: str, discord_id: int) -> None:
        if settings.enabled:
            await welcome.ensure(guild_id)

    async def counts_file(guild_id: int) -> tuple[bytes, int]:
        """The wrap-up archive's registration counts: per ticket type, then the totals (no
        names, no tickets: counts only)."""
        status = await service.status(guild_id)
        out = io.StringIO()
        csv = CsvOut(out, ("ticket_type", "tickets", "registered", "not_registered"))
        for kind, count in sorted(status.by_type.items()):
            csv.row((kind, count.total, count.registered, count.total - count.registered))
        csv.row(("(all)", status.total, status.registered, status.total - status.registered))
        csv.row(("(cancelled)", status.cancelled, "", ""))
        csv.row(("(second accounts refused)", len(status.refusals), "", ""))
        return out.getvalue().encode("utf-8-sig"), len(status.by_type) + 3

    import_button = ImportButton.bound(service, render, on_applied=retention.schedule)
    return Feature(
        name="registration",
        cogs=(lambda bot: RegistrationCog(service, render, import_button),),
        dynamic_items=(register_button, onboard_button, import_button),
        jobs=retention.jobs(),
        # forget-me deletes the person's linkage; the roles stay unless they ask an organizer
        personal=(
            PersonalData(
                "registration",
                service.count_person,
                service.forget_person,
                "registration.personal_label",
            ),
        ),
        converge=(Converge(converge, PROBLEM, WHAT),),
        repairs=(Repair(repair, PREFIXES, PROBLEM, WHAT),),
        setup=(SetupStep(setup, PROBLEM, WHAT),),
        exposes={"registration": service, "registration_counts": service.counts},
        archive=(ArchivePart("registration.csv", "registration.archive_file", counts_file),),
    )
