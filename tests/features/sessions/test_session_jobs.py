"""The sessions' timers (remind, open, close, the events window) run on a real SQLite file with
Discord faked: each decides from the database and the clock, and a rerun after a crash does not
post twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.scheduler import Outcome
from bot.domain.clock import FakeClock
from bot.features.sessions.domain.model import SessionDraft, SessionKind, SessionStatus
from bot.features.sessions.timers import JOB_CLOSE, JOB_CONVERGE, JOB_OPEN, JOB_REMIND, JOB_WINDOW
from bot.store.db import Database
from bot.store.job_repo import Job
from tests.fakes.sessions import ANNOUNCEMENTS, GUILD, SessionsKit, sessions_kit

NOW = datetime(2026, 7, 1, 0, 0, tzinfo=UTC)
START = NOW + timedelta(hours=2)
CHANNEL = 8001


def draft(kind: SessionKind = SessionKind.TALK, title: str = "Keynote") -> SessionDraft:
    return SessionDraft(title=title, kind=kind, start=START, end=START + timedelta(hours=1))


@pytest.fixture
async def kit(db: Database) -> SessionsKit:
    return await sessions_kit(db, FakeClock(NOW))


def test_every_timer_has_its_handler(kit: SessionsKit) -> None:
    assert set(kit.jobs.jobs()) == {JOB_REMIND, JOB_OPEN, JOB_CLOSE, JOB_WINDOW, JOB_CONVERGE}


async def test_the_reminder_goes_to_announcements_and_the_sessions_chat(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, 1, draft())
    kit.places.channels[session.id] = CHANNEL
    job = await kit.job(JOB_REMIND, session.id)
    kit.clock.set(job.due_at)

    assert await kit.jobs.remind(job) is Outcome.DONE

    marker = f"Session #{session.id} · reminder"
    assert [(channel, mark) for channel, _, mark in kit.posts.posts] == [
        (ANNOUNCEMENTS, marker),
        (CHANNEL, marker),
    ]
    assert "Keynote" in kit.posts.posts[0][1]


async def test_a_reminder_run_again_after_a_crash_does_not_post_twice(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, 1, draft())
    kit.places.channels[session.id] = CHANNEL
    job = await kit.job(JOB_REMIND, session.id)
    await kit.jobs.remind(job)

    assert await kit.jobs.remind(replace(job, state="running")) is Outcome.DONE

    assert [channel for channel, _, _ in kit.posts.posts] == [ANNOUNCEMENTS, CHANNEL]


async def test_a_poster_sessions_reminder_goes_to_announcements_only(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, 1, draft(SessionKind.POSTER, "Posters"))
    kit.places.channels[session.id] = CHANNEL

    await kit.jobs.remind(await kit.job(JOB_REMIND, session.id))

    assert [channel for channel, _, _ in kit.posts.posts] == [ANNOUNCEMENTS]


async def test_a_late_or_pointless_reminder_is_dropped(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, 1, draft())
    job = await kit.job(JOB_REMIND, session.id)
    kit.clock.set(START)
    assert await kit.jobs.remind(job) is Outcome.DROPPED

    kit.clock.set(NOW)
    await kit.service.cancel(GUILD, 1, session)
    kit.posts.posts.clear()
    assert await kit.jobs.remind(job) is Outcome.DROPPED
    assert kit.posts.posts == []


async def test_open_then_close_set_the_status_and_converge(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, 1, draft())
    opener, closer = await kit.job(JOB_OPEN, session.id), await kit.job(JOB_CLOSE, session.id)
    kit.places.converged.clear()

    kit.clock.set(START)
    assert await kit.jobs.open(opener) is Outcome.DONE
    assert (await kit.service.get(GUILD, session.id)).status is SessionStatus.OPEN

    kit.clock.set(closer.due_at)
    assert await kit.jobs.close(closer) is Outcome.DONE
    assert (await kit.service.get(GUILD, session.id)).status is SessionStatus.CLOSED
    assert kit.places.converged == [(GUILD, None), (GUILD, None)]

    # Run again (a crash after the work): nothing changes, the guild converges again.
    assert await kit.jobs.close(closer) is Outcome.DONE
    assert await kit.jobs.open(opener) is Outcome.DROPPED, "a closed session is not reopened"


async def test_an_open_due_after_the_end_is_left_to_the_close(kit: SessionsKit) -> None:
    session = await kit.service.create(GUILD, 1, draft())
    opener = await kit.job(JOB_OPEN, session.id)
    kit.clock.set(session.end)

    assert await kit.jobs.open(opener) is Outcome.DROPPED
    assert (await kit.service.get(GUILD, session.id)).status is SessionStatus.SCHEDULED


async def test_the_window_job_converges_the_guild(kit: SessionsKit) -> None:
    await kit.service.create(GUILD, 1, draft())
    kit.places.converged.clear()
    job = Job(
        id=1,
        guild_id=GUILD,
        kind=JOB_WINDOW,
        subject_id=GUILD,
        due_at=NOW,
        state="pending",
        attempts=0,
    )

    assert await kit.jobs.window(job) is Outcome.DONE

    assert kit.places.converged == [(GUILD, None)]
