"""BoardService with a fake Discord port, a fake programme and a real SQLite file: what the
board shows, when it edits its message (once per change, never for nothing), and what happens
when the message is gone or Discord refuses."""

from __future__ import annotations

from bot.domain.clock import FakeClock
from bot.domain.structure import ChannelKind
from bot.features.rooms.board import BoardService
from bot.features.rooms.domain.board import BoardRoom, RoomBoard
from bot.features.rooms.service import RoomService
from bot.features.sessions.domain.model import SessionKind, SessionStatus
from bot.store.db import Database
from bot.store.problem_repo import ProblemRepository
from tests.fakes.factories import session
from tests.fakes.rooms import (
    GUILD,
    FakeRoomPort,
    FakeSessions,
    Signals,
    board_service,
    lobby_with_board,
    room_service,
)


async def setup(
    db: Database, sessions: FakeSessions | None = None, **options: object
) -> tuple[BoardService, RoomService, FakeRoomPort, Signals]:
    port, clock, signals = FakeRoomPort(), FakeClock(), Signals()
    rooms = room_service(db, port, clock, signals)
    board = board_service(db, port, clock, signals, rooms, sessions or FakeSessions(), **options)
    return board, rooms, port, signals


async def refresh(board: BoardService) -> None:
    board.touch(GUILD)
    await board.settled(GUILD)


async def test_the_snapshot_shows_running_sessions_and_open_rooms(db: Database) -> None:
    sessions = FakeSessions()
    board, rooms, port, _ = await setup(db, sessions)
    talk_channel = port.add_channel("talk", ChannelKind.VOICE)
    zoom_channel = port.add_channel("zoom talk", ChannelKind.TEXT)
    later_channel = port.add_channel("later", ChannelKind.VOICE)
    talk = session("Keynote", status=SessionStatus.OPEN)
    zoom = session("On Zoom", status=SessionStatus.OPEN)
    later = session("Later")  # scheduled, not running: not shown
    sessions.sessions = [talk, zoom, later]
    sessions.places.channels = {
        talk.id: talk_channel,
        zoom.id: zoom_channel,
        later.id: later_channel,
    }
    port.voice[talk_channel] = ("alice", "bob")
    _, room_channel = await rooms.open(GUILD, 11, "Lunch", 4)
    port.voice[room_channel] = ("carol",)

    assert await board.snapshot(GUILD) == RoomBoard(
        running_sessions=(
            BoardRoom(channel_id=talk_channel, title="Keynote", occupants=("alice", "bob")),
            BoardRoom(channel_id=zoom_channel, title="On Zoom", has_voice=False),
        ),
        rooms=(
            BoardRoom(channel_id=room_channel, title="Lunch", occupants=("carol",), user_limit=4),
        ),
    )


async def test_a_poster_session_shows_its_summary_instead_of_a_head_count(db: Database) -> None:
    sessions = FakeSessions()
    asked: list[int] = []

    async def summary(guild_id: int, poster_session: object) -> tuple[int, int, int]:
        asked.append(guild_id)
        return (12, 30, 9)

    board, _, port, _ = await setup(db, sessions, poster_summary=summary)
    channel = port.add_channel("posters", ChannelKind.FORUM)
    posters = session("Posters", kind=SessionKind.POSTER, status=SessionStatus.OPEN)
    sessions.sessions = [posters]
    sessions.places.channels = {posters.id: channel}
    snapshot = await board.snapshot(GUILD)
    assert snapshot.running_sessions == (
        BoardRoom(channel_id=channel, title="Posters", has_voice=False, poster=(12, 30, 9)),
    )
    assert asked == [GUILD]


async def test_one_edit_per_visible_change_and_none_for_nothing(db: Database) -> None:
    board, rooms, port, _ = await setup(db)
    clock = FakeClock()
    _, message = await lobby_with_board(db, port, clock)
    await board.posted(GUILD, message, board.first_post().board)
    await board.settled(GUILD)
    assert port.calls == [], "the empty board posted is what it shows"
    assert board.skipped == 1

    _, channel = await rooms.open(GUILD, 11, "Lunch", None)
    port.calls.clear()
    for _ in range(5):
        board.touch(GUILD)  # a burst of events: one look
    await board.settled(GUILD)
    assert port.calls == ["edit board"]
    shown, view = port.shown[message]
    assert shown == await board.snapshot(GUILD) and view == "view", "as render made it"

    await refresh(board)
    assert port.calls == ["edit board"], "nothing changed: no edit"
    port.voice[channel] = ("alice",)
    await refresh(board)
    assert port.calls == ["edit board", "edit board"]
    assert board.edits == 2


async def test_what_it_showed_survives_a_restart(db: Database) -> None:
    board, rooms, port, signals = await setup(db)
    await lobby_with_board(db, port, FakeClock())
    await rooms.open(GUILD, 11, "Lunch", None)
    await refresh(board)
    assert port.calls.count("edit board") == 1

    again = board_service(db, port, FakeClock(), signals, rooms, FakeSessions())
    port.calls.clear()
    await refresh(again)
    assert port.calls == [], "the digest shown is in the database"


async def test_a_deleted_board_message_is_posted_again(db: Database) -> None:
    board, rooms, port, signals = await setup(db)
    lobby, message = await lobby_with_board(db, port, FakeClock())
    port.messages[lobby].clear()  # deleted by hand
    await rooms.open(GUILD, 11, "Lunch", None)
    await refresh(board)
    assert signals.recreated == [(GUILD, message)]


async def test_no_board_before_setup(db: Database) -> None:
    board, rooms, port, _ = await setup(db)
    await rooms.open(GUILD, 11, "Lunch", None)
    port.calls.clear()
    await refresh(board)
    assert port.calls == []
    assert board.edits == 0


async def test_a_refused_edit_is_a_problem_cleared_once_it_works(db: Database) -> None:
    board, rooms, port, _ = await setup(db)
    await lobby_with_board(db, port, FakeClock())
    await rooms.open(GUILD, 11, "Lunch", None)
    port.refuse.add("edit board")
    await refresh(board)
    (problem,) = await ProblemRepository(db).open(GUILD)
    assert problem.key == "board" and problem.what == "problems.what.board"

    port.refuse.clear()
    await rooms.open(GUILD, 12, "Dinner", None)
    await refresh(board)
    assert await ProblemRepository(db).open(GUILD) == []


async def test_the_first_post_is_the_empty_board_rendered(db: Database) -> None:
    board, _, _, _ = await setup(db)
    post = board.first_post()
    assert post.board == RoomBoard() and post.board.empty
    assert (post.embed, post.view) == (RoomBoard(), "view")


async def test_stopped_it_edits_no_more(db: Database) -> None:
    board, rooms, port, _ = await setup(db)
    await lobby_with_board(db, port, FakeClock())
    await board.stop()
    await rooms.open(GUILD, 11, "Lunch", None)
    port.calls.clear()
    await refresh(board)
    assert port.calls == []
