"""The one per-member limit for actions that make or remove Discord objects.

Looping `/poster claim` + `/poster release` (or anything like it) would create and delete
channels and threads in seconds; each such action takes a *ticket* here first. Beyond a rule's
`count` in its `window` the member is refused with the time it becomes possible. Organizers are
exempt. An action that then did not happen (Discord refused it, it was undone) gives its
ticket back. The history lives in the database, so a restart forgets nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain import ratelimit as rate
from bot.domain.clock import Clock
from bot.store.member_action_repo import MemberActionRepository

POSTER_BOARD = "poster.board"  # claiming or releasing a board (a post and a voice channel)


@dataclass(frozen=True)
class Ticket:
    id: int | None  # None: exempt, nothing recorded


class MemberLimits:
    def __init__(
        self, repo: MemberActionRepository, clock: Clock, rules: Mapping[str, rate.Rule]
    ) -> None:
        self._repo = repo
        self._clock = clock
        self._rules = dict(rules)

    def rule(self, action: str) -> rate.Rule:
        return self._rules[action]

    async def take(self, guild_id: int, user_id: int, action: str, *, exempt: bool) -> Ticket:
        """Allow one more `action` by the member (recorded), or raise TooSoon."""
        if exempt:
            return Ticket(None)
        rule = self._rules[action]
        now = self._clock.now()
        taken, times = await self._repo.take(
            guild_id, user_id, action, now, since=now - rule.window, allowed=rule.count
        )
        if taken is None:
            rate.check(times, rule, now)
        return Ticket(taken)

    async def give_back(self, ticket: Ticket) -> None:
        """The action did not happen after all: it does not count."""
        if ticket.id is not None:
            await self._repo.forget(ticket.id)
