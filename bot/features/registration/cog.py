"""`/registration ...` (organizers): import the registrants file, status, lookup, link and
unlink by hand, export. Thin: the service does the work, render the texts."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import organizer_only
from bot.core.csv_out import CsvOut
from bot.core.ui import locale_of
from bot.domain.errors import InvalidInput
from bot.features.registration.domain.registrants import MAX_BYTES
from bot.features.registration.render import RegistrationRender
from bot.features.registration.service import RegistrationService
from bot.features.registration.views import ImportButton

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

EXPORT_COLUMNS = ("ticket", "types", "name", "cancelled", "member_id", "linked_by")


class RegistrationCog(commands.Cog):
    registration = app_commands.Group(
        name="registration",
        description="Registrants: import, status, lookup, overrides",
        guild_only=True,
    )

    def __init__(
        self,
        service: RegistrationService,
        render: RegistrationRender,
        import_button: type[ImportButton],
    ) -> None:
        self._service = service
        self._render = render
        self._import_button = import_button

    @registration.command(
        name="import",
        description="Import the registrants file (connpass, Peatix, Google Forms): preview, "
        "then confirm",
    )
    @app_commands.describe(file="CSV or TSV export of the registrations (at most 4 MB)")
    @organizer_only()
    async def import_(
        self, interaction: discord.Interaction[WorkshopBot], file: discord.Attachment
    ) -> None:
        assert interaction.guild_id is not None
        if file.size > MAX_BYTES:
            raise InvalidInput("registration.file_too_large", size=file.size, max=MAX_BYTES)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        preview = await self._service.preview(
            interaction.guild_id, interaction.user.id, file.filename, data
        )
        locale = locale_of(interaction)
        await interaction.followup.send(
            embed=self._render.preview(preview, locale),
            view=self._import_button.preview_buttons(preview.import_id, locale),
            ephemeral=True,
        )

    @registration.command(
        name="status",
        description="Registered and not yet, per ticket type; second accounts; cancelled",
    )
    @organizer_only()
    async def status(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        status = await self._service.status(interaction.guild_id)
        await interaction.response.send_message(
            embed=self._render.status(status, locale_of(interaction)), ephemeral=True
        )

    @registration.command(name="lookup", description="Which ticket a member registered with")
    @app_commands.describe(member="The member to look up")
    @organizer_only()
    async def lookup(
        self, interaction: discord.Interaction[WorkshopBot], member: discord.User
    ) -> None:
        assert interaction.guild_id is not None
        found = await self._service.lookup(interaction.guild_id, member.id)
        await interaction.response.send_message(
            self._render.lookup(member.id, found, locale_of(interaction)), ephemeral=True
        )

    @registration.command(name="link", description="Register a member with a ticket by hand")
    @app_commands.describe(member="The member", ticket="The ticket's receipt number")
    @organizer_only()
    async def link(
        self,
        interaction: discord.Interaction[WorkshopBot],
        member: discord.User,
        ticket: app_commands.Range[str, 1, 64],
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = await self._service.link(interaction.guild_id, member.id, ticket)
        locale = locale_of(interaction)
        await interaction.followup.send(
            self._render.t(
                "linked",
                locale,
                member=f"<@{member.id}>",
                ticket=done.tickets[0].ticket,
                roles=self._render.role_list(done.role_ids, locale),
            ),
            ephemeral=True,
        )

    @registration.command(
        name="unlink", description="Undo a member's registration (their ticket roles are taken)"
    )
    @app_commands.describe(member="The member")
    @organizer_only()
    async def unlink(
        self, interaction: discord.Interaction[WorkshopBot], member: discord.User
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        count = await self._service.unlink(interaction.guild_id, member.id)
        await interaction.followup.send(
            self._render.t(
                "unlinked", locale_of(interaction), member=f"<@{member.id}>", count=count
            ),
            ephemeral=True,
        )

    @registration.command(
        name="export", description="The registrations (ticket, type, name, member) as CSV"
    )
    @organizer_only()
    async def export(self, interaction: discord.Interaction[WorkshopBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        out = io.StringIO()
        csv = CsvOut(out, EXPORT_COLUMNS)
        for registrant, link in await self._service.linkage(interaction.guild_id):
            csv.row(
                (
                    registrant.ticket,
                    " | ".join(registrant.types),
                    registrant.name,
                    "yes" if registrant.cancelled else "",
                    str(link.user_id) if link else "",
                    ("organizer" if link.manual else "member") if link else "",
                )
            )
        data = io.BytesIO(out.getvalue().encode("utf-8-sig"))
        await interaction.followup.send(
            self._render.t("export_done", locale_of(interaction)),
            file=discord.File(data, filename="registrations.csv"),
            ephemeral=True,
        )
