"""The help feature: `/help` and the guide pinned in #help, kept like the lobby's board."""

from __future__ import annotations

from bot.core.feature import Core, Feature, SetupStep
from bot.core.owned import SetupReport
from bot.core.reconcile import Converge, Repair
from bot.domain.structure import Purpose
from bot.features.help.cog import HelpCog, guide_text
from bot.features.help.guide import PREFIX, HelpGuide
from bot.features.structure.service import StructureService

PROBLEM = "help"
WHAT = "problems.what.help"


def wire(core: Core) -> Feature:
    locale = core.settings.locale
    structure = core.services.get("structure", StructureService)
    guide = HelpGuide(
        core.objects,
        core.gateway,
        core.clock,
        text=lambda lobby_id: guide_text(
            core.catalog,
            locale,
            lobby_id=lobby_id,
            workshop_locale=locale,
            registration=core.settings.registration.enabled,
        ),
    )

    async def setup(guild_id: int, report: SetupReport) -> None:
        posted = await guide.ensure(guild_id)
        if posted is not None:
            report.add(Purpose.HELP_MESSAGE, *posted)

    async def repair(guild_id: int, purpose: str, discord_id: int) -> None:
        await guide.ensure(guild_id)  # a new #help gets the guide again

    return Feature(
        name="help",
        cogs=(
            lambda bot: HelpCog(
                structure,
                core.catalog,
                locale,
                registration=core.settings.registration.enabled,
            ),
        ),
        converge=(Converge(lambda guild_id: guide.ensure(guild_id, verify=True), PROBLEM, WHAT),),
        repairs=(
            Repair(repair, (PREFIX,), PROBLEM, WHAT),
            Repair(repair, problem=PROBLEM, what=WHAT, fallback=True),
        ),
        setup=(SetupStep(setup, PROBLEM, WHAT),),
        exposes={"guide": guide},
    )
