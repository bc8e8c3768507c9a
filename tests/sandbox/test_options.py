"""Command options of every kind reach the handler through ``resolved`` (incl. attachments)."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.sandbox import Sandbox, SandboxGuild
from tests.sandbox.conftest import ClientFactory, make_client


async def test_options_resolve(sb: Sandbox, guild: SandboxGuild, connect: ClientFactory) -> None:
    client = make_client()
    tree = app_commands.CommandTree(client)
    seen: dict[str, object] = {}
    poster = app_commands.Group(name="poster", description="Posters")
    admin = app_commands.Group(name="admin", description="Admin", parent=poster)

    @admin.command(name="assign", description="Assign")
    async def assign(
        interaction: discord.Interaction,
        file: discord.Attachment,
        who: discord.Member,
        where: discord.TextChannel,
        role: discord.Role,
        board: app_commands.Range[int, 1, 50],
        weight: float = 1.0,
        public: bool = False,
    ) -> None:
        seen.update(
            data=await file.read(),
            name=file.filename,
            who=who.id,
            where=where.id,
            role=role.id,
            board=board,
            weight=weight,
            public=public,
        )
        await interaction.response.send_message("ok", ephemeral=True)

    tree.add_command(poster, guild=discord.Object(guild.id))
    await connect(client)
    await tree.sync(guild=discord.Object(guild.id))
    alice = int(sb.add_member(guild.id, name="alice")["id"])
    role = int(sb.add_role(guild.id, "Presenters")["id"])
    general = int(next(c for c in sb.channels(guild.id) if c["name"] == "general")["id"])
    res = await sb.invoke(
        guild.id,
        alice,
        "poster admin assign",
        options={
            "file": ("poster.pdf", b"%PDF-1.7"),
            "who": alice,
            "where": general,
            "role": role,
            "board": 7,
            "weight": 2.5,
            "public": True,
        },
        channel_id=general,
    )
    assert res.content == "ok"
    assert seen == {
        "data": b"%PDF-1.7",
        "name": "poster.pdf",
        "who": alice,
        "where": general,
        "role": role,
        "board": 7,
        "weight": 2.5,
        "public": True,
    }
    with pytest.raises(ValueError, match=r"outside \[1, 50\]"):  # Discord's client refuses it
        await sb.invoke(
            guild.id,
            alice,
            "poster admin assign",
            options={
                "file": ("p.pdf", b""),
                "who": alice,
                "where": general,
                "role": role,
                "board": 99,
            },
        )
