"""qa: posting and editing question cards in a session's chat, edits coalesced per channel.

Discord limits message edits per channel (a few per 5 s), and 200 people upvoting 20 questions
within seconds would be thousands of edits. A vote only marks its card dirty; one worker per
channel edits the dirty cards one at a time, at most one edit every `spacing` seconds, each
showing the count of that moment (so 50 votes on one card between two edits cost one edit).
What a card shows is recorded after each edit: cards that lag after a restart are found and
edited again (`QuestionCards.catch_up`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import discord

from bot.features.qa.domain import Question
from bot.features.qa.repo import QuestionRepository
from bot.gateway.base import translate_errors

log = logging.getLogger(__name__)

ViewOf = Callable[[Question], discord.ui.View | None]
EmbedOf = Callable[[Question], discord.Embed]


class QuestionCards:
    def __init__(
        self,
        client: discord.Client,
        repo: QuestionRepository,
        *,
        embed: EmbedOf,
        view: ViewOf,
        spacing: float,
    ) -> None:
        self._client = client
        self._repo = repo
        self._embed = embed
        self._view = view
        self.spacing = spacing
        self._dirty: dict[int, dict[int, None]] = {}  # channel -> question ids (ordered)
        self._workers: dict[int, asyncio.Task[None]] = {}
        self.edits = 0  # card edits issued (the bench reads it)

    @translate_errors
    async def post(self, channel_id: int, question: Question) -> int:
        channel = self._client.get_partial_messageable(channel_id)
        message = await channel.send(
            embed=self._embed(question),
            view=self._view(question) or discord.utils.MISSING,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await self._repo.set_card(
            question.id, channel_id, message.id, question.votes, question.state.value
        )
        return message.id

    def touch(self, question: Question) -> None:
        """The card of `question` should show its count and state again (soon, coalesced)."""
        if question.channel_id is None or question.message_id is None:
            return
        self._dirty.setdefault(question.channel_id, {})[question.id] = None
        worker = self._workers.get(question.channel_id)
        if worker is None or worker.done():
            self._workers[question.channel_id] = asyncio.create_task(
                self._work(question.channel_id), name=f"qa cards {question.channel_id}"
            )

    async def _work(self, channel_id: int) -> None:
        dirty = self._dirty.setdefault(channel_id, {})
        while dirty:
            question_id = next(iter(dirty))
            del dirty[question_id]
            try:
                await self._edit(question_id)
            except Exception:  # a card that cannot be edited now is caught up at the next start
                log.warning("question %s: its card could not be edited", question_id)
            await asyncio.sleep(self.spacing)

    async def _edit(self, question_id: int) -> None:
        question = await self._repo.get(question_id)
        if question is None or question.channel_id is None or question.message_id is None:
            return
        if not question.card_lags:
            return
        message = self._client.get_partial_messageable(question.channel_id).get_partial_message(
            question.message_id
        )
        try:
            await message.edit(embed=self._embed(question), view=self._view(question))
        except discord.NotFound:
            await self._repo.card_shown(question.id, question.votes, question.state.value)
            return
        self.edits += 1
        await self._repo.card_shown(question.id, question.votes, question.state.value)

    async def catch_up(self, guild_id: int) -> None:
        """After a start: every card that shows another count or state than stored."""
        for question in await self._repo.lagging_cards():
            if question.guild_id == guild_id:
                self.touch(question)

    async def settled(self) -> None:
        """Until every dirty card was edited (tests, the bench)."""
        while any(not w.done() for w in self._workers.values()):
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def stop(self) -> None:
        for worker in self._workers.values():
            worker.cancel()
        for worker in self._workers.values():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker
