"""The structure feature: the base channels (lobby, announcements, help) and the lobby's board
message, `/workshop setup` (which runs every feature's setup step) and `/workshop status`."""

from __future__ import annotations

from bot.cogs.workshop import WorkshopCog
from bot.core.feature import Core, Feature
from bot.core.reconcile import Converge, Repair
from bot.services.status import StatusService
from bot.services.structure import StructureService

PROBLEM = "structure"
WHAT = "problems.what.structure"


def wire(core: Core) -> Feature:
    settings = core.settings

    structure = StructureService(
        core.gateway,
        core.objects,
        core.audit,
        core.clock,
        names=lambda key: core.text(key),
        organizer_roles=settings.organizer_roles,
        bus=core.bus,
    )

    async def repair(guild_id: int, purpose: str, discord_id: int) -> None:
        await structure.reconcile(guild_id)

    return Feature(
        name="structure",
        cogs=(WorkshopCog,),
        converge=(
            Converge(
                lambda guild_id: structure.reconcile(guild_id, verify_board=True), PROBLEM, WHAT
            ),
        ),
        repairs=(Repair(repair, problem=PROBLEM, what=WHAT, fallback=True),),
        exposes={"structure": structure, "status": StatusService(core.db)},
    )
