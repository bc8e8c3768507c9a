"""The agenda's pure rules and its repository on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.features.agenda.domain import (
    ALLOWED_USERS_MAX,
    MESSAGE_MAX,
    Change,
    Mode,
    Slot,
    Snapshot,
    Source,
    changes,
    clashes,
    mention_chunks,
)
from bot.features.agenda.repo import AgendaRepository
from bot.features.sessions.domain.model import SessionDraft
from bot.features.sessions.repo import SessionRepository
from bot.store.db import Database
from bot.store.uow import UnitOfWork

T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
BIG = 10**19  # 20-digit snowflakes: the longest mentions


@given(st.sets(st.integers(min_value=10**17, max_value=18 * 10**18), max_size=400))
def test_chunks_hold_everyone_once_and_fit_a_message(users: set[int]) -> None:
    header = "⏰ **" + "x" * 100 + "** starts <t:1782867600:R>. On your agenda:"
    chunks = mention_chunks(users, header)
    named = [u for chunk, _ in chunks for u in chunk]
    assert sorted(named) == sorted(users)
    for chunk, text in chunks:
        assert len(text) <= MESSAGE_MAX and len(chunk) <= ALLOWED_USERS_MAX
        assert all(f"<@{u}>" in text for u in chunk)


def test_three_hundred_subscribers_need_four_messages() -> None:
    chunks = mention_chunks(range(BIG, BIG + 300), "header")
    assert [len(c) for c, _ in chunks] == [80, 80, 80, 60]
    # a re-run over who is left cuts the same chunks from there
    again = mention_chunks(range(BIG + 80, BIG + 300), "header")
    assert [c for c, _ in again] == [c for c, _ in chunks[1:]]


def test_clashes() -> None:
    hour = timedelta(hours=1)
    slots = [
        Slot(1, T0, T0 + hour),
        Slot(2, T0 + hour / 2, T0 + 2 * hour),
        Slot(3, T0 + 2 * hour, T0 + 3 * hour),  # starts when 2 ends: no clash
        Slot(4, T0 + 4 * hour, T0 + 6 * hour),
        Slot(5, T0 + 5 * hour, T0 + 5 * hour + hour / 4),
    ]
    assert clashes(slots) == {1, 2, 4, 5}
    assert clashes([]) == set()


def test_what_subscribers_are_told() -> None:
    base = Snapshot("Talk", T0, T0 + timedelta(hours=1), None, False)
    moved = Snapshot("Talk", T0 + timedelta(hours=1), T0 + timedelta(hours=2), None, False)
    assert changes(base, moved) == [Change.MOVED]
    longer = Snapshot("Talk", T0, T0 + timedelta(hours=2), None, False)
    assert changes(base, longer) == [Change.LENGTH]
    elsewhere = Snapshot("New", T0, T0 + timedelta(hours=1), "https://zoom.us/j/1", False)
    assert changes(base, elsewhere) == [Change.RENAMED, Change.PLACE]
    gone = Snapshot("Talk", T0, T0 + timedelta(hours=1), None, True)
    assert changes(base, gone) == [Change.CANCELLED]
    assert changes(gone, base) == [Change.RESTORED]
    assert changes(base, base) == []


@pytest.fixture
async def session_id(db: Database) -> int:
    draft = SessionDraft(title="Talk", start=T0, end=T0 + timedelta(hours=1))
    async with UnitOfWork(db).transaction() as tx:
        return await SessionRepository(db).add(tx, 7, draft, T0, "command")


async def test_sources_hidden_entries_and_forget(db: Database, session_id: int) -> None:
    repo = AgendaRepository(db)
    assert await repo.add(7, 1, session_id, Source.EVENT, T0)
    assert not await repo.add(7, 1, session_id, Source.COMMAND, T0), "already shown"
    # Interested taken back: still on the agenda (added by command too)
    assert not await repo.remove_interest(7, 1, session_id)
    assert await repo.sessions_of(7, 1) == [session_id]

    # /agenda remove while Interested: hidden, and a reconcile does not bring it back
    assert await repo.add(7, 2, session_id, Source.EVENT, T0)
    assert await repo.remove_by_command(7, 2, session_id)
    await repo.set_interested(7, session_id, {2}, T0)
    assert await repo.sessions_of(7, 2) == []
    assert await repo.add(7, 2, session_id, Source.EVENT, T0), "pressed again: shown again"

    await repo.set_mode(7, 1, Mode.DM)
    assert [s.mode for s in await repo.subscribers(session_id)] == [Mode.DM, Mode.MENTION]
    assert await repo.count_person(7, 1) == 2
    assert await repo.forget_person(7, 1) == 2
    assert await repo.count_person(7, 1) == 0
    assert await repo.mode(7, 1) is Mode.MENTION


async def test_set_interested_reports_the_difference(db: Database, session_id: int) -> None:
    repo = AgendaRepository(db)
    await repo.add(7, 1, session_id, Source.EVENT, T0)
    await repo.add(7, 3, session_id, Source.COMMAND, T0)
    added, removed = await repo.set_interested(7, session_id, {2, 3}, T0)
    assert (added, removed) == ({2, 3}, {1})
    assert await repo.interested(session_id) == {2, 3}
    assert {s.user_id for s in await repo.subscribers(session_id)} == {2, 3}
