"""Shared steps of the registration tests: a bot with registration on, the connpass file
imported, pressing Register and filling in the form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.bot import WorkshopBot
from bot.settings import RegistrationSettings
from tests.fakes.sessions import buttons
from tests.world import World

DATA = Path(__file__).resolve().parents[2] / "data" / "registration"
CONNPASS = (DATA / "connpass_cp932.csv").read_bytes()
ROLES = {"一般参加枠": "General", "学生枠": "Student", "発表者枠": "Speaker", "*": "Participant"}


def registration(**overrides: Any) -> RegistrationSettings:
    values: dict[str, Any] = {"enabled": True, "roles": ROLES, **overrides}
    return RegistrationSettings(**values)


async def start(world: World, **overrides: Any) -> WorkshopBot:
    bot = await world.start_bot(registration=registration(**overrides))
    setup = await world.sb.invoke(
        world.guild_id, world.organizer_id, "workshop setup", locale="en-US"
    )
    await setup.wait_followups(1)
    return bot


async def import_file(world: World, data: bytes = CONNPASS, name: str = "connpass.csv") -> Any:
    result = await world.sb.invoke(
        world.guild_id,
        world.organizer_id,
        "registration import",
        options={"file": (name, data)},
        locale="en-US",
    )
    await result.wait_followups(1)
    return result


async def confirm(world: World, preview: dict[str, Any]) -> Any:
    clicked = await world.sb.click(
        world.guild_id,
        world.organizer_id,
        int(preview["id"]),
        buttons(preview)["Confirm"]["custom_id"],
        locale="en-US",
    )
    await world.settle(0.3)
    return clicked


def welcome(world: World) -> tuple[dict[str, Any], dict[str, Any]]:
    """#welcome and its message."""
    channel = next(c for c in world.sb.channels(world.guild_id) if c["name"] == "welcome")
    (message,) = world.sb.messages(int(channel["id"]))
    return channel, message


async def register(
    world: World, user: int, receipt: str, name: str, *, locale: str = "en-US"
) -> Any:
    """Press Register in #welcome, fill in the form, submit it; the answer."""
    sb = world.sb
    _, message = welcome(world)
    custom_id = next(
        c["custom_id"]
        for row in message["components"]
        for c in row["components"]
        if c.get("custom_id") == "reg:register"
    )
    opened = await sb.click(world.guild_id, user, int(message["id"]), custom_id, locale=locale)
    assert opened.response_type == 9 and opened.modal is not None, opened
    submitted = await sb.submit_modal(
        world.guild_id,
        user,
        opened.modal["custom_id"],
        {"receipt": receipt, "name": name},
        locale=locale,
    )
    await submitted.wait_followups(1)
    return submitted


def role_id(world: World, name: str) -> int:
    return int(next(r["id"] for r in world.sb.roles(world.guild_id) if r["name"] == name))


def member_roles(world: World, user: int) -> set[str]:
    member = next(m for m in world.sb.members(world.guild_id) if int(m["user"]["id"]) == user)
    names = {r["id"]: r["name"] for r in world.sb.roles(world.guild_id)}
    return {names[r] for r in member["roles"]}


def nick(world: World, user: int) -> str | None:
    member = next(m for m in world.sb.members(world.guild_id) if int(m["user"]["id"]) == user)
    return member.get("nick")
