"""The registration gate, pure: the overwrites of a place the bot makes, when only registered
participants and organizers may see it (`registration.gate = true`).

Whatever a place's own overwrites say (locked before a session, open while it runs, read-only
after), @everyone additionally loses View Channel; each registered role gets what @everyone was
allowed plus View Channel (so a locked place stays locked for them, an open one open); the
organizer roles and the bot keep View Channel. A public place (`#welcome`) is left as it is.
Only View Channel is added, a bit of the permission catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.permissions import Perm
from bot.domain.structure import ResolvedOverwrite

VIEW = int(Perm.VIEW_CHANNEL)


@dataclass(frozen=True)
class GateTargets:
    everyone_id: int
    member_role_ids: tuple[int, ...]
    organizer_role_ids: tuple[int, ...]
    bot_user_id: int


def gated(
    overwrites: Sequence[ResolvedOverwrite], targets: GateTargets
) -> tuple[ResolvedOverwrite, ...]:
    by_target = {(o.target_id, o.is_role): o for o in overwrites}
    everyone = by_target.get((targets.everyone_id, True))
    e_allow = everyone.allow if everyone else 0
    e_deny = everyone.deny if everyone else 0
    wanted: dict[tuple[int, bool], ResolvedOverwrite] = dict(by_target)

    def merge(target: int, is_role: bool, allow: int, deny: int = 0) -> None:
        old = wanted.get((target, is_role))
        if old is not None:
            allow, deny = old.allow | allow, old.deny & ~allow | deny
        wanted[(target, is_role)] = ResolvedOverwrite(
            target_id=target, is_role=is_role, allow=allow, deny=deny
        )

    wanted[(targets.everyone_id, True)] = ResolvedOverwrite(
        target_id=targets.everyone_id, is_role=True, allow=e_allow & ~VIEW, deny=e_deny | VIEW
    )
    for role_id in targets.member_role_ids:
        if role_id != targets.everyone_id:
            merge(role_id, True, e_allow | VIEW)
    for role_id in targets.organizer_role_ids:
        if role_id != targets.everyone_id:
            merge(role_id, True, VIEW)
    merge(targets.bot_user_id, False, VIEW)
    return tuple(wanted.values())


def _view(overwrites: Iterable[ResolvedOverwrite]) -> dict[tuple[int, bool], tuple[int, int]]:
    return {(o.target_id, o.is_role): (o.allow & VIEW, o.deny & VIEW) for o in overwrites}


def drifted(have: Iterable[ResolvedOverwrite], wanted: Iterable[ResolvedOverwrite]) -> bool:
    """Whether the View Channel bits of the place differ from the gated ones (a place made
    before the gate was turned on, or before a registered role existed)."""
    want = {k: v for k, v in _view(wanted).items() if v != (0, 0)}
    now = {k: v for k, v in _view(have).items() if v != (0, 0)}
    return any(now.get(k) != v for k, v in want.items())
