"""The wrap-up feature: `/workshop wrap-up` (lock, thank, archive) and `/workshop teardown`;
while a guild is wrapped up the reconciler leaves its Discord objects alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.archive import ArchivePart
from bot.core.feature import Core, Feature
from bot.features.wrapup.cog import WrapUpCog
from bot.features.wrapup.readme import readme_text
from bot.features.wrapup.repo import EndRepository
from bot.features.wrapup.service import WrapUpService
from bot.features.wrapup.views import TeardownButton, WrapUpButton

if TYPE_CHECKING:
    from bot.core.archive import ReadmeText
    from bot.core.bot import WorkshopBot


def wire(core: Core) -> Feature:
    settings = core.settings
    repo = EndRepository(core.db)
    # Filled as the features are wired (this one comes last): read when an archive is made.
    parts: list[ArchivePart] = core.bot.archive_parts

    def readme(guild_id: int) -> ReadmeText:
        return readme_text(
            core.catalog,
            settings.locale,
            guild_id=guild_id,
            title=settings.title,
            zone=settings.zone,
            now=core.clock.now,
        )

    async def told(organizer_id: int, objects: int, requests: int) -> None:
        # The channel the teardown was asked in is gone: the organizer hears by DM (if they
        # take DMs; else the log line is all).
        await core.direct.send(
            organizer_id, content=core.text("wrapup.teardown_done", count=objects)
        )

    wrapup = WrapUpService(
        core.db,
        repo,
        core.jobs,
        core.objects,
        core.gateway,
        core.clock,
        parts=parts,
        readme=readme,
        thanks=lambda: core.text("wrapup.thanks"),
        upload_limit=core.gateway.upload_limit,
        poke=core.scheduler.poke,
        told=told,
        roles=core.gateway,
    )
    core.reconciler.hold(wrapup.held)
    wrap_button = WrapUpButton.bound(wrapup, core.catalog)
    teardown_button = TeardownButton.bound(wrapup, core.catalog)

    def cog(bot: WorkshopBot) -> WrapUpCog:
        return WrapUpCog(bot, wrapup, core.catalog, wrap_button, teardown_button)

    return Feature(
        name="wrapup",
        cogs=(cog,),
        dynamic_items=(wrap_button, teardown_button),
        jobs=wrapup.jobs(),
        exposes={"wrapup": wrapup},
    )
