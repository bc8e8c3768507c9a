"""Personal data: what each feature keeps about a person, so one forget-me deletes all of it.

A feature lists each kind of personal data it stores in `Feature.personal`: how to count a
person's rows and how to delete them, and a catalog key naming the kind in the forget-me prompt
("attendance records", "sessions on your agenda"). `/attendance forget-me` asks every registered
kind, in feature order, shows the counts, and deletes them all after one confirmation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

# (guild id, user id) -> number of rows
PersonCounter = Callable[[int, int], Awaitable[int]]


@dataclass(frozen=True)
class PersonalData:
    kind: str  # stable name, e.g. "attendance"
    count: PersonCounter
    forget: PersonCounter  # deletes, returns how many rows went
    label_key: str  # catalog key of the kind's name, with a {count} parameter


class PersonalDataRegistry:
    def __init__(self) -> None:
        self._kinds: list[PersonalData] = []

    def add(self, kinds: Sequence[PersonalData]) -> None:
        for kind in kinds:
            if any(k.kind == kind.kind for k in self._kinds):
                raise ValueError(f"personal data kind {kind.kind!r} registered twice")
            self._kinds.append(kind)

    @property
    def kinds(self) -> tuple[PersonalData, ...]:
        return tuple(self._kinds)

    async def count(self, guild_id: int, user_id: int) -> list[tuple[PersonalData, int]]:
        """Each kind with the person's rows, kinds without any left out."""

        found = []
        for kind in self._kinds:
            n = await kind.count(guild_id, user_id)
            if n:
                found.append((kind, n))
        return found

    async def forget(self, guild_id: int, user_id: int) -> list[tuple[PersonalData, int]]:
        """Delete every kind; each kind with the rows it deleted (kinds with none left out)."""

        gone = []
        for kind in self._kinds:
            n = await kind.forget(guild_id, user_id)
            if n:
                gone.append((kind, n))
        return gone
