"""The feedback feature: ratings from the people who attended a session (asked for when it
closes), reports with a chart and CSV, and its files in the wrap-up archive."""

from __future__ import annotations

from datetime import timedelta

from bot.core.archive import ArchivePart
from bot.core.bus import SessionClosed
from bot.core.feature import Core, Feature
from bot.core.privacy import PersonalData
from bot.core.reconcile import Converge, Repair
from bot.features.attendance.service import AttendanceService
from bot.features.feedback.cog import FeedbackCog
from bot.features.feedback.prompt import PREFIX, FeedbackPrompts
from bot.features.feedback.render import FeedbackRender
from bot.features.feedback.repo import FeedbackRepository
from bot.features.feedback.service import FeedbackConfig, FeedbackService
from bot.features.feedback.views import RateButton
from bot.features.sessions.service import SessionService


def wire(core: Core) -> Feature:
    settings = core.settings
    config = settings.feedback
    sessions = core.services.get("sessions", SessionService)
    repo = FeedbackRepository(core.db)
    feedback = FeedbackService(
        repo,
        core.services.find("attendance", AttendanceService),
        sessions,
        core.clock,
        FeedbackConfig(
            min_minutes=config.min_minutes,
            open_for=timedelta(hours=config.open_hours),
            named=config.named,
            zone=settings.zone,
        ),
    )
    render = FeedbackRender(core.catalog)
    button = RateButton.bound(feedback, sessions, render)
    prompts = FeedbackPrompts(
        core.db,
        core.jobs,
        core.objects,
        sessions,
        feedback,
        core.gateway,
        core.clock,
        render,
        button,
        locale=settings.locale,
        poke=core.scheduler.poke,
        direct=core.direct if config.dm else None,
    )
    core.bus.subscribe(SessionClosed, prompts.closed)

    async def left_alone(guild_id: int, purpose: str, discord_id: int) -> None:
        """A prompt deleted by hand: an organizer's decision (the command still works)."""

    async def ratings_file(guild_id: int) -> tuple[bytes, int]:
        return await feedback.all_ratings_csv(guild_id)

    return Feature(
        name="feedback",
        cogs=(lambda bot: FeedbackCog(feedback, render),),
        dynamic_items=(button,),
        jobs=prompts.jobs(),
        converge=(Converge(prompts.converge),),  # schedules jobs only: no Discord call
        repairs=(Repair(left_alone, (PREFIX,)),),
        exposes={"feedback": feedback},
        personal=(
            PersonalData(
                "feedback",
                feedback.count_person,
                feedback.forget_person,
                "feedback.personal_label",
            ),
        ),
        archive=(ArchivePart("feedback.csv", "feedback.archive_file", ratings_file),),
    )
