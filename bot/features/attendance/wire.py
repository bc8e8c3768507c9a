"""The attendance feature: voice presence read in gateway order (a tap in `dispatch`), stays
recorded per session, reports and exports, the privacy notice and retention."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.archive import ArchivePart
from bot.core.feature import Core, Feature, SetupStep
from bot.core.owned import SetupReport
from bot.core.privacy import PersonalData
from bot.features.attendance.cog import AttendanceCog
from bot.features.attendance.export import stays_csv
from bot.features.attendance.recorder import AttendanceRecorder
from bot.features.attendance.render import AttendanceRender
from bot.features.attendance.repo import AttendanceRepository
from bot.features.attendance.service import AttendanceConfig, AttendanceService
from bot.features.attendance.tap import VoiceTap
from bot.features.attendance.views import ForgetButton
from bot.features.sessions.service import SessionService

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot


def wire(core: Core) -> Feature:
    settings, bot = core.settings, core.bot
    config = settings.attendance
    repo = AttendanceRepository(core.db)

    def notice() -> str:
        return core.text("attendance.notice", days=config.retention_days)

    attendance = AttendanceService(
        core.db,
        repo,
        AttendanceRecorder(
            repo,
            core.clock,
            enabled=config.enabled,
            heartbeat=timedelta(seconds=config.heartbeat_seconds),
        ),
        core.objects,
        core.jobs,
        core.gateway,
        core.clock,
        AttendanceConfig(
            enabled=config.enabled,
            retention=timedelta(days=config.retention_days),
            zone=settings.zone,
            notice_text=notice,
        ),
        upload_limit=core.gateway.upload_limit,
        poke=core.scheduler.poke,
    )

    async def post_notice(guild_id: int, report: SetupReport) -> None:
        # What attendance records and how to see or delete it, once in #announcements.
        await attendance.ensure_notice(guild_id)

    render = AttendanceRender(core.catalog)
    forget_button = ForgetButton.bound(core.privacy, render)
    programme = core.services.get("sessions", SessionService).programme

    def cog(client: WorkshopBot) -> AttendanceCog:
        return AttendanceCog(
            client,
            attendance,
            render,
            programme=programme,
            forget_button=forget_button,
            privacy=core.privacy,
            zone_name=settings.timezone,
        )

    async def archive_file(guild_id: int) -> tuple[bytes, int]:
        # Every stay, a stay still open counting until the last heartbeat (as offline).
        await attendance.flush()
        return await stays_csv(repo, guild_id, settings.zone)

    return Feature(
        name="attendance",
        cogs=(cog,),
        dynamic_items=(forget_button,),
        jobs=attendance.jobs(),
        setup=(SetupStep(post_notice, "notice", "problems.what.notice"),),
        # In gateway order, while the cache shows exactly the event (see tap.py).
        taps=(VoiceTap(attendance, core.clock, bot.serves, lambda: bot.guilds),),
        flush=(attendance.stop,),  # what is queued is written first
        exposes={"attendance": attendance},
        personal=(
            PersonalData(
                "attendance", attendance.count, attendance.forget, "attendance.personal_label"
            ),
        ),
        archive=(ArchivePart("attendance.csv", "archive.attendance_csv", archive_file),),
    )
