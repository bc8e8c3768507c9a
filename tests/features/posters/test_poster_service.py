"""PosterService on a real SQLite file with Discord and the sessions faked: setting up boards,
claims and releases (and what Discord refusing or failing leaves), who is where, the abstract's
one edit, convergence of posts and voice channels, a post deleted by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.errors import (
    DiscordRefused,
    DiscordUnavailable,
    InvalidInput,
    LimitReached,
    NotFound,
    Refusal,
)
from bot.domain.ports import ChannelRef
from bot.domain.structure import ChannelKind, ItemKind
from bot.features.posters import keys
from bot.features.posters.converge import JOB_CONVERGE, JOB_PREPARE
from bot.features.posters.domain.boards import BoardTaken, ClaimsClosed, NoFreeBoard
from bot.features.sessions.domain.model import Session, SessionStatus
from bot.features.sessions.keys import channel_purpose
from bot.store.db import Database
from bot.store.job_repo import JobRepository
from bot.store.structure_repo import StructureRepository
from tests.fakes.attendance import database
from tests.fakes.posters import GUILD, T0, PosterParts, poster_service

ORGANIZER, ALICE, BOB = 1, 101, 102
START = T0 + timedelta(hours=4)
FORUM = 777


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with database(tmp_path / "posters.db") as opened:
        yield opened


async def setup(parts: PosterParts, boards: int = 3, name: str = "Posters A") -> Session:
    session, _, _, _ = await parts.posters.setup(
        GUILD, ORGANIZER, name, START, START + timedelta(minutes=90), boards
    )
    forum = FORUM + session.id  # the session's place, made by the sessions feature
    parts.port.channels[forum] = ChannelRef(
        id=forum, kind=ChannelKind.FORUM, name=name, parent_id=None
    )
    parts.sessions.places.forums[session.id] = forum
    objects = StructureRepository(parts.db)
    await objects.intend(GUILD, channel_purpose(session.id), ItemKind.FORUM, None, T0)
    await objects.record(GUILD, channel_purpose(session.id), forum, T0)
    return session


async def claim(parts: PosterParts, session: Session, user: int, number: int | None = None):  # type: ignore[no-untyped-def]
    return await parts.posters.claims.claim(
        GUILD,
        user,
        session,
        f"Poster of {user}",
        number=number,
        abstract=None,
        presenter_id=None,
        organizer=False,
    )


async def test_setup_makes_the_boards_and_the_prepare_job_and_again_changes_the_count(
    db: Database,
) -> None:
    parts = poster_service(db)
    session, added, removed, created = await parts.posters.setup(
        GUILD, ORGANIZER, "Posters A", START, START + timedelta(minutes=90), 3
    )
    assert (added, removed, created) == (3, 0, True)
    assert [b.number for b in await parts.posters.boards(session)] == [1, 2, 3]
    (job,) = await JobRepository(db).pending_of(GUILD, (JOB_PREPARE,))
    assert job.subject_id == session.id and job.due_at == START - timedelta(minutes=30)
    assert len(parts.touched) == 1 and parts.pokes

    again, added, removed, created = await parts.posters.setup(
        GUILD, ORGANIZER, "  posters   a ", START, START + timedelta(minutes=90), 2
    )
    assert again.id == session.id and (added, removed, created) == (0, 1, False)
    assert await parts.posters.board_count(session.id) == 2


async def test_a_claim_takes_the_lowest_free_board_and_opens_its_post_in_the_forum(
    db: Database,
) -> None:
    parts = poster_service(db)
    session = await setup(parts)
    result = await claim(parts, session, ALICE)
    assert result.board.number == 1 and result.board.presenter_id == ALICE
    assert result.post_id is not None
    title, message = parts.port.posts[result.post_id]
    assert title == f"#1 Poster of {ALICE}" and message == (1, None)
    assert parts.port.calls.count(f"post #1 Poster of {ALICE}") == 1, "one post, no voice yet"
    ids = await parts.posters.places.ids(GUILD, session.id)
    assert ids == {(1, keys.POST): result.post_id}
    assert len(parts.touched) == 2  # the setup, the claim


async def test_a_taken_board_names_the_next_free_one_and_a_full_session_says_so(
    db: Database,
) -> None:
    parts = poster_service(db, per_presenter=5)
    session = await setup(parts, boards=2)
    await claim(parts, session, ALICE, 1)
    with pytest.raises(BoardTaken) as taken:
        await claim(parts, session, BOB, 1)
    assert taken.value.params["next"] == 2
    await claim(parts, session, BOB)
    with pytest.raises(NoFreeBoard):
        await claim(parts, session, 103)


async def test_one_board_per_presenter_and_no_claim_after_the_start(db: Database) -> None:
    parts = poster_service(db)
    session = await setup(parts)
    await claim(parts, session, ALICE)
    with pytest.raises(LimitReached):
        await claim(parts, session, ALICE)
    parts.clock.set(START)
    with pytest.raises(ClaimsClosed):
        await claim(parts, session, BOB)


async def test_a_post_discord_refuses_leaves_the_board_free_and_the_rate_untouched(
    db: Database,
) -> None:
    parts = poster_service(db, changes=1)
    session = await setup(parts)
    parts.port.refuse = DiscordRefused(Refusal.PERMISSIONS, status=403, code=50013)
    with pytest.raises(DiscordRefused):
        await claim(parts, session, ALICE)
    assert not any(b.claimed for b in await parts.posters.boards(session))
    assert await StructureRepository(db).with_prefix(GUILD, keys.boards_of(session.id)) == []
    result = await claim(parts, session, ALICE)  # the refused claim did not count
    assert result.board.number == 1 and result.post_id is not None


async def test_discord_failing_keeps_the_claim_and_retries_the_post_later(db: Database) -> None:
    parts = poster_service(db)
    session = await setup(parts)
    parts.port.refuse = DiscordUnavailable()
    result = await claim(parts, session, ALICE)
    assert result.board.claimed and result.post_id is None
    (job,) = await JobRepository(db).pending_of(GUILD, (JOB_CONVERGE,))
    assert job.due_at == T0 + timedelta(seconds=30)
    await parts.posters.converge(GUILD)  # what the job does
    ids = await parts.posters.places.ids(GUILD, session.id)
    assert (1, keys.POST) in ids and len(parts.port.posts) == 1


async def test_release_removes_the_post_and_only_the_presenter_or_an_organizer_may(
    db: Database,
) -> None:
    parts = poster_service(db)
    session = await setup(parts)
    result = await claim(parts, session, ALICE)
    with pytest.raises(InvalidInput):
        await parts.posters.claims.release(GUILD, BOB, session, number=1, organizer=False)
    with pytest.raises(NotFound):
        await parts.posters.claims.release(GUILD, BOB, session, number=None, organizer=False)
    released = await parts.posters.claims.release(
        GUILD, ALICE, session, number=None, organizer=False
    )
    assert released.number == 1
    assert parts.port.deleted_posts == [result.post_id]
    assert not any(b.claimed for b in await parts.posters.boards(session))
    assert await parts.posters.places.ids(GUILD, session.id) == {}


async def test_prepared_boards_get_voice_channels_and_the_summary_counts_who_is_there(
    db: Database,
) -> None:
    parts = poster_service(db, per_presenter=5)
    session = await setup(parts)
    await claim(parts, session, ALICE)
    await claim(parts, session, BOB)
    parts.clock.set(START - timedelta(minutes=30))
    await parts.posters.converge(GUILD)
    ids = await parts.posters.places.ids(GUILD, session.id)
    voice = {n: ids[(n, keys.VOICE)] for n in (1, 2)}
    category = parts.port.channels[voice[1]].parent_id
    assert category is not None and parts.port.channels[category].name == "Posters 1"
    presenter_allowed = [o for o in parts.port.overwrites[voice[1]] if o.target_id == ALICE]
    assert len(presenter_allowed) == 1, "the presenter may always stand at their board"

    running = await parts.sessions.set_status(session, SessionStatus.OPEN)
    parts.port.voice = {ALICE: voice[1], 201: voice[1], 202: voice[2]}
    assert await parts.posters.summary(GUILD, running) == (2, 3, 1)
    views = {v.board.number: v for v in await parts.posters.views(GUILD, running)}
    assert views[1].presenter_here and not views[2].presenter_here
    assert views[3].people == 0 and views[3].post_id is None

    await parts.posters.claims.release(GUILD, BOB, running, number=None, organizer=False)
    ids = await parts.posters.places.ids(GUILD, session.id)
    assert (2, keys.VOICE) not in ids and voice[2] not in parts.port.channels


async def test_the_abstract_is_shown_with_one_edit_and_a_missing_post_is_opened_again(
    db: Database,
) -> None:
    parts = poster_service(db)
    session = await setup(parts)
    result = await claim(parts, session, ALICE)
    board, post_id = await parts.posters.posts.set_abstract(
        GUILD, ALICE, session, 1, "Graphs, **bold**.", organizer=False
    )
    assert board.abstract == "Graphs, **bold**." and post_id == result.post_id
    assert parts.port.edits == [(post_id, parts.port.posts[post_id][1])]
    assert parts.port.posts[post_id][1] == (1, "Graphs, **bold**.")
    with pytest.raises(InvalidInput):
        await parts.posters.posts.set_abstract(GUILD, BOB, session, 1, "Mine", organizer=False)

    del parts.port.posts[post_id]  # deleted by hand, its delete event not seen yet
    _, shown = await parts.posters.posts.set_abstract(
        GUILD, ALICE, session, 1, "Again.", organizer=False
    )
    assert shown is None, "saved, shown once the post is open again"
    await parts.posters.settled(GUILD)
    # The delete event arrives: the reconciler marks the post gone and asks the feature.
    await StructureRepository(db).mark_gone(post_id, T0)
    await parts.posters.object_gone(GUILD, keys.post_key(session.id, 1), post_id)
    ((_, (title, message)),) = parts.port.posts.items()
    assert title == f"#1 Poster of {ALICE}" and message == (1, "Again.")


async def test_a_post_that_lost_only_its_first_message_is_kept(db: Database) -> None:
    parts = poster_service(db)
    session = await setup(parts)
    result = await claim(parts, session, ALICE)
    assert result.post_id is not None
    purpose = keys.post_key(session.id, 1)
    await parts.posters.object_gone(GUILD, purpose, result.post_id)
    assert len(parts.port.posts) == 1, "the thread lives on: nothing reopened"
    item = await StructureRepository(db).get(GUILD, purpose)
    assert item is not None and item.discord_id == result.post_id


async def test_pick_session_takes_the_only_one_ahead_and_refuses_other_kinds(
    db: Database,
) -> None:
    parts = poster_service(db)
    with pytest.raises(NotFound):
        await parts.posters.pick_session(GUILD, None)
    first = await setup(parts)
    assert (await parts.posters.pick_session(GUILD, None)).id == first.id
    assert (await parts.posters.resolve(GUILD, str(first.id))).id == first.id
    await setup(parts, name="Posters B")
    with pytest.raises(NotFound):
        await parts.posters.pick_session(GUILD, None)  # two: the member must say which
    talk = first.model_copy(update={"kind": first.kind.TALK})
    with pytest.raises(InvalidInput):
        await parts.posters.pick_session(GUILD, talk)
