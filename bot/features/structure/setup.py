"""`/workshop setup`: the base structure first, then every feature's part of it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.feature import SetupStep
from bot.core.owned import SetupReport
from bot.core.problems import Problems
from bot.features.structure.service import StructureService


class WorkshopSetup:
    def __init__(
        self,
        structure: StructureService,
        problems: Problems,
        steps: Callable[[], Sequence[SetupStep]],
    ) -> None:
        self._structure = structure
        self._problems = problems
        self._steps = steps  # read when run: the features wired after this one add theirs

    async def run(self, guild_id: int, actor_id: int) -> SetupReport:
        """Create or repair the base channels, then let each feature add its part (the
        attendance notice, the guide pinned in #help, ...): a refusal there is a recorded
        problem, retried later, and the other parts still run."""
        report = await self._structure.ensure(guild_id, actor_id)
        for step in self._steps():
            async with self._problems.background(guild_id, step.problem, step.what):
                await step.run(guild_id, report)
        return report
