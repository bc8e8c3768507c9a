"""Shared helpers of the sessions tests: upload a schedule file with `/session import`, read a
message's buttons, press Confirm, the names of the sessions' places."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sandbox.sandbox import Sandbox

if TYPE_CHECKING:
    from tests.e2e.conftest import World


def session_channels(sb: Sandbox, guild_id: int) -> set[str]:
    return {c["name"] for c in sb.channels(guild_id) if c["type"] in (2, 13)}


async def upload(world: World, filename: str, data: bytes, user: int | None = None):  # type: ignore[no-untyped-def]
    result = await world.sb.invoke(
        world.guild_id,
        user or world.organizer_id,
        "session import",
        options={"file": (filename, data)},
        locale="en-US",
    )
    if result.response_type == 5:
        await result.wait_followups(1)
    return result


def buttons(message: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["label"]: c for row in message["components"] for c in row["components"]}


async def confirm(world: World, preview_message: dict) -> dict:  # type: ignore[type-arg]
    button = buttons(preview_message)["Confirm"]
    assert not button.get("disabled")
    clicked = await world.sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview_message["id"]),
        button["custom_id"],
        locale="en-US",
    )
    await world.settle(0.3)
    return clicked
