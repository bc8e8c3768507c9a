"""The registration gate, live: which roles are registered and who organizes, from the
settings and the guild's roles, applied to every channel the bot owns (bot/core/owned.py), so
base channels, sessions' places, poster boards, topic rooms and whatever comes next follow it in
one place. The rule itself is pure: bot/domain/gate.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.domain.gate import GateTargets, drifted, gated
from bot.domain.organizers import configured_role_ids
from bot.domain.structure import ResolvedOverwrite

RoleList = Callable[[int], list[tuple[int, str]]]


class Gate:
    def __init__(
        self,
        *,
        enabled: bool,
        member_roles: Sequence[str],
        organizer_roles: Sequence[str],
        roles: RoleList,
        bot_user_id: Callable[[], int],
    ) -> None:
        self.enabled = enabled
        self._member_roles = tuple(dict.fromkeys(member_roles))
        self._organizer_roles = tuple(organizer_roles)
        self._roles = roles
        self._bot_user_id = bot_user_id

    @classmethod
    def open(cls) -> Gate:
        """No gate (tests of a single part, tools)."""
        return cls(
            enabled=False,
            member_roles=(),
            organizer_roles=(),
            roles=lambda _: [],
            bot_user_id=lambda: 0,
        )

    def targets(self, guild_id: int) -> GateTargets:
        roles = self._roles(guild_id)
        members, _ = configured_role_ids(self._member_roles, roles)
        organizers, _ = configured_role_ids(self._organizer_roles, roles)
        return GateTargets(guild_id, tuple(members), tuple(organizers), self._bot_user_id())

    def apply(
        self, guild_id: int, overwrites: Sequence[ResolvedOverwrite], *, public: bool = False
    ) -> tuple[ResolvedOverwrite, ...]:
        if not self.enabled or public:
            return tuple(overwrites)
        return gated(overwrites, self.targets(guild_id))

    def drifted(
        self, have: frozenset[ResolvedOverwrite], wanted: Sequence[ResolvedOverwrite]
    ) -> bool:
        return self.enabled and drifted(have, wanted)
