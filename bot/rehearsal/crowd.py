"""The simulated people of a rehearsal: each planned action (join a session, open a topic room,
claim a poster board, walk to a board, leave) done through the sandbox as a person would, with
the truth of who was where kept as it happens."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from bot.domain.clock import FakeClock
from bot.features.posters import keys as poster_keys
from bot.features.posters.service import PosterService
from bot.features.rooms.service import RoomService
from bot.features.sessions.domain.model import SessionStatus
from bot.features.sessions.service import SessionService
from bot.rehearsal.plan import Action, Plan, Step
from bot.rehearsal.truth import Truth
from bot.sandbox.sandbox import Sandbox

if TYPE_CHECKING:
    from bot.core.bot import WorkshopBot

CHANNEL_MENTION = re.compile(r"<#(\d+)>")


class Crowd:
    """The people's part of `Rehearsal` (which sets these attributes)."""

    bot: WorkshopBot | None
    sb: Sandbox
    clock: FakeClock
    truth: Truth
    guild_id: int
    people: list[int]

    async def _settle(self) -> None:
        raise NotImplementedError

    async def _act(self, batch: list[Action], plan: Plan) -> None:
        moved: dict[int, int | None] = {}
        for action in batch:
            user = self.people[action.person]
            if action.step is Step.CLAIM:
                await self._claim(user, action, plan)
            elif action.step is Step.OPEN_ROOM:
                channel = await self._open_room(user, action.topic or "room")
                if channel is not None:
                    self._join(user, channel, moved)
            elif action.step is Step.LEAVE:
                if user in self.truth.current:
                    self._join(user, None, moved)
            else:
                channel = await self._place(action)
                if channel is not None:
                    self._join(user, channel, moved)
        if moved:
            await self._until_seen(moved)

    def _join(self, user: int, channel: int | None, moved: dict[int, int | None]) -> None:
        current = self.truth.current.get(user)
        if current is not None and current[0] == channel:
            return
        try:
            self.sb.set_voice_state(self.guild_id, user, channel)
        except PermissionError:
            self.truth.refused_joins += 1
            return
        self.truth.moved(user, channel, self.clock.now())
        moved[user] = channel

    async def _until_seen(self, moved: dict[int, int | None]) -> None:
        """Until the bot's cache shows every move (its listeners ran at this simulated time)."""
        bot = self.bot
        assert bot is not None

        def seen() -> bool:
            where = bot.services.gateway.voice_channel_of
            return bot.get_guild(self.guild_id) is not None and all(
                where(self.guild_id, user) == channel for user, channel in moved.items()
            )

        for _ in range(5000):
            if seen():
                break
            await asyncio.sleep(0.001)
        await asyncio.sleep(0)
        await self._settle()

    async def _place(self, action: Action) -> int | None:
        bot = self.bot
        assert bot is not None
        if action.topic is not None:
            for view in await bot.services.get("rooms", RoomService).open_rooms(self.guild_id):
                if view.room.topic == action.topic and view.channel_id is not None:
                    return view.channel_id
            return None
        if action.session_id is None:
            return None
        session = await bot.services.sessions.get_any(action.session_id)
        if session is None or session.status is not SessionStatus.OPEN or session.location:
            return None  # not running, or held elsewhere (Zoom: its channel is a text chat)
        if action.board_of is not None:
            presenter = self.people[action.board_of]
            boards = await bot.services.posters.boards(session)
            number = next((b.number for b in boards if b.presenter_id == presenter), None)
            ids = await bot.services.get("posters", PosterService).places.ids(
                self.guild_id, session.id
            )
            channel = ids.get((number, poster_keys.VOICE)) if number is not None else None
            if channel is not None:
                self.truth.session_of_channel[channel] = session.id
            return channel
        sessions = bot.services.get("sessions", SessionService)
        channels, _ = await sessions.places.discord_ids(self.guild_id)
        channel = channels.get(session.id)
        if channel is not None:
            self.truth.session_of_channel[channel] = session.id
        return channel

    async def _open_room(self, user: int, topic: str) -> int | None:
        result = await self.sb.invoke(
            self.guild_id, user, "room open", options={"topic": topic}, locale="en-US"
        )
        text = await _answer(result)
        found = CHANNEL_MENTION.search(text)
        if found is None:
            self.truth.rooms_refused += 1
            return None
        self.truth.rooms_opened += 1
        return int(found[1])

    async def _claim(self, user: int, action: Action, plan: Plan) -> None:
        name = plan.people[action.person]
        result = await self.sb.invoke(
            self.guild_id,
            user,
            "poster claim",
            options={
                "title": f"{name}'s poster",
                "session": str(action.session_id),
                "abstract": f"What {name} found this year.",
            },
            locale="en-US",
        )
        text = await _answer(result)
        if "Board **#" in text:
            self.truth.claims += 1
        else:
            self.truth.claims_refused += 1

    async def _leave_everyone(self) -> None:
        await asyncio.sleep(0.05)
        await self._settle()


async def _answer(result: Any) -> str:
    if result.response_type == 5:
        await result.wait_followups(1, timeout=30)
        return str(result.followups[0].get("content") or "")
    return str(result.content or "")
