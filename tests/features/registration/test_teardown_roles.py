"""The ticket roles registration creates are the bot's own: recorded in guild_structure, and
`/workshop teardown` deletes them last; a mapped role an organizer made by hand stays."""

from __future__ import annotations

import asyncio

from bot.features.registration.keys import role_purpose
from tests.features.registration.conftest import start
from tests.features.wrapup.wrapup_helpers import button, wrap_up
from tests.world import World


async def test_teardown_deletes_the_roles_the_bot_created_and_only_those(world: World) -> None:
    sb = world.sb
    hand_made = int(sb.add_role(world.guild_id, "Speaker")["id"])  # mapped, but the organizers'
    bot = await start(world)
    names = {r["name"]: int(r["id"]) for r in sb.roles(world.guild_id)}
    created = {n: names[n] for n in ("General", "Student", "Participant")}
    owned = await bot.db.fetch_all(
        "SELECT purpose, discord_id FROM guild_structure WHERE kind = 'role' ORDER BY purpose"
    )
    assert {(str(p), int(i)) for p, i in owned} == {
        (role_purpose(n), rid) for n, rid in created.items()
    }

    await wrap_up(world)
    user = world.organizer_id
    asked = await sb.invoke(world.guild_id, user, "workshop teardown", locale="en-US")
    first = await sb.click(
        world.guild_id, user, asked.message_id, button(asked.original, "td:1:"), locale="en-US"
    )
    await sb.click(
        world.guild_id, user, asked.message_id, button(first.original, "td:2:"), locale="en-US"
    )

    for _ in range(300):
        if await bot.db.fetch_value("SELECT teardown_done_at FROM workshop_end"):
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the teardown did not finish")
    left = {int(r["id"]) for r in sb.roles(world.guild_id)}
    assert not left & set(created.values()), "the bot's roles are gone"
    assert hand_made in left and world.organizer_role_id in left, "the organizers' roles stay"
    deletes = [r for r in sb.requests if r.method == "DELETE" and "/roles/" in r.path]
    assert len(deletes) == len(created)
