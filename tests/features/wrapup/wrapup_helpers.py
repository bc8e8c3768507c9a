"""Helpers of the wrap-up and teardown tests: a camp that ran (setup, sessions, a topic room,
ratings), the wrap-up clicked through, reading the archive."""

from __future__ import annotations

import asyncio
import io
import sys
import zipfile
from dataclasses import dataclass
from typing import Any

from bot.core.bot import WorkshopBot
from bot.domain.permissions import Perm
from tests.e2e.test_process import bot_env
from tests.features.attendance.attendance_helpers import answer, open_room, session_channel
from tests.features.feedback.feedback_helpers import attended_session
from tests.world import World

VOICE_TYPES = {2, 13}
TEXT_TYPES = {0, 15}


@dataclass
class Camp:
    session_id: int
    talk: int
    later_id: int
    room: int
    hand_made: int
    people: dict[str, int]


async def run_camp(world: World, bot: WorkshopBot) -> Camp:
    sb = world.sb
    await (await sb.invoke(world.guild_id, world.organizer_id, "workshop setup")).wait_followups(1)
    hand_made = int(sb.add_channel(world.guild_id, "organizers-only", type=0)["id"])
    session_id, talk, people = await attended_session(
        world, bot, "Graph learning", {"ana": 30, "ben": 45}
    )
    later_id, _ = await session_channel(world, bot, "Next year preview", start="2026-07-03 10:00")
    room = await open_room(world, people["ana"], "LLM eval")
    for name, rating in (("ana", 5), ("ben", 4)):
        rated = await sb.invoke(
            world.guild_id,
            people[name],
            "feedback session",
            options={"session": str(session_id), "rating": rating, "comment": f"from {name}"},
        )
        assert rated.ephemeral
    return Camp(session_id, talk, later_id, room, hand_made, people)


def button(message: dict[str, Any], prefix: str) -> str:
    for row in message.get("components", []):
        for component in row["components"]:
            if component["custom_id"].startswith(prefix):
                return str(component["custom_id"])
    raise AssertionError(f"no button {prefix} in {message}")


async def wrap_up(world: World, user: int | None = None) -> Any:
    """/workshop wrap-up, then Confirm; returns the click's result (its follow-up carries the
    archive)."""
    sb = world.sb
    user = user or world.organizer_id
    asked = await sb.invoke(world.guild_id, user, "workshop wrap-up", locale="en-US")
    assert asked.ephemeral and (asked.content or "").startswith("**Wrap up the workshop?**")
    go = button(asked.original, "wu:go:")
    clicked = await sb.click(world.guild_id, user, asked.message_id, go, locale="en-US")
    await clicked.wait_followups(1, timeout=20)
    return clicked


def archive_of(result: Any) -> zipfile.ZipFile:
    ((name, data),) = result.followup_files()
    assert name.startswith("workshop-archive-") and name.endswith(".zip")
    return zipfile.ZipFile(io.BytesIO(data))


def everyone_overwrite(channel: dict[str, Any], guild_id: int) -> tuple[int, int]:
    for o in channel.get("permission_overwrites", []):
        if int(o["id"]) == guild_id and int(o["type"]) == 0:
            return int(o["allow"]), int(o["deny"])
    return 0, 0


def is_locked(channel: dict[str, Any], guild_id: int) -> bool:
    allow, deny = everyone_overwrite(channel, guild_id)
    if channel["type"] in VOICE_TYPES:
        bits = Perm.CONNECT | Perm.SEND_MESSAGES
    elif channel["type"] in TEXT_TYPES:
        bits = Perm.SEND_MESSAGES
    else:
        return True  # a category
    return deny & bits == bits and not allow & bits


async def run_cli(world: World, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=world.tmp,
        env=bot_env(world),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, stdout.decode(), stderr.decode()


__all__ = ["answer"]
