"""The qa feature: a session's questions with upvotes (cards in its chat, `/ask`,
`/questions`, Answered / Hide / Reveal) and its time signals."""

from __future__ import annotations

from bot.core.bus import SessionChanged
from bot.core.feature import Core, Feature
from bot.core.reconcile import Converge
from bot.features.qa.cards import QuestionCards
from bot.features.qa.cog import QaCog
from bot.features.qa.render import QaRenderer
from bot.features.qa.repo import QuestionRepository
from bot.features.qa.service import QuestionService
from bot.features.qa.signals import TimeSignals
from bot.features.qa.views import QuestionButton
from bot.features.sessions.service import SessionService
from bot.store.uow import UnitOfWork


def wire(core: Core) -> Feature:
    settings = core.settings
    repo = QuestionRepository(core.db)
    render = QaRenderer(core.catalog, settings.locale)
    holder: dict[str, type[QuestionButton]] = {}

    cards = QuestionCards(
        core.bot,
        repo,
        embed=render.card,
        view=lambda q: holder["button"].card_view(q),
        spacing=settings.qa.card_edit_seconds,
    )
    sessions = core.services.get("sessions", SessionService)
    questions = QuestionService(repo, sessions, cards, core.audit, core.clock)
    button = QuestionButton.bound(questions, core.catalog, settings.locale)
    holder["button"] = button
    signals = TimeSignals(
        core.bot,
        repo,
        sessions,
        core.jobs,
        core.clock,
        render,
        settings.sessions.time_signals,
        uow=UnitOfWork(core.db),
        poke=core.scheduler.poke,
    )
    core.bus.subscribe(SessionChanged, signals.on_changed)

    return Feature(
        name="qa",
        cogs=(lambda bot: QaCog(questions, render, button, core.catalog),),
        dynamic_items=(button,),
        jobs=signals.jobs(),
        converge=(Converge(cards.catch_up), Converge(signals.plan_guild)),
        stop=(cards.stop,),
        exposes={"qa": questions, "time_signals": signals},
    )
