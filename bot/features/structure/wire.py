"""The structure feature: the base channels (lobby, announcements, help) and the lobby's board
message, `/workshop setup` (which runs every feature's setup step) and `/workshop status`."""

from __future__ import annotations

from bot.core.feature import Core, Feature
from bot.core.reconcile import Converge, Repair
from bot.features.rooms.board import BoardPost, BoardService
from bot.features.structure.cog import WorkshopCog
from bot.features.structure.render import StructureRenderer
from bot.features.structure.service import StructureService
from bot.features.structure.setup import WorkshopSetup
from bot.features.structure.status import StatusService

PROBLEM = "structure"
WHAT = "problems.what.structure"


def wire(core: Core) -> Feature:
    settings = core.settings

    def board_post() -> BoardPost:
        # The lobby's board is the rooms feature's (wired after this one): it renders it.
        return core.services.get("board", BoardService).first_post()

    structure = StructureService(
        core.gateway,
        core.objects,
        core.audit,
        core.clock,
        names=lambda key: core.text(key),
        organizer_roles=settings.organizer_roles,
        bus=core.bus,
        board_post=board_post,
        gate=core.gate,
    )

    async def repair(guild_id: int, purpose: str, discord_id: int) -> None:
        await structure.reconcile(guild_id)

    status = StatusService(core.db, lambda: core.services.named("status:"))
    render = StructureRenderer(core.catalog)
    setup = WorkshopSetup(
        structure,
        core.problems,
        steps=lambda: [step for feature in core.bot.features for step in feature.setup],
    )

    return Feature(
        name="structure",
        cogs=(lambda bot: WorkshopCog(setup, structure, status, render, core),),
        converge=(
            Converge(
                lambda guild_id: structure.reconcile(guild_id, verify_board=True), PROBLEM, WHAT
            ),
        ),
        repairs=(Repair(repair, problem=PROBLEM, what=WHAT, fallback=True),),
        exposes={"structure": structure, "status": status},
    )
