"""#welcome: the channel (public even behind the gate), its message in the workshop's language
with the other one below, the Register button and the onboarding buttons, and their answers.

The message is kept like the lobby's board: its row is written before Discord is asked
(pending) and after (live); a message deleted by hand is posted again at the next setup or
start; a post a crash interrupted is found again (the bot's own message in the channel)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

import discord

from bot.core.gate import Gate
from bot.core.owned import ChannelWish, Outcome, OwnedChannels
from bot.domain.clock import Clock
from bot.domain.organizers import configured_role_ids
from bot.domain.permissions import Perm
from bot.domain.ports import ChannelPort
from bot.domain.structure import (
    ChannelKind,
    ItemKind,
    OverwriteSpec,
    Target,
    resolve_overwrites,
)
from bot.features.registration.keys import WELCOME, WELCOME_MESSAGE
from bot.features.registration.render import RegistrationRender
from bot.store.structure_repo import StructureRepository

UPCOMING = 5

_WELCOME_OVERWRITES = (
    OverwriteSpec(
        target=Target.EVERYONE,
        allow=Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY,
        deny=Perm.SEND_MESSAGES | Perm.SEND_MESSAGES_IN_THREADS | Perm.CREATE_PUBLIC_THREADS,
    ),
    OverwriteSpec(
        target=Target.ORGANIZERS, allow=Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.ATTACH_FILES
    ),
    OverwriteSpec(
        target=Target.BOT,
        allow=Perm.VIEW_CHANNEL
        | Perm.SEND_MESSAGES
        | Perm.EMBED_LINKS
        | Perm.ATTACH_FILES
        | Perm.READ_MESSAGE_HISTORY,
    ),
)


class WelcomePort(ChannelPort, Protocol):
    def roles(self, guild_id: int) -> list[tuple[int, str]]: ...

    async def post_board(
        self, channel_id: int, embed: discord.Embed, view: discord.ui.View
    ) -> int: ...

    async def message_exists(self, channel_id: int, message_id: int) -> bool: ...

    async def find_own_message(self, channel_id: int) -> int | None: ...


class Programme(Protocol):
    """What the onboarding asks of the sessions feature."""

    async def now_and_next(
        self, guild_id: int, now: datetime
    ) -> tuple[list[tuple[str, datetime, int | None]], list[tuple[str, datetime, int | None]]]: ...


@runtime_checkable
class Agenda(Protocol):
    """What the *My agenda* button asks of the agenda feature (`agenda`), when present."""

    async def agenda_sessions(self, guild_id: int, user_id: int) -> Sequence[object]: ...


class Welcome:
    def __init__(
        self,
        port: WelcomePort,
        objects: StructureRepository,
        clock: Clock,
        render: RegistrationRender,
        *,
        gate: Gate,
        organizer_roles: Sequence[str],
        names: Callable[[str], str],
        view: Callable[[], discord.ui.View],
    ) -> None:
        self._port = port
        self._objects = objects
        self._clock = clock
        self._render = render
        self._channels = OwnedChannels(port, objects, clock, gate=gate)
        self._organizer_roles = tuple(organizer_roles)
        self._names = names
        self._view = view

    async def ensure(
        self, guild_id: int, *, verify: bool = False
    ) -> list[tuple[str, Outcome, int]]:
        organizers, _ = configured_role_ids(self._organizer_roles, self._port.roles(guild_id))
        overwrites = resolve_overwrites(
            _WELCOME_OVERWRITES,
            everyone_role_id=guild_id,
            organizer_role_ids=organizers,
            bot_user_id=self._port.bot_user_id,
        )
        outcome, channel_id = await self._channels.ensure(
            guild_id,
            ChannelWish(
                purpose=WELCOME,
                kind=ChannelKind.TEXT,
                name=self._names("registration.welcome_channel"),
                parent_id=None,
                parent_purpose=None,
                overwrites=tuple(overwrites),
                topic=self._names("registration.welcome_topic"),
                public=True,
            ),
            "registration: #welcome",
        )
        fresh = outcome in (Outcome.CREATED, Outcome.RECREATED)
        posted = await self._ensure_message(guild_id, channel_id, fresh=fresh, verify=verify)
        return [(WELCOME, outcome, channel_id), (WELCOME_MESSAGE, *posted)]

    async def _ensure_message(
        self, guild_id: int, channel_id: int, *, fresh: bool, verify: bool
    ) -> tuple[Outcome, int]:
        item = await self._objects.get(guild_id, WELCOME_MESSAGE)
        if (
            item is not None
            and item.discord_id is not None
            and not fresh
            and (not verify or await self._port.message_exists(channel_id, item.discord_id))
        ):
            return Outcome.FOUND, item.discord_id
        if item is not None and item.pending and not fresh:
            adopted = await self._port.find_own_message(channel_id)
            if adopted is not None:
                await self._objects.record(guild_id, WELCOME_MESSAGE, adopted, self._clock.now())
                return Outcome.ADOPTED, adopted
        outcome = Outcome.CREATED if item is None else Outcome.RECREATED
        await self._objects.intend(
            guild_id, WELCOME_MESSAGE, ItemKind.MESSAGE, WELCOME, self._clock.now()
        )
        message_id = await self._port.post_board(channel_id, self._render.welcome(), self._view())
        await self._objects.record(guild_id, WELCOME_MESSAGE, message_id, self._clock.now())
        return outcome, message_id


class OnboardingAnswers:
    """The answers of the onboarding buttons, in the reader's language."""

    def __init__(
        self,
        render: RegistrationRender,
        clock: Clock,
        *,
        programme: Programme | None,
        agenda: Callable[[], Agenda | None],
    ) -> None:
        self._render = render
        self._clock = clock
        self._programme = programme
        self._agenda = agenda

    async def answer(
        self, topic: str, guild_id: int, user_id: int, locale: str
    ) -> tuple[str | None, discord.Embed | None]:
        t = self._render.t
        if topic == "rooms":
            return t("rooms_guide", locale), None
        if topic == "now":
            if self._programme is None:
                return t("now_more", locale), None
            running, upcoming = await self._programme.now_and_next(guild_id, self._clock.now())
            return None, self._render.now(running, upcoming, locale)
        agenda = self._agenda()
        if agenda is None:
            return t("agenda_hint", locale), None
        sessions = await agenda.agenda_sessions(guild_id, user_id)
        items: list[tuple[str, datetime]] = []
        for session in sessions:
            start = getattr(session, "start", None)
            if isinstance(start, datetime) and start >= self._clock.now():
                items.append((str(getattr(session, "title", "")), start))
        return None, self._render.agenda(items, locale)
