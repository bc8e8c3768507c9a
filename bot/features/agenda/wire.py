"""The agenda feature: Interested mirrored from the gateway's raw payloads (a tap) and
reconciled on start, `/agenda ...`, ＋ My agenda, ★ in the programme's replies, and reminders
and change notices by each person's mode (durable jobs)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot.core.bus import SessionChanged
from bot.core.feature import Core, Feature
from bot.core.privacy import PersonalData
from bot.core.reconcile import Converge
from bot.features.agenda.cog import AgendaCog
from bot.features.agenda.notify import Direct, Notifier
from bot.features.agenda.render import AgendaRender
from bot.features.agenda.repo import AgendaRepository
from bot.features.agenda.service import AgendaConfig, AgendaService
from bot.features.agenda.views import AddButton, AgendaPages
from bot.features.sessions.domain.model import Session
from bot.features.sessions.guild_calendar import GuildCalendar
from bot.features.sessions.hooks import READER
from bot.features.sessions.service import SessionService
from bot.gateway.agenda import RAW_DISPATCH, AgendaGateway, InterestPayload, tap_raw_interest
from bot.store.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


class Reader:
    """What the programme's replies ask of the agenda (bot/features/sessions/hooks.py)."""

    def __init__(self, agenda: AgendaService, button: type[AddButton]) -> None:
        self._agenda = agenda
        self._button = button

    async def marked(self, guild_id: int, user_id: int) -> frozenset[int]:
        return await self._agenda.marked(guild_id, user_id)

    def info_view(self, session_id: int, locale: str) -> discord.ui.View | None:
        return self._button.make_view(session_id, locale)


def wire(core: Core) -> Feature:
    settings, bot = core.settings, core.bot
    minutes = settings.agenda.reminder_minutes
    if minutes is None:
        minutes = settings.sessions.reminder_minutes
    sessions = core.services.get("sessions", SessionService)
    gateway = AgendaGateway(bot)
    repo = AgendaRepository(core.db)
    uow = UnitOfWork(core.db)
    agenda = AgendaService(
        repo,
        sessions,
        gateway,
        uow,
        core.jobs,
        core.clock,
        AgendaConfig(reminder=timedelta(minutes=minutes)),
        poke=core.scheduler.poke,
        serves=bot.serves,
    )
    render = AgendaRender(core.catalog, settings.locale)
    add_button = AddButton.bound(agenda, sessions, render)
    pages = AgendaPages(agenda, sessions, render)

    def direct() -> Direct | None:
        return core.direct

    def reminder_button(session: Session) -> discord.ui.View:
        return add_button.make_view(session.id, settings.locale)

    notifier = Notifier(
        agenda,
        repo,
        sessions,
        gateway,
        core.objects,
        uow,
        core.jobs,
        core.clock,
        render,
        direct=direct,
        add_button=reminder_button,
        poke=core.scheduler.poke,
    )
    core.bus.subscribe(SessionChanged, notifier.programme_changed)
    tap_raw_interest(bot)

    def tap(event: str, args: tuple[Any, ...]) -> None:
        if event == RAW_DISPATCH:
            (payload,) = args
            if isinstance(payload, InterestPayload):
                agenda.observe(payload)

    def cog(client: WorkshopBot) -> AgendaCog:
        return AgendaCog(
            agenda,
            render,
            pages,
            calendar=core.services.get("calendar", GuildCalendar),
        )

    return Feature(
        name="agenda",
        cogs=(cog,),
        dynamic_items=(add_button, pages.button),
        jobs=notifier.jobs(),
        converge=(Converge(agenda.reconcile, "agenda", "agenda.problem_what"),),
        taps=(tap,),
        flush=(agenda.stop,),
        personal=(
            PersonalData(
                "agenda", agenda.count_person, agenda.forget_person, "agenda.personal_label"
            ),
        ),
        exposes={"agenda": agenda, "agenda_notifier": notifier, READER: Reader(agenda, add_button)},
    )
