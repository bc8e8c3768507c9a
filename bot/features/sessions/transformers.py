"""Option transformers: `session` (autocomplete by title; numeric id or exact title accepted) and
`day` (autocomplete with the programme's days; a date, `7/1`, or a day number)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.ui import locale_of
from bot.domain.errors import InvalidInput
from bot.domain.text_safety import plain_line
from bot.features.sessions.domain.layout import DayInfo, day_name
from bot.features.sessions.domain.model import Session
from bot.features.sessions.domain.timeparse import local_date
from bot.features.sessions.service import SessionService
from bot.i18n import pick_locale

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

CHOICE_NAME_MAX = 100
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SHORT = re.compile(r"^(\d{1,2})[/-](\d{1,2})$")


def session_label(session: Session, bot: WorkshopBot) -> str:
    local = session.start.astimezone(bot.settings.zone)
    mark = "✖ " if session.cancelled else ""
    when = f" · {local:%m/%d %H:%M}"
    return plain_line(mark + session.title, CHOICE_NAME_MAX - len(when)) + when


def _bot(interaction: discord.Interaction[Any]) -> WorkshopBot:
    client: WorkshopBot = interaction.client
    return client


class SessionTransformer(app_commands.Transformer):
    async def transform(self, interaction: discord.Interaction[Any], value: str) -> Session:
        bot = _bot(interaction)
        assert interaction.guild_id is not None
        sessions = bot.services.get("sessions", SessionService)
        return await sessions.resolve(interaction.guild_id, str(value))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        bot = _bot(interaction)
        if interaction.guild_id is None:
            return []
        found = await bot.services.sessions.search(interaction.guild_id, value, 25)
        return [app_commands.Choice(name=session_label(s, bot), value=str(s.id)) for s in found]


def parse_day(value: str, days: list[date], today: date) -> date:
    text = value.strip()
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _SHORT.match(text):
        year, (month, day) = (
            (days[0].year if days else today.year),
            (int(g) for g in match.groups()),
        )
    elif text.isdigit() and days and 1 <= int(text) <= len(days):
        return days[int(text) - 1]
    else:
        raise InvalidInput("errors.day_unparseable", value=text[:50])
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput("errors.day_unparseable", value=text[:50]) from None


class DayTransformer(app_commands.Transformer):
    async def transform(self, interaction: discord.Interaction[Any], value: str) -> date:
        bot = _bot(interaction)
        assert interaction.guild_id is not None
        days = await bot.services.sessions.days(interaction.guild_id)
        return parse_day(str(value), days, local_date(bot.clock.now(), bot.settings.zone))

    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction[Any], value: str
    ) -> list[app_commands.Choice[str]]:
        bot = _bot(interaction)
        if interaction.guild_id is None:
            return []
        locale = pick_locale(locale_of(interaction), bot.settings.locale)
        days = await bot.services.sessions.days(interaction.guild_id)
        choices = []
        for number, day in enumerate(days, start=1):
            name = day_name(DayInfo(number=number, date=day, weekday=day.weekday()), locale)
            if value.lower() in name.lower() or value in day.isoformat():
                choices.append(app_commands.Choice(name=name, value=day.isoformat()))
        return choices[:25]


SessionOption = app_commands.Transform[Session, SessionTransformer]
DayOption = app_commands.Transform[date, DayTransformer]
