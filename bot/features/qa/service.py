"""qa: the use cases of questions (ask, upvote, answer, hide, reveal, list, CSV) and the
session they belong to (which session a person means, who may moderate it)."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound, NotOrganizer
from bot.domain.text_safety import one_line
from bot.features.qa.cards import QuestionCards
from bot.features.qa.domain import (
    Question,
    QuestionState,
    check_quota,
    check_window,
    clean_question,
    ranked,
)
from bot.features.qa.render import questions_csv
from bot.features.qa.repo import QuestionRepository
from bot.features.sessions.domain.model import Session, SessionKind, SessionStatus, may_chair
from bot.features.sessions.service import SessionService
from bot.store.audit_repo import AuditRepository


class QuestionService:
    def __init__(
        self,
        repo: QuestionRepository,
        sessions: SessionService,
        cards: QuestionCards,
        audit: AuditRepository,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._sessions = sessions
        self.cards = cards
        self._audit = audit
        self._clock = clock
        self._asking: defaultdict[tuple[int, int], asyncio.Lock] = defaultdict(asyncio.Lock)

    # -- which session -------------------------------------------------------------------------

    async def session_here(
        self, guild_id: int, channel_id: int | None, voice_channel_id: int | None
    ) -> Session:
        """The session whose channel this is; else the running one the person is in voice for;
        else refused, saying how to pick one."""
        channels, _ = await self._sessions.places.discord_ids(guild_id)
        by_channel = {cid: sid for sid, cid in channels.items()}
        now = self._clock.now()
        if channel_id is not None and channel_id in by_channel:
            return await self._sessions.get(guild_id, by_channel[channel_id])
        if voice_channel_id is not None and voice_channel_id in by_channel:
            session = await self._sessions.get(guild_id, by_channel[voice_channel_id])
            if session.is_running(now) or session.status is SessionStatus.OPEN:
                return session
        raise InvalidInput("qa.which_session")

    # -- asking --------------------------------------------------------------------------------

    async def ask(
        self, session: Session, author_id: int, text: str, *, anonymous: bool
    ) -> Question:
        """Keep the question and post its card in the session's chat."""
        cleaned = clean_question(text)
        title = one_line(session.title, 100)
        if session.cancelled:
            raise InvalidInput("qa.session_cancelled", title=title)
        now = self._clock.now()
        check_window(session.start, session.end, now, title=title)
        channel_id = await self._sessions.places.channel_id(session.id, session.guild_id)
        if channel_id is None or session.kind is SessionKind.POSTER:  # a forum: no chat
            raise InvalidInput("qa.no_chat", title=title)
        async with self._asking[(session.id, author_id)]:  # the quota holds under double clicks
            check_quota(await self._repo.count_by(session.id, author_id), title=title)
            question_id = await self._repo.add(
                session.guild_id, session.id, author_id, cleaned, anonymous, now
            )
        question = await self._get(question_id)
        await self.cards.post(channel_id, question)
        return await self._get(question_id)

    async def _get(self, question_id: int) -> Question:
        question = await self._repo.get(question_id)
        if question is None:
            raise NotFound("qa.question_gone")
        return question

    # -- a card's buttons ----------------------------------------------------------------------

    async def _live(self, guild_id: int, question_id: int) -> tuple[Question, Session]:
        question = await self._repo.get(question_id)
        if question is None or question.guild_id != guild_id:
            raise NotFound("qa.question_gone")
        session = await self._sessions.get_any(question.session_id)
        if session is None:
            raise NotFound("qa.question_gone")
        return question, session

    async def upvote(self, guild_id: int, question_id: int, user_id: int) -> tuple[bool, int]:
        """Vote, or take one's vote back (click again). (voted now, the count)."""
        question, session = await self._live(guild_id, question_id)
        title = one_line(session.title, 100)
        if session.cancelled:
            raise InvalidInput("qa.session_cancelled", title=title)
        if self._clock.now() >= session.end or session.status is SessionStatus.CLOSED:
            raise InvalidInput("qa.closed", title=title)
        if question.state is QuestionState.HIDDEN:
            raise InvalidInput("qa.question_hidden")
        if question.author_id == user_id:
            raise InvalidInput("qa.own_question")
        voted, count = await self._repo.toggle_vote(question_id, user_id, self._clock.now())
        self.cards.touch(await self._get(question_id))
        return voted, count

    async def moderate(
        self,
        guild_id: int,
        question_id: int,
        actor_id: int,
        state: QuestionState,
        *,
        is_organizer: bool,
    ) -> Question:
        """Answered / Hide (pressed again: back to open). Organizers and the session's chair."""
        question, session = await self._live(guild_id, question_id)
        if not may_chair(session, actor_id, is_organizer):
            raise NotOrganizer("qa.not_chair", title=one_line(session.title, 100))
        target = QuestionState.OPEN if question.state is state else state
        await self._repo.set_state(question_id, target, self._clock.now())
        await self._audit.add(
            guild_id,
            actor_id,
            f"qa.{target.value}",
            {"question": question_id, "session": session.id},
            self._clock.now(),
        )
        updated = await self._get(question_id)
        self.cards.touch(updated)
        return updated

    async def reveal(
        self, guild_id: int, question_id: int, actor_id: int, *, is_organizer: bool
    ) -> int:
        """The author of an anonymous question, for an organizer who must moderate it; written
        to the audit log."""
        question, _ = await self._live(guild_id, question_id)
        if not is_organizer:
            raise NotOrganizer()
        await self._audit.add(
            guild_id, actor_id, "qa.reveal", {"question": question_id}, self._clock.now()
        )
        return question.author_id

    # -- reading -------------------------------------------------------------------------------

    async def listing(self, session: Session, *, moderator: bool) -> list[Question]:
        """Most upvoted first, then oldest; hidden ones only for moderators."""
        questions = await self._repo.of_session(session.id)
        if not moderator:
            questions = [q for q in questions if q.state is not QuestionState.HIDDEN]
        return ranked(questions)

    async def questions_csv(self, guild_id: int, session_id: int | None = None) -> bytes:
        """A session's questions (or the whole event's) as CSV: session_id, question_id, text,
        votes, state, asked_at, author_id (empty for anonymous questions)."""
        if session_id is None:
            questions = await self._repo.of_guild(guild_id)
        else:
            questions = [q for q in await self._repo.of_session(session_id)]
            questions = [q for q in questions if q.guild_id == guild_id]
        return questions_csv(questions)

    async def archive_file(self, guild_id: int) -> tuple[bytes, int]:
        """The wrap-up archive's questions.csv: (bytes, rows)."""
        count = len(await self._repo.of_guild(guild_id))
        return await self.questions_csv(guild_id), count

    # -- personal data (forget-me) -------------------------------------------------------------

    async def count_questions(self, guild_id: int, user_id: int) -> int:
        return await self._repo.count_questions(guild_id, user_id)

    async def forget_questions(self, guild_id: int, user_id: int) -> int:
        return await self._repo.forget_questions(guild_id, user_id)

    async def count_votes(self, guild_id: int, user_id: int) -> int:
        return await self._repo.count_votes(guild_id, user_id)

    async def forget_votes(self, guild_id: int, user_id: int) -> int:
        touched = await self._repo.forget_votes(guild_id, user_id)
        for question_id in touched:
            question = await self._repo.get(question_id)
            if question is not None:
                self.cards.touch(question)  # the card shows the new count
        return len(touched)
