"""The qa feature: a session's questions with upvotes (cards in its chat, `/ask`,
`/questions`, Answered / Hide / Reveal) and its time signals."""

from __future__ import annotations

from datetime import timedelta

from bot.core.archive import ArchivePart
from bot.core.bus import SessionChanged
from bot.core.feature import Core, Feature, SetupStep
from bot.core.privacy import PersonalData
from bot.core.reconcile import Converge
from bot.features.qa.cards import QuestionCards
from bot.features.qa.checkin import CheckinConfig, SpeakerCheckin
from bot.features.qa.checkin_repo import CheckinRepository
from bot.features.qa.cog import QaCog
from bot.features.qa.render import QaRenderer
from bot.features.qa.repo import QuestionRepository
from bot.features.qa.service import QuestionService
from bot.features.qa.signals import TimeSignals
from bot.features.qa.views import CheckinButton, QuestionButton
from bot.features.sessions.service import SessionService
from bot.store.uow import UnitOfWork

PROBLEM = "backstage"
WHAT = "qa.problem_backstage"


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
    buttons: dict[str, type[CheckinButton]] = {}
    checkin = SpeakerCheckin(
        core.bot,
        core.gateway,
        core.objects,
        CheckinRepository(core.db),
        sessions,
        core.jobs,
        core.direct,
        core.clock,
        core.catalog,
        CheckinConfig(
            lead=timedelta(minutes=settings.sessions.checkin_minutes),
            organizer_roles=settings.organizer_roles,
            locale=settings.locale,
        ),
        uow=UnitOfWork(core.db),
        poke=core.scheduler.poke,
        button=lambda session_id: buttons["here"].prompt_view(session_id),
        gate=core.gate,
    )
    here = CheckinButton.bound(checkin, core.catalog, settings.locale)
    buttons["here"] = here

    async def on_changed(event: SessionChanged) -> None:
        async with core.problems.background(event.guild_id, PROBLEM, WHAT):
            await checkin.converge(event.guild_id)

    core.bus.subscribe(SessionChanged, on_changed)

    return Feature(
        name="qa",
        cogs=(lambda bot: QaCog(questions, render, button, core.catalog, checkin),),
        dynamic_items=(button, here),
        jobs={**signals.jobs(), **checkin.jobs()},
        converge=(
            Converge(cards.catch_up),
            Converge(signals.plan_guild),
            Converge(checkin.converge, PROBLEM, WHAT),
        ),
        setup=(SetupStep(checkin.setup, PROBLEM, WHAT),),
        stop=(cards.stop,),
        personal=(
            PersonalData(
                "questions",
                questions.count_questions,
                questions.forget_questions,
                "qa.personal_questions",
            ),
            PersonalData(
                "question_votes", questions.count_votes, questions.forget_votes, "qa.personal_votes"
            ),
        ),
        archive=(ArchivePart("questions.csv", "qa.archive_file", questions.archive_file),),
        exposes={
            "qa": questions,
            "time_signals": signals,
            "checkin": checkin,
            "status:checkin": checkin,
        },
    )
