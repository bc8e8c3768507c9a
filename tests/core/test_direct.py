"""The bot's direct messages (bot/core/direct.py) through the sandbox: delivered, refused by
the person (False, one INFO line, no warning), and a button in a DM answered without a guild."""

from __future__ import annotations

import logging

import discord
import pytest

from tests.world import World, eventually


async def test_a_dm_is_delivered_and_its_button_works_without_a_guild(world: World) -> None:
    bot = await world.start_bot()
    ana = world.attendee_id
    seen: list[tuple[int | None, int]] = []

    class Here(discord.ui.View):
        @discord.ui.button(label="I'm here", custom_id="test:here")
        async def here(
            self, interaction: discord.Interaction, button: discord.ui.Button[Here]
        ) -> None:
            seen.append((interaction.guild_id, interaction.user.id))
            await interaction.response.edit_message(content="Checked in.", view=None)

    assert await bot.core.direct.send(ana, content="Your talk starts soon", view=Here())
    [msg] = world.sb.dms(ana)
    assert msg["content"] == "Your talk starts soon"
    clicked = await world.sb.click(world.guild_id, ana, int(msg["id"]), "test:here")
    await eventually(lambda: bool(seen))
    assert seen == [(None, ana)]
    assert clicked.content == "Checked in."
    assert world.sb.dms(ana)[0]["content"] == "Checked in."
    with pytest.raises(ValueError):  # only the recipient is ever in a DM
        await world.sb.click(world.guild_id, world.organizer_id, int(msg["id"]), "test:here")


async def test_closed_dms_answer_false_with_one_info_line(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await world.start_bot()
    ana = world.attendee_id
    world.sb.close_dms(ana)
    caplog.set_level(logging.INFO, logger="bot.core.direct")
    assert not await bot.core.direct.send(ana, content="one")
    assert not await bot.core.direct.send(ana, content="two")
    lines = [r for r in caplog.records if r.name == "bot.core.direct"]
    assert [r.levelno for r in lines] == [logging.INFO]
    assert world.sb.dms(ana) == []
    assert (bot.core.direct.sent, bot.core.direct.refused) == (0, 2)
    # Opened once, then refused twice: discord.py keeps the DM channel.
    assert world.sb.count("POST /users/@me/channels") == 1


async def test_a_person_who_left_the_server_gets_nothing(world: World) -> None:
    bot = await world.start_bot()
    world.sb.remove_member(world.guild_id, world.attendee_id)
    assert not await bot.core.direct.send(world.attendee_id, content="hello")
