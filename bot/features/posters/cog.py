"""`/poster ...`: poster sessions and their boards. Thin: options in, PosterService out, the
answers from PosterRender."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import member_is_organizer, organizer_only
from bot.core.ui import locale_of
from bot.domain.clock import Clock
from bot.domain.limits import BOARDS_MAX, BOARDS_MIN
from bot.domain.text_safety import one_line
from bot.features.posters.abstract import AbstractButton
from bot.features.posters.domain.boards import ABSTRACT_MAX, TITLE_MAX
from bot.features.posters.render import PosterRender
from bot.features.posters.service import PosterService
from bot.features.posters.views import PosterPages
from bot.features.sessions.domain.model import Session
from bot.features.sessions.domain.timeparse import parse_time
from bot.features.sessions.transformers import session_label

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

Name = app_commands.Range[str, 1, 100]
Duration = app_commands.Range[int, 5, 720]
Boards = app_commands.Range[int, BOARDS_MIN, BOARDS_MAX]
BoardNumber = app_commands.Range[int, BOARDS_MIN, BOARDS_MAX]
PosterTitle = app_commands.Range[str, 1, TITLE_MAX]
Abstract = app_commands.Range[str, 1, ABSTRACT_MAX]


class PosterSessionTransformer(app_commands.Transformer):
    """A poster session: autocompleted among poster sessions; its number or exact title.
    (discord.py makes transformers itself, so this one finds the service on the client.)"""

    async def transform(self, interaction: discord.Interaction[Any], value: str) -> Session:
        assert interaction.guild_id is not None
        return await _posters(interaction).resolve(interaction.guild_id, str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        sessions = await _posters(interaction).poster_sessions(interaction.guild_id)
        needle = value.casefold()
        return [
            app_commands.Choice(name=session_label(s, interaction.client), value=str(s.id))
            for s in sessions
            if needle in s.title.casefold()
        ][:25]


def _posters(interaction: discord.Interaction[Any]) -> PosterService:
    client: WorkshopBot = interaction.client
    return client.services.get("posters", PosterService)


PosterSessionOption = app_commands.Transform[Session, PosterSessionTransformer]


class PosterCog(commands.Cog):
    poster = app_commands.Group(
        name="poster", description="Poster sessions: claim a board, find posters", guild_only=True
    )

    def __init__(
        self,
        bot: WorkshopBot,
        posters: PosterService,
        render: PosterRender,
        pages: PosterPages,
        abstract_button: type[AbstractButton],
        *,
        zone: ZoneInfo,
        clock: Clock,
    ) -> None:
        self.bot = bot
        self._posters = posters
        self._render = render
        self._pages = pages
        self._abstract_button = abstract_button
        self._zone = zone
        self._clock = clock

    async def _session(
        self, interaction: discord.Interaction[WorkshopBot], session: Session | None
    ) -> Session:
        assert interaction.guild_id is not None
        return await self._posters.pick_session(interaction.guild_id, session)

    @poster.command(name="setup", description="Create a poster session with N boards (organizers)")
    @app_commands.describe(
        name="The poster session's name (run again with the same name to change its boards)",
        start="Start in the workshop's zone: 2026-07-01 14:00, 07-01 14:00, 14:00, or ISO 8601",
        duration="Length in minutes (5-720)",
        boards="How many numbered boards (1-200)",
    )
    @organizer_only()
    async def setup(
        self,
        interaction: discord.Interaction[WorkshopBot],
        name: Name,
        start: str,
        duration: Duration,
        boards: Boards,
    ) -> None:
        assert interaction.guild_id is not None
        begins = parse_time(start, self._zone, now=self._clock.now())
        await interaction.response.defer(ephemeral=True, thinking=True)
        session, added, removed, created = await self._posters.setup(
            interaction.guild_id,
            interaction.user.id,
            name,
            begins,
            begins + timedelta(minutes=duration),
            boards,
        )
        key = "posters.set_up" if created else "posters.updated"
        text = self._render.t(
            key,
            locale_of(interaction),
            title=one_line(session.title),
            boards=boards,
            added=added,
            removed=removed,
            start=int(session.start.timestamp()),
        )
        await interaction.followup.send(text, ephemeral=True)

    @poster.command(name="claim", description="Claim a poster board (the next free one if none)")
    @app_commands.describe(
        title="Your poster's title",
        session="Which poster session (needed only when there are several)",
        board="The board number (default: the lowest free board)",
        abstract="The abstract (or add it later with the button under the answer)",
        presenter="Organizers: assign the board to this member",
    )
    async def claim(
        self,
        interaction: discord.Interaction[WorkshopBot],
        title: PosterTitle,
        session: PosterSessionOption | None = None,
        board: BoardNumber | None = None,
        abstract: Abstract | None = None,
        presenter: discord.Member | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._session(interaction, session)
        locale = locale_of(interaction)
        # Decided here and now, abstract or not: the form comes after, from the answer's button.
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self._posters.claims.claim(
            interaction.guild_id,
            interaction.user.id,
            target,
            title,
            number=board,
            abstract=abstract,
            presenter_id=presenter.id if presenter is not None else None,
            organizer=member_is_organizer(interaction),
        )
        await interaction.followup.send(
            self._render.claimed(result, target, locale),
            view=self._render.abstract_view(result.board, locale, self._abstract_button),
            ephemeral=True,
        )

    @poster.command(name="release", description="Give your poster board back")
    @app_commands.describe(
        session="Which poster session (needed only when there are several)",
        board="Organizers: release this board, whoever holds it",
    )
    async def release(
        self,
        interaction: discord.Interaction[WorkshopBot],
        session: PosterSessionOption | None = None,
        board: BoardNumber | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._session(interaction, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        released = await self._posters.claims.release(
            interaction.guild_id,
            interaction.user.id,
            target,
            number=board,
            organizer=member_is_organizer(interaction),
        )
        text = self._render.t(
            "posters.released",
            locale_of(interaction),
            board=released.number,
            title=one_line(target.title),
        )
        await interaction.followup.send(text, ephemeral=True)

    @poster.command(name="list", description="Boards, posters, presenters and free boards")
    @app_commands.describe(session="Which poster session (needed only when there are several)")
    async def list_(
        self,
        interaction: discord.Interaction[WorkshopBot],
        session: PosterSessionOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._session(interaction, session)
        embed, view = await self._pages.message(
            interaction.guild_id, target.id, 0, locale_of(interaction)
        )
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @poster.command(name="upload", description="Attach your poster (PDF or image) to your board")
    @app_commands.describe(
        file="The poster: a PDF or an image", session="Which poster session (if several)"
    )
    async def upload(
        self,
        interaction: discord.Interaction[WorkshopBot],
        file: discord.Attachment,
        session: PosterSessionOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        target = await self._session(interaction, session)
        await interaction.response.defer(ephemeral=True, thinking=True)
        board = await self._posters.posts.upload(
            interaction.guild_id,
            interaction.user.id,
            target,
            filename=file.filename,
            content_type=file.content_type,
            size=file.size,
            read=file.read,
            caption=self._render.t("posters.file_caption", None, user=f"<@{interaction.user.id}>"),
        )
        text = self._render.t(
            "posters.uploaded", locale_of(interaction), board=board.number, file=file.filename
        )
        await interaction.followup.send(text, ephemeral=True)
