"""The posters feature: boards of poster sessions, claims, abstracts and poster files, a voice
channel per board, converged from the database; the board summary the live room board shows."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.core.bus import SessionChanged
from bot.core.feature import Core, Feature
from bot.core.ratelimit import POSTER_BOARD, MemberLimits
from bot.core.reconcile import Converge, Repair
from bot.domain.ratelimit import Rule
from bot.domain.text_safety import plain_line
from bot.features.posters.abstract import AbstractButton
from bot.features.posters.budget_repo import BudgetRepository
from bot.features.posters.cog import PosterCog
from bot.features.posters.domain.boards import PosterBoard
from bot.features.posters.keys import PREFIXES
from bot.features.posters.places import PosterPlaces, PosterPlacesConfig
from bot.features.posters.render import PosterRender
from bot.features.posters.repo import PosterRepository
from bot.features.posters.service import PosterService
from bot.features.posters.views import PosterPages
from bot.features.sessions.domain.model import Session
from bot.features.sessions.keys import PREFIXES as SESSION_PREFIXES
from bot.features.sessions.service import SessionService
from bot.store.member_action_repo import MemberActionRepository
from bot.store.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

PROBLEM = "posters"
WHAT = "problems.what.posters"


def wire(core: Core) -> Feature:
    settings = core.settings
    # Board voice channels appear shortly before the start: the budget counts them already.
    core.budget.promise(BudgetRepository(core.db).promised_channels)
    limits = MemberLimits(
        MemberActionRepository(core.db),
        core.clock,
        {
            POSTER_BOARD: Rule(
                settings.posters.changes_per_window,
                timedelta(minutes=settings.posters.changes_window_minutes),
                "errors.poster_changes_rate",
            )
        },
    )

    def category_name(session: Session, part: int) -> str:
        name = core.text("posters.category", title=plain_line(session.title, 80))
        return name[:100] if part == 1 else f"{name[:94]} ({part})"

    render = PosterRender(core.catalog)

    def post_message(board: PosterBoard) -> tuple[discord.Embed, discord.ui.View]:
        # A post's first message carries the abstract button of this bot (bound below, once the
        # service it calls exists; a post is only opened after wiring).
        return render.post_message(board, abstract_button)

    places = PosterPlaces(
        core.gateway,
        core.objects,
        core.clock,
        PosterPlacesConfig(
            prepare=timedelta(minutes=settings.posters.prepare_minutes),
            organizer_roles=settings.organizer_roles,
            category_name=category_name,
            post_message=post_message,
        ),
        gate=core.gate,
    )
    posters = PosterService(
        UnitOfWork(core.db),
        PosterRepository(core.db),
        core.services.get("sessions", SessionService),
        places,
        core.jobs,
        core.gateway,
        core.audit,
        core.clock,
        objects=core.objects,
        per_presenter=settings.posters.boards_per_presenter,
        poke=core.scheduler.poke,
        problems=core.problems,
        budget=core.budget,
        limits=limits,
        bus=core.bus,
    )
    abstract_button = AbstractButton.bound(posters, core.catalog)
    pages = PosterPages(posters, render)

    def cog(client: WorkshopBot) -> PosterCog:
        return PosterCog(
            client,
            posters,
            render,
            pages,
            abstract_button,
            zone=settings.zone,
            clock=core.clock,
        )

    core.bus.subscribe(SessionChanged, lambda event: posters.touch(event.guild_id))

    async def object_gone(guild_id: int, purpose: str, discord_id: int) -> None:
        await posters.object_gone(guild_id, purpose, discord_id)

    async def converge(guild_id: int, purpose: str, discord_id: int) -> None:
        await posters.converge(guild_id)  # a session's forum came back: its posts too

    return Feature(
        name="posters",
        cogs=(cog,),
        dynamic_items=(pages.button, abstract_button),
        jobs=posters.jobs(),
        converge=(Converge(posters.converge, PROBLEM, WHAT),),
        repairs=(
            Repair(converge, SESSION_PREFIXES, PROBLEM, WHAT),
            Repair(object_gone, PREFIXES, PROBLEM, WHAT),
        ),
        stop=(posters.stop,),
        exposes={"posters": posters},
    )
