"""The personal-data registry behind the one forget-me (bot/core/privacy.py)."""

from __future__ import annotations

import pytest

from bot.core.privacy import PersonalData, PersonalDataRegistry


def _kind(name: str, rows: dict[tuple[int, int], int]) -> PersonalData:
    async def count(guild_id: int, user_id: int) -> int:
        return rows.get((guild_id, user_id), 0)

    async def forget(guild_id: int, user_id: int) -> int:
        return rows.pop((guild_id, user_id), 0)

    return PersonalData(name, count, forget, f"{name}.personal_label")


async def test_counts_and_forgets_every_kind_in_order_leaving_empty_ones_out() -> None:
    stays = {(1, 7): 3, (1, 8): 1}
    agenda = {(1, 7): 2}
    votes: dict[tuple[int, int], int] = {}
    registry = PersonalDataRegistry()
    registry.add([_kind("attendance", stays), _kind("agenda", agenda)])
    registry.add([_kind("votes", votes)])
    found = await registry.count(1, 7)
    assert [(k.kind, n) for k, n in found] == [("attendance", 3), ("agenda", 2)]
    gone = await registry.forget(1, 7)
    assert [(k.kind, n) for k, n in gone] == [("attendance", 3), ("agenda", 2)]
    assert await registry.count(1, 7) == []
    assert stays == {(1, 8): 1}, "another person's rows stay"


def test_a_kind_registered_twice_is_refused() -> None:
    registry = PersonalDataRegistry()
    registry.add([_kind("attendance", {})])
    with pytest.raises(ValueError, match="twice"):
        registry.add([_kind("attendance", {})])
