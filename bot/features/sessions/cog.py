"""`/session ...`: the programme. Thin: parse and validate options, call SessionService, render."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.core.checks import member_is_organizer, organizer_only
from bot.core.ui import locale_of
from bot.domain.errors import InvalidInput, NotOrganizer
from bot.domain.text_safety import one_line
from bot.features.sessions.domain.model import CREATE_KINDS, Session, make_draft, may_chair
from bot.features.sessions.domain.schedule_import import MAX_IMPORT_BYTES
from bot.features.sessions.domain.timeparse import local_date, parse_time
from bot.features.sessions.render import SessionRenderer
from bot.features.sessions.transformers import DayOption, SessionOption
from bot.features.sessions.views import LIST, ImportButton, ProgrammePages

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot
    from bot.domain.clock import Clock
    from bot.features.sessions.imports import ImportService
    from bot.features.sessions.service import SessionService
    from bot.i18n import Catalog

KIND_CHOICES = [
    app_commands.Choice(
        name=locale_str(kind.value, key=f"choices.kind.{kind.value}"), value=kind.value
    )
    for kind in CREATE_KINDS
]
Title = app_commands.Range[str, 1, 100]
MENTION = re.compile(r"^<@!?(\d{15,21})>$")
Duration = app_commands.Range[int, 5, 720]


class SessionCog(commands.Cog):
    session = app_commands.Group(
        name="session", description="The programme: sessions and their places", guild_only=True
    )

    def __init__(
        self,
        sessions: SessionService,
        imports: ImportService,
        render: SessionRenderer,
        pages: ProgrammePages,
        *,
        import_button: type[ImportButton],
        catalog: Catalog,
        clock: Clock,
        zone: ZoneInfo,
    ) -> None:
        self._sessions = sessions
        self._imports = imports
        self._render = render
        self._pages = pages
        self._import_button = import_button
        self._catalog = catalog
        self._clock = clock
        self._zone = zone

    async def _reply(
        self, interaction: discord.Interaction[WorkshopBot], key: str, session: Session
    ) -> None:
        assert interaction.guild_id is not None
        locale = locale_of(interaction)
        embed = self._render.info(session, await self._pages.places(interaction.guild_id), locale)
        await interaction.followup.send(
            content=self._catalog.t(key, locale, title=one_line(session.title)),
            embed=embed,
            ephemeral=True,
        )

    def _parse_start(self, value: str, reference: date | None = None) -> datetime:
        return parse_time(value, self._zone, day=reference, now=self._clock.now())

    @session.command(name="create", description="Create a session (organizers)")
    @app_commands.describe(
        title="Title, 1-100 characters",
        start="Start in the workshop's zone: 2026-07-01 10:00, 07-01 10:00, 10:00, or ISO 8601",
        duration="Length in minutes (5-720)",
        kind="What kind of session",
        track="Track or room (sessions of one track must not overlap)",
        description="What it is about (up to 1000 characters)",
        location="An external link (e.g. Zoom): the session then gets a text channel for Q&A",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @organizer_only()
    async def create(
        self,
        interaction: discord.Interaction[WorkshopBot],
        title: Title,
        start: str,
        duration: Duration,
        kind: str = "talk",
        track: app_commands.Range[str, 1, 100] | None = None,
        description: app_commands.Range[str, 1, 1000] | None = None,
        location: app_commands.Range[str, 1, 512] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        begins = self._parse_start(start)
        draft = make_draft(
            title=title,
            kind=kind,
            start=begins,
            end=begins + timedelta(minutes=duration),
            track=track,
            description=description,
            location=location,
        )
        await self._sessions.check_create(interaction.guild_id, draft)
        await interaction.response.defer(ephemeral=True, thinking=True)
        session = await self._sessions.create(interaction.guild_id, interaction.user.id, draft)
        await self._reply(interaction, "sessions.created", session)

    @session.command(name="list", description="The whole programme, day by day")
    @app_commands.describe(day="Only this day")
    async def list_(
        self, interaction: discord.Interaction[WorkshopBot], day: DayOption | None = None
    ) -> None:
        assert interaction.guild_id is not None
        embed, view = await self._pages.message(
            interaction.guild_id, LIST, day, 0, locale_of(interaction), interaction.user.id
        )
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @session.command(name="info", description="Everything about one session")
    @app_commands.describe(session="The session (type to search by title)")
    async def info(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption
    ) -> None:
        assert interaction.guild_id is not None
        locale = locale_of(interaction)
        embed = self._render.info(session, await self._pages.places(interaction.guild_id), locale)
        view = None if session.cancelled else self._pages.info_view(session.id, locale)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @session.command(name="edit", description="Change a session (organizers)")
    @app_commands.describe(
        session="The session (type to search by title)",
        title="New title",
        start="New start (a bare time keeps the session's day)",
        duration="New length in minutes (5-720)",
        description="New description",
        chair="The member who chairs it (may open, close and moderate it)",
        speakers="Its speakers: mention them all in one text (@ada @grace); - removes them",
    )
    @organizer_only()
    async def edit(
        self,
        interaction: discord.Interaction[WorkshopBot],
        session: SessionOption,
        title: Title | None = None,
        start: str | None = None,
        duration: Duration | None = None,
        description: app_commands.Range[str, 1, 1000] | None = None,
        chair: discord.Member | None = None,
        speakers: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        changes: dict[str, Any] = {}
        if chair is not None:
            if chair.bot:
                raise InvalidInput("qa.chair_is_bot")
            changes["chair_id"] = chair.id
        if speakers is not None:
            changes["speaker_ids"] = speaker_mentions(speakers)
        if title is not None:
            changes["title"] = title
        if description is not None:
            changes["description"] = description
        begins = session.start
        if start is not None:
            begins = self._parse_start(start, local_date(session.start, self._zone))
            changes["start"] = begins
        if duration is not None or start is not None:
            length = timedelta(minutes=duration) if duration else session.end - session.start
            changes["end"] = begins + length
        if not changes:
            raise InvalidInput("errors.nothing_to_change")
        await self._sessions.check_edit(interaction.guild_id, session, changes)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated = await self._sessions.edit(
            interaction.guild_id, interaction.user.id, session, changes
        )
        await self._reply(interaction, "sessions.edited", updated)

    @session.command(
        name="cancel", description="Cancel a session: its place is locked (organizers)"
    )
    @app_commands.describe(session="The session (type to search by title)")
    @organizer_only()
    async def cancel(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption
    ) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated = await self._sessions.cancel(interaction.guild_id, interaction.user.id, session)
        await self._reply(interaction, "sessions.cancelled", updated)

    @session.command(
        name="open", description="Open a session's place now (organizers or its chair)"
    )
    @app_commands.describe(session="The session (type to search by title)")
    async def open_(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption
    ) -> None:
        assert interaction.guild_id is not None
        require_chair(interaction, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated = await self._sessions.open_now(interaction.guild_id, interaction.user.id, session)
        await self._reply(interaction, "sessions.opened", updated)

    @session.command(
        name="close", description="Close a session's place now (organizers or its chair)"
    )
    @app_commands.describe(session="The session (type to search by title)")
    async def close(
        self, interaction: discord.Interaction[WorkshopBot], session: SessionOption
    ) -> None:
        assert interaction.guild_id is not None
        require_chair(interaction, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        updated = await self._sessions.close_now(interaction.guild_id, interaction.user.id, session)
        await self._reply(interaction, "sessions.closed", updated)

    @session.command(name="import", description="Import a schedule file: preview, then confirm")
    @app_commands.describe(
        file="CSV or TSV (Excel, Google Sheets), YAML, or a Pretalx/frab schedule.json "
        "(at most 1 MB)"
    )
    @organizer_only()
    async def import_(
        self, interaction: discord.Interaction[WorkshopBot], file: discord.Attachment
    ) -> None:
        assert interaction.guild_id is not None
        if file.size > MAX_IMPORT_BYTES:
            raise InvalidInput("errors.import_too_large", size=file.size, max=MAX_IMPORT_BYTES)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        plan = await self._imports.preview(
            interaction.guild_id, interaction.user.id, file.filename, data
        )
        locale = locale_of(interaction)
        embed = self._render.import_preview(plan, locale)
        view = self._import_button.preview_buttons(
            plan.import_id, locale, can_apply=not plan.preview.has_errors
        )
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)


def require_chair(interaction: discord.Interaction[WorkshopBot], session: Session) -> None:
    """Organizers, and the session's own chair (checked on the server side)."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage()
    if not may_chair(session, interaction.user.id, member_is_organizer(interaction)):
        raise NotOrganizer("qa.not_chair", title=one_line(session.title))


def speaker_mentions(text: str) -> tuple[int, ...]:
    """The members a `speakers` text mentions (`<@id>`, separated by spaces or commas); `-`
    (or `none`) removes them all. Anything else is refused, naming it."""
    words = text.replace(",", " ").split()
    if [w.casefold() for w in words] in (["-"], ["none"], ["なし"]):
        return ()
    ids: list[int] = []
    for word in words:
        found = MENTION.match(word)
        if found is None:
            raise InvalidInput("qa.speakers_not_mentions", value=word[:100])
        ids.append(int(found.group(1)))
    if not ids:
        raise InvalidInput("qa.speakers_not_mentions", value=text[:100])
    return tuple(dict.fromkeys(ids))
