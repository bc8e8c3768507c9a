"""The base-structure reconciler with a fake Discord port and a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.bus import Bus
from bot.core.owned import Outcome, SetupReport
from bot.domain.clock import FakeClock
from bot.domain.permissions import Perm
from bot.domain.structure import Purpose
from bot.features.structure.service import StructureService
from bot.i18n import Catalog
from bot.store.audit_repo import AuditRepository
from bot.store.db import Database
from bot.store.structure_repo import StructureRepository
from tests.fakes.structure import BOT, GUILD, ORGANIZER_ROLE, FakePort, board_post


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "w.db")
    await database.open()
    await database.migrate()
    yield database
    await database.close()


def make_service(
    db: Database, port: FakePort, roles: tuple[str, ...] = ("Organizer",)
) -> StructureService:
    catalog = Catalog.load("en")
    return StructureService(
        port,
        StructureRepository(db),
        AuditRepository(db),
        FakeClock(),
        names=lambda key: catalog.t(key, "en"),
        organizer_roles=roles,
        bus=Bus(),
        board_post=board_post,
    )


async def deleted_by_hand(
    db: Database, service: StructureService, discord_id: int
) -> SetupReport | None:
    """What the reconciler does when Discord reports an owned object deleted."""
    if await StructureRepository(db).mark_gone(discord_id, FakeClock().now()) is None:
        return None
    return await service.reconcile(GUILD)


async def test_first_run_creates_everything_once_then_finds_it(db: Database) -> None:
    port = FakePort()
    service = make_service(db, port)
    report = await service.ensure(GUILD, actor_id=9)
    assert port.calls == [
        "create Workshop info",
        "create announcements",
        "create lobby",
        "create help",
        "post board",
    ]
    assert {o for o, _ in report.items.values()} == {Outcome.CREATED}
    category = report.items[Purpose.INFO_CATEGORY][1]
    for purpose in (Purpose.ANNOUNCEMENTS, Purpose.LOBBY, Purpose.HELP):
        assert port.channels[report.items[purpose][1]].parent_id == category

    port.calls.clear()
    again = await service.ensure(GUILD, actor_id=9)
    assert port.calls == []
    assert not again.changed
    audit = await AuditRepository(db).recent(GUILD)
    assert [e.action for e in audit] == ["workshop.setup", "workshop.setup"]
    assert audit[-1].detail["announcements"] == "created"


async def test_announcements_is_read_only_for_attendees_but_not_for_organizers_or_bot(
    db: Database,
) -> None:
    port = FakePort()
    report = await make_service(db, port).ensure(GUILD)
    overwrites = {
        (o.target_id, o.is_role): o for o in port.overwrites[report.items[Purpose.ANNOUNCEMENTS][1]]
    }
    everyone = overwrites[(GUILD, True)]
    assert everyone.deny & Perm.SEND_MESSAGES and everyone.allow & Perm.VIEW_CHANNEL
    assert overwrites[(ORGANIZER_ROLE, True)].allow & Perm.SEND_MESSAGES
    assert overwrites[(BOT, False)].allow & Perm.SEND_MESSAGES
    assert port.overwrites[report.items[Purpose.HELP][1]] == []


async def test_missing_organizer_role_is_reported(db: Database) -> None:
    report = await make_service(db, FakePort(), roles=("Staff",)).ensure(GUILD)
    assert report.missing_roles == ["Staff"]


async def test_hand_deleted_channel_is_recreated_and_rerecorded(db: Database) -> None:
    port = FakePort()
    service = make_service(db, port)
    first = await service.ensure(GUILD)
    help_id = first.items[Purpose.HELP][1]
    del port.channels[help_id]
    port.calls.clear()
    await deleted_by_hand(db, service, help_id)
    assert port.calls == ["create help"]
    item = await StructureRepository(db).get(GUILD, Purpose.HELP)
    assert item is not None and item.discord_id not in (None, help_id)


async def test_deleted_lobby_brings_a_new_board(db: Database) -> None:
    port = FakePort()
    service = make_service(db, port)
    first = await service.ensure(GUILD)
    del port.channels[first.items[Purpose.LOBBY][1]]
    port.calls.clear()
    report = await service.ensure(GUILD)
    assert port.calls == ["create lobby", "post board"]
    assert report.items[Purpose.LOBBY][0] is Outcome.RECREATED
    assert report.items[Purpose.LOBBY_BOARD][0] is Outcome.RECREATED


async def test_deleted_category_is_recreated_and_children_moved_back(db: Database) -> None:
    port = FakePort()
    service = make_service(db, port)
    first = await service.ensure(GUILD)
    old = first.items[Purpose.INFO_CATEGORY][1]
    del port.channels[old]
    for cid, ref in list(port.channels.items()):
        if ref.parent_id == old:
            port.channels[cid] = ref.model_copy(update={"parent_id": None})
    port.calls.clear()
    report = await deleted_by_hand(db, service, old)
    assert report is not None
    assert port.calls[0] == "create Workshop info"
    assert sorted(port.calls[1:]) == sorted(
        f"move {first.items[p][1]}" for p in (Purpose.ANNOUNCEMENTS, Purpose.LOBBY, Purpose.HELP)
    )


async def test_crash_after_create_before_record_adopts_instead_of_duplicating(db: Database) -> None:
    port = FakePort()
    service = make_service(db, port)
    repo = StructureRepository(db)
    await service.ensure(GUILD)
    # Simulate a crash between the Discord call and recording the id.
    lobby = await repo.get(GUILD, Purpose.LOBBY)
    board = await repo.get(GUILD, Purpose.LOBBY_BOARD)
    assert lobby is not None and board is not None and lobby.discord_id and board.discord_id
    for item in (lobby, board):
        await repo.intend(GUILD, item.purpose, item.kind, item.parent_purpose, FakeClock().now())
    port.calls.clear()
    report = await service.ensure(GUILD)
    assert port.calls == ["history"]
    assert report.items[Purpose.LOBBY] == (Outcome.ADOPTED, lobby.discord_id)
    assert report.items[Purpose.LOBBY_BOARD] == (Outcome.ADOPTED, board.discord_id)


async def test_reconcile_ignores_guilds_never_set_up_and_verifies_board(db: Database) -> None:
    port = FakePort()
    service = make_service(db, port)
    assert await service.reconcile(GUILD) is None
    assert port.calls == []
    first = await service.ensure(GUILD)
    port.messages.clear()  # the board was deleted while the bot was down
    port.calls.clear()
    report = await service.reconcile(GUILD, verify_board=True)
    assert report is not None
    assert port.calls == ["get message", "post board"]
    assert report.items[Purpose.LOBBY_BOARD][1] != first.items[Purpose.LOBBY_BOARD][1]


async def test_message_delete_of_the_board_reposts_it(db: Database) -> None:
    port = FakePort()
    service = make_service(db, port)
    first = await service.ensure(GUILD)
    board_id = first.items[Purpose.LOBBY_BOARD][1]
    port.calls.clear()
    # Another bot message with an embed stays in the lobby: a deleted board is never "adopted".
    assert await deleted_by_hand(db, service, board_id) is not None
    assert port.calls == ["post board"]
    item = await StructureRepository(db).get(GUILD, Purpose.LOBBY_BOARD)
    assert item is not None and item.discord_id not in (None, board_id)
    assert await deleted_by_hand(db, service, 123456) is None
