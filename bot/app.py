"""`build_bot(settings)`: the core and the list of features, in the order they are wired (a
feature may use what the ones before it expose)."""

from __future__ import annotations

from bot.core.bot import Wire, WorkshopBot
from bot.domain.clock import Clock, SystemClock
from bot.features.agenda.wire import wire as agenda
from bot.features.attendance.wire import wire as attendance
from bot.features.breakouts.wire import wire as breakouts
from bot.features.feedback.wire import wire as feedback
from bot.features.help.wire import wire as help_guide
from bot.features.posters.wire import wire as posters
from bot.features.qa.wire import wire as qa
from bot.features.registration.wire import wire as registration
from bot.features.rooms.wire import wire as rooms
from bot.features.sessions.wire import wire as sessions
from bot.features.structure.wire import wire as structure
from bot.features.wrapup.wire import wire as wrapup
from bot.gateway import point_client_at
from bot.i18n import Catalog
from bot.settings import Settings
from bot.store.db import Database

FEATURES: tuple[Wire, ...] = (
    structure,
    sessions,
    posters,
    rooms,
    attendance,
    agenda,
    breakouts,
    help_guide,
    registration,
    qa,  # before feedback and wrap-up: they read its questions
    feedback,
    wrapup,  # last: its archive holds the files of every feature before it
)


def build_bot(
    settings: Settings, *, clock: Clock | None = None, guild_ready_timeout: float = 2.0
) -> WorkshopBot:
    """The bot with everything wired. `guild_ready_timeout`: how long discord.py waits for the
    guilds after READY (tests and rehearsals against the sandbox pass a small value)."""
    point_client_at(settings.discord_api_base, settings.discord_gateway_url)
    catalog = Catalog.load(default_locale=settings.locale)
    return WorkshopBot(
        settings,
        clock=clock or SystemClock(),
        db=Database(settings.database),
        catalog=catalog,
        features=FEATURES,
        guild_ready_timeout=guild_ready_timeout,
    )
