"""A poster session from a schedule file gets its boards from the file (no `/poster setup`
needed), in English or Japanese columns; a re-import changes the count and keeps claimed boards;
the preview says how many boards and warns about a poster session without a count."""

from __future__ import annotations

from tests.fakes.posters import claim
from tests.fakes.sessions import buttons, upload
from tests.world import World, eventually

CSV = """title,start,duration,kind,boards,id
Poster session,2026-07-02 14:00,90,poster,{boards},p1
Talk,2026-07-02 10:00,30,talk,,t1
"""
JAPANESE_CSV = "タイトル,開始,時間(分),種別,ボード数\nポスター発表,2026/7/2 14:00,90,poster,５\n"


async def apply(world: World, name: str, data: bytes) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """The preview and the applied answer."""
    result = await upload(world, name, data)
    preview = result.followups[0]
    clicked = await world.sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview["id"]),
        buttons(preview)["Confirm"]["custom_id"],
        locale="en-US",
    )
    await eventually(lambda: clicked.original is not None and not clicked.components, 15)
    assert clicked.original is not None
    return preview, clicked.original


async def boards(world: World, title: str) -> int:
    services = world.bots[-1].services
    (session,) = [s for s in await services.sessions.programme(world.guild_id) if s.title == title]
    return len(await services.posters.boards(session))


async def test_an_imported_poster_session_has_its_boards_and_can_be_claimed(world: World) -> None:
    await world.start_bot()
    preview, _ = await apply(world, "camp.csv", CSV.format(boards=12).encode())
    assert "Poster session · 12 boards" in str(preview["embeds"][0])
    assert await boards(world, "Poster session") == 12
    assert "is yours" in await claim(world, world.attendee_id, "My poster", board=12)

    # A re-import with fewer boards keeps the claimed one (refused, said in the answer) and a
    # larger count adds boards.
    _, applied = await apply(world, "camp.csv", CSV.format(boards=5).encode())
    assert "12" in str(applied["embeds"][0]) and "claimed" in str(applied["embeds"][0])
    assert await boards(world, "Poster session") == 12
    await apply(world, "camp.csv", CSV.format(boards=20).encode())
    assert await boards(world, "Poster session") == 20


async def test_japanese_board_column_and_full_width_digits(world: World) -> None:
    await world.start_bot()
    await apply(world, "programme.csv", JAPANESE_CSV.encode("cp932"))
    assert await boards(world, "ポスター発表") == 5


async def test_a_poster_session_without_a_count_is_warned_about(world: World) -> None:
    await world.start_bot()
    data = CSV.format(boards="").encode()
    result = await upload(world, "camp.csv", data)
    text = str(result.followups[0]["embeds"][0])
    assert "has no board count" in text and "/poster setup" in text
