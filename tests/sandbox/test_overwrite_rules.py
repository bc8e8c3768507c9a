"""Discord's rule for the overwrites a bot writes: only bits it holds, allowed *or denied*.

The bot's role holds exactly the invite's permissions and @everyone lends it nothing more (the
sandbox's default), so a deny of Create Private Threads — a bit the bot lacks — is refused on
create, PATCH and PUT, as Discord does; Administrator, a Manage Roles overwrite in the channel
and permissions held in the parent category are the documented ways around it.
"""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.core.permissions import INVITE_PERMISSIONS
from bot.sandbox import Sandbox, SandboxGuild
from bot.sandbox import permissions as p


def _g(client: discord.Client, guild: SandboxGuild) -> discord.Guild:
    g = client.get_guild(guild.id)
    assert g is not None
    return g


DENY_PRIVATE_THREADS = discord.PermissionOverwrite(create_private_threads=False)


async def test_the_bot_holds_exactly_its_invite(sb: Sandbox, guild: SandboxGuild) -> None:
    state = sb.state.guild(guild.id)
    assert sb.state.bot_perms(state) == INVITE_PERMISSIONS


async def test_a_deny_only_overwrite_of_a_missing_bit_is_refused_on_create(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = _g(client, guild)
    with pytest.raises(discord.Forbidden) as info:
        await g.create_text_channel(
            "announcements", overwrites={g.default_role: DENY_PRIVATE_THREADS}
        )
    assert info.value.code == 50013
    assert "CREATE_PRIVATE_THREADS" in (sb.rejected[-1].error or "")
    assert not any(c["name"] == "announcements" for c in sb.channels(guild.id))


async def test_the_same_overwrite_is_refused_on_patch_and_put(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = _g(client, guild)
    channel = await g.create_text_channel("lobby")
    with pytest.raises(discord.Forbidden):
        await channel.edit(overwrites={g.default_role: DENY_PRIVATE_THREADS})
    with pytest.raises(discord.Forbidden):
        await channel.set_permissions(g.default_role, overwrite=DENY_PRIVATE_THREADS)
    assert sb.channel(channel.id)["permission_overwrites"] == []  # type: ignore[index]
    # Bits the bot holds are fine, allowed or denied.
    await channel.set_permissions(
        g.default_role, overwrite=discord.PermissionOverwrite(send_messages=False)
    )


async def test_overwrites_need_manage_roles(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    sb.set_bot_permissions(guild.id, INVITE_PERMISSIONS & ~p.MANAGE_ROLES)
    await asyncio.sleep(0.05)
    g = _g(client, guild)
    with pytest.raises(discord.Forbidden):
        await g.create_text_channel(
            "x", overwrites={g.default_role: discord.PermissionOverwrite(send_messages=False)}
        )
    await g.create_text_channel("y")  # no overwrites: Manage Channels is enough


async def test_administrator_may_write_any_bit(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    sb.set_bot_permissions(guild.id, p.ADMINISTRATOR)
    await asyncio.sleep(0.05)
    g = _g(client, guild)
    await g.create_text_channel("x", overwrites={g.default_role: DENY_PRIVATE_THREADS})


async def test_a_manage_roles_overwrite_in_the_channel_lifts_the_rule(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    made = sb.add_channel(
        guild.id,
        "staff",
        0,
        overwrites=[{"id": guild.bot_role_id, "type": 0, "allow": p.MANAGE_ROLES}],
    )
    await asyncio.sleep(0.05)
    channel = client.get_channel(int(made["id"]))
    assert isinstance(channel, discord.TextChannel)
    await channel.set_permissions(_g(client, guild).default_role, overwrite=DENY_PRIVATE_THREADS)


async def test_bits_held_in_the_parent_category_may_be_set_on_edit(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    category = sb.add_channel(
        guild.id,
        "Info",
        4,
        overwrites=[{"id": sb.bot_user_id, "type": 1, "allow": p.CREATE_PRIVATE_THREADS}],
    )
    made = sb.add_channel(guild.id, "news", 0, parent_id=int(category["id"]))
    await asyncio.sleep(0.05)
    channel = client.get_channel(int(made["id"]))
    assert isinstance(channel, discord.TextChannel)
    await channel.set_permissions(_g(client, guild).default_role, overwrite=DENY_PRIVATE_THREADS)


async def test_roles_may_only_get_bits_the_bot_holds_and_never_managed_ones(
    sb: Sandbox, guild: SandboxGuild, client: discord.Client
) -> None:
    g = _g(client, guild)
    with pytest.raises(discord.Forbidden):
        await g.create_role(name="Mods", permissions=discord.Permissions(ban_members=True))
    role = await g.create_role(name="Helpers", permissions=discord.Permissions(connect=True))
    with pytest.raises(discord.Forbidden):
        await role.edit(permissions=discord.Permissions(kick_members=True))
    own = g.get_role(guild.bot_role_id)
    assert own is not None
    with pytest.raises(discord.Forbidden):
        await own.edit(name="renamed")
