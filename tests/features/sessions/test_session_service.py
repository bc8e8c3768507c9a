"""SessionService on a real SQLite file, Discord faked: what a change writes (the session and its
timers in one transaction), what it converges, and how a refusal or a server error is handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.bus import SessionChanged
from bot.domain.clock import FakeClock
from bot.domain.errors import Conflict, DiscordRefused, InvalidInput, OverChannelBudget
from bot.features.sessions.domain.model import SessionDraft, SessionKind, SessionStatus
from bot.features.sessions.timers import (
    DISCORD_RETRY,
    JOB_CLOSE,
    JOB_CONVERGE,
    JOB_OPEN,
    JOB_REMIND,
)
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from tests.fakes.sessions import ANNOUNCEMENTS, GUILD, SessionsKit, sessions_kit

NOW = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
START = NOW + timedelta(hours=2)
ACTOR = 55


def talk(
    title: str = "Keynote", start: datetime = START, minutes: int = 60, **fields: object
) -> SessionDraft:
    return SessionDraft(
        title=title,
        kind=SessionKind.TALK,
        start=start,
        end=start + timedelta(minutes=minutes),
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
async def kit(db: Database) -> SessionsKit:
    return await sessions_kit(db, FakeClock(NOW))


async def test_create_writes_the_session_and_its_timers_then_converges_only_it(
    kit: SessionsKit,
) -> None:
    session = await kit.service.create(GUILD, ACTOR, talk())

    assert session.status is SessionStatus.SCHEDULED
    assert await kit.pending(session.id) == {
        JOB_REMIND: START - timedelta(minutes=10),
        JOB_OPEN: START,
        JOB_CLOSE: START + timedelta(minutes=60 + 15),
    }
    assert kit.places.converged == [(GUILD, {session.id}), (GUILD, None)]
    assert kit.pokes == [None], "the scheduler is woken once"
    assert SessionChanged(GUILD) in kit.changed
    (entry,) = await AuditRepository(kit.db).recent(GUILD)
    assert (entry.action, entry.actor_id) == ("session.create", ACTOR)


async def test_a_clash_is_refused_before_anything_is_written(kit: SessionsKit) -> None:
    await kit.service.create(GUILD, ACTOR, talk(track="A"))
    kit.places.converged.clear()

    with pytest.raises(Conflict):
        await kit.service.create(GUILD, ACTOR, talk("Same slot", track="A"))
    with pytest.raises(InvalidInput):
        await kit.service.create(GUILD, ACTOR, talk("Yesterday", start=NOW - timedelta(days=1)))

    assert [s.title for s in await kit.service.programme(GUILD)] == ["Keynote"]
    assert kit.places.converged == []


async def test_a_programme_past_the_channel_budget_is_refused_up_front(kit: SessionsKit) -> None:
    kit.posts.channel_count = 499
    kit.places.need = 2

    with pytest.raises(OverChannelBudget):
        await kit.service.create(GUILD, ACTOR, talk())

    assert await kit.service.programme(GUILD) == []
    assert await kit.job_repo.pending_of(GUILD, (JOB_REMIND, JOB_OPEN, JOB_CLOSE)) == []


async def test_discord_refusing_the_change_puts_everything_back(kit: SessionsKit) -> None:
    first = await kit.service.create(GUILD, ACTOR, talk("First", track="A"))
    timers = await kit.pending(first.id)
    kit.places.converged.clear()
    kit.places.refuse = 1

    with pytest.raises(DiscordRefused) as refused:
        await kit.service.edit(
            GUILD, ACTOR, first, {"title": "Renamed", "end": first.end + timedelta(hours=1)}
        )
    with pytest.raises(DiscordRefused):
        kit.places.refuse = 1
        await kit.service.create(GUILD, ACTOR, talk("Second", start=START + timedelta(hours=3)))

    assert not refused.value.leftovers, "the putting back converged"
    assert [s.title for s in await kit.service.programme(GUILD)] == ["First"]
    assert await kit.pending(first.id) == timers, "the timers as they were"
    # Each refused change: the touched session, then the whole guild back to the database.
    assert kit.places.converged == [
        (GUILD, {first.id}),
        (GUILD, None),
        (GUILD, {first.id + 1}),
        (GUILD, None),
    ]


async def test_a_server_error_keeps_the_change_and_retries_discord_soon(kit: SessionsKit) -> None:
    kit.places.unavailable = 1

    session = await kit.service.create(GUILD, ACTOR, talk())

    assert [s.id for s in await kit.service.programme(GUILD)] == [session.id]
    assert kit.places.converged == [(GUILD, {session.id})], "no second attempt right away"
    (retry,) = await kit.job_repo.pending_of(GUILD, (JOB_CONVERGE,))
    assert retry.due_at == NOW + DISCORD_RETRY


async def test_edit_moves_the_timers_of_a_scheduled_session(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, ACTOR, talk())
    later = START + timedelta(hours=1)

    edited = await kit.service.edit(
        GUILD, ACTOR, session, {"start": later, "end": later + timedelta(minutes=30)}
    )

    assert (edited.start, edited.end) == (later, later + timedelta(minutes=30))
    assert await kit.pending(session.id) == {
        JOB_REMIND: later - timedelta(minutes=10),
        JOB_OPEN: later,
        JOB_CLOSE: later + timedelta(minutes=30 + 15),
    }


async def test_open_now_then_close_now(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, ACTOR, talk())

    opened = await kit.service.open_now(GUILD, ACTOR, session)
    assert opened.status is SessionStatus.OPEN
    # The close stays at the end (+ grace); the reminder and the open drop themselves when due.
    assert (await kit.pending(session.id))[JOB_CLOSE] == START + timedelta(minutes=75)

    closed = await kit.service.close_now(GUILD, ACTOR, opened)
    assert closed.status is SessionStatus.CLOSED
    assert await kit.pending(session.id) == {}
    with pytest.raises(InvalidInput):
        await kit.service.edit(GUILD, ACTOR, closed, {"title": "Too late"})


async def test_cancel_drops_the_timers_and_tells_announcements(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, ACTOR, talk())

    cancelled = await kit.service.cancel(GUILD, ACTOR, session)

    assert cancelled.status is SessionStatus.CANCELLED
    assert await kit.pending(session.id) == {}
    ((channel, text, marker),) = kit.posts.posts
    assert (channel, marker) == (ANNOUNCEMENTS, f"session {session.id} · cancelled")
    assert "Keynote" in text
    with pytest.raises(InvalidInput):
        await kit.service.cancel(GUILD, ACTOR, cancelled)
    assert len(kit.posts.posts) == 1


async def test_resolve_by_id_or_exact_title(kit: SessionsKit) -> None:
    one = await kit.service.create(GUILD, ACTOR, talk("Posters", track="A"))
    two = await kit.service.create(GUILD, ACTOR, talk("Posters", track="B"))

    assert await kit.service.resolve(GUILD, str(one.id)) == one
    with pytest.raises(InvalidInput):
        await kit.service.resolve(GUILD, "Posters")  # two of them
    await kit.service.cancel(GUILD, ACTOR, two)
    assert (await kit.service.resolve(GUILD, "Posters")).id == one.id, "the active one wins"
    assert await kit.service.days(GUILD) == [START.astimezone(kit.service.config.zone).date()]


async def test_apply_batch_is_one_transaction_and_one_convergence(kit: SessionsKit) -> None:
    old = await kit.service.create(GUILD, ACTOR, talk("Old", track="A"))
    gone = await kit.service.create(GUILD, ACTOR, talk("Gone", track="B"))
    kit.places.converged.clear()
    committed: list[str] = []

    async def on_commit(tx: object) -> None:
        committed.append("import applied")

    await kit.service.apply_batch(
        GUILD,
        ACTOR,
        new=[talk("New", start=START + timedelta(hours=4))],
        changed=[(old, talk("Old, revised", track="A"))],
        removed=[gone],
        source="import",
        on_commit=on_commit,
    )

    titles = {s.title: s.status for s in await kit.service.programme(GUILD)}
    assert titles == {
        "Old, revised": SessionStatus.SCHEDULED,
        "Gone": SessionStatus.CANCELLED,
        "New": SessionStatus.SCHEDULED,
    }
    assert committed == ["import applied"]
    assert kit.places.converged == [(GUILD, {old.id, gone.id, gone.id + 1}), (GUILD, None)]
    assert await kit.pending(gone.id) == {}
