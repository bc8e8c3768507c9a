"""The rehearsal's chairs, check-ins, time signals and questions.

A few sessions get a chair and speakers from the simulated people (through `/session edit`, as
an organizer would; every prompt goes by DM: the #backstage path is tested end to end in
tests/features/qa, and a refused DM would count as a rejected request here). When the prompts go out
most press I'm here at once, a few only after the T-5 notice (late), one never (missing). While a
session runs, attendees ask questions and upvote others. The summary compares what the bot
stored and posted with the simulator's own count.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.features.sessions.domain.model import Session, SessionKind

if TYPE_CHECKING:
    from bot.rehearsal.runner import Rehearsal

LATE_AFTER = timedelta(minutes=6)  # before the start: after the T-5 notice
RUN_SESSIONS = 4


@dataclass
class QaTruth:
    people: dict[int, list[int]] = field(default_factory=dict)  # session -> chair + speakers
    on_time: set[tuple[int, int]] = field(default_factory=set)
    late: set[tuple[int, int]] = field(default_factory=set)
    missing: set[tuple[int, int]] = field(default_factory=set)
    checked: set[tuple[int, int]] = field(default_factory=set)
    questions: Counter[int] = field(default_factory=Counter)
    votes: Counter[int] = field(default_factory=Counter)  # question id -> upvotes
    asked: set[int] = field(default_factory=set)  # sessions whose questions were asked
    voted: set[int] = field(default_factory=set)


class QaRehearsal:
    def __init__(self, rehearsal: Rehearsal, seed: int) -> None:
        self.r = rehearsal
        self.rng = random.Random(seed * 17 + 1)
        self.truth = QaTruth()
        self.sessions: list[Session] = []

    async def prepare(self, sessions: list[Session]) -> None:
        """Chairs and speakers for the first talks and keynotes (3 people each)."""
        chosen = [
            s
            for s in sessions
            if s.kind in (SessionKind.TALK, SessionKind.KEYNOTE) and not s.location
        ][:RUN_SESSIONS]
        people = list(self.r.people)
        self.rng.shuffle(people)
        sb = self.r.sb
        for index, session in enumerate(chosen):
            crew = people[index * 3 : index * 3 + 3]
            if len(crew) < 3:
                break
            result = await sb.invoke(
                self.r.guild_id,
                self.r.organizer_id,
                "session edit",
                options={
                    "session": str(session.id),
                    "chair": crew[0],
                    "speakers": " ".join(f"<@{u}>" for u in crew[1:]),
                },
            )
            if result.response_type == 5:
                await result.wait_followups(1, timeout=30)
            self.truth.people[session.id] = crew
            self.sessions.append(session)
            for user in crew:
                self.truth.on_time.add((session.id, user))
        pairs = sorted(self.truth.on_time)
        if pairs:
            gone = pairs[-1]
            self.truth.on_time.discard(gone)
            self.truth.missing.add(gone)
            for pair in pairs[:-1][1::4]:  # every fourth is late
                self.truth.on_time.discard(pair)
                self.truth.late.add(pair)

    def next_moment(self, now: datetime) -> datetime | None:
        """When the simulation acts next (late check-ins, questions)."""
        moments = []
        for session in self.sessions:
            for at in (
                session.start - LATE_AFTER + timedelta(minutes=2),
                session.start + timedelta(minutes=10),
            ):
                if at > now:
                    moments.append(at)
        return min(moments, default=None)

    async def step(self, now: datetime) -> None:
        for session in self.sessions:
            await self._check_in(session, now)
            if session.start + timedelta(minutes=10) <= now < session.end:
                await self._ask_and_vote(session)

    # -- check-in ------------------------------------------------------------------------------

    def _prompts(self, user: int) -> list[dict]:  # type: ignore[type-arg]
        found = [m for m in self.r.sb.dms(user) if m.get("components")]
        backstage = next(
            (
                c
                for c in self.r.sb.channels(self.r.guild_id)
                if c["name"] in ("backstage", "バックステージ")
            ),
            None,
        )
        if backstage is not None:
            found += [
                m
                for m in self.r.sb.messages(int(backstage["id"]))
                if m.get("components") and any(int(u["id"]) == user for u in m["mentions"])
            ]
        return found

    async def _check_in(self, session: Session, now: datetime) -> None:
        for user in self.truth.people.get(session.id, []):
            pair = (session.id, user)
            if pair in self.truth.checked or pair in self.truth.missing:
                continue
            if pair in self.truth.late and now < session.start - timedelta(minutes=4):
                continue
            custom = f"qa:here:{session.id}"
            prompt = next(
                (
                    m
                    for m in self._prompts(user)
                    if m["components"][0]["components"][0]["custom_id"] == custom
                ),
                None,
            )
            if prompt is None:
                continue
            await self.r.sb.click(self.r.guild_id, user, int(prompt["id"]), custom)
            self.truth.checked.add(pair)

    # -- questions -----------------------------------------------------------------------------

    async def _ask_and_vote(self, session: Session) -> None:
        sb = self.r.sb
        if session.id not in self.truth.asked:
            self.truth.asked.add(session.id)
            askers = self.rng.sample(self.r.people, min(4, len(self.r.people)))
            for user in askers:
                result = await sb.invoke(
                    self.r.guild_id,
                    user,
                    "ask",
                    options={"question": f"Q from {user % 1000}?", "session": str(session.id)},
                )
                if result.response_type == 5:
                    await result.wait_followups(1, timeout=30)
                    if "posted" in str(result.followups[0].get("content")):
                        self.truth.questions[session.id] += 1
            return
        if session.id in self.truth.voted:
            return
        self.truth.voted.add(session.id)
        bot = self.r.bot
        assert bot is not None
        for question in await bot.services.qa.listing(session, moderator=True):
            if question.message_id is None or question.channel_id is None:
                continue
            voters = [u for u in self.r.people if u != question.author_id]
            for user in self.rng.sample(voters, min(len(voters), self.rng.randint(0, 6))):
                await sb.click(self.r.guild_id, user, question.message_id, f"qa:up:{question.id}")
                self.truth.votes[question.id] += 1

    # -- the summary ---------------------------------------------------------------------------

    def _in_voice(self, session: Session) -> set[int]:
        """The session's people who were in its voice channel from the prompt to its end."""
        bot = self.r.bot
        assert bot is not None
        crew = set(self.truth.people.get(session.id, []))
        opens = session.start - timedelta(minutes=bot.settings.sessions.checkin_minutes + 5)
        truth = self.r.truth
        return {
            user
            for user, channel, joined, left in truth.intervals
            if user in crew
            and truth.session_of_channel.get(channel) == session.id
            and joined < session.end
            and left > opens
        }

    async def summary(self) -> tuple[list[str], bool]:
        from bot.rehearsal.summary import fit  # the summary imports this module's caller

        bot = self.r.bot
        assert bot is not None
        lines: list[str] = []
        ok = True
        for session in self.sessions:
            rows = await bot.db.fetch_all(
                "SELECT user_id, checked_in_at IS NOT NULL FROM checkins WHERE session_id = ?",
                (session.id,),
            )
            stored = {int(r[0]) for r in rows if r[1]}
            expected = {u for (sid, u) in self.truth.checked if sid == session.id}
            expected |= self._in_voice(session)  # joining the session's voice checks in too
            late = await bot.db.fetch_value(
                "SELECT count(*) FROM qa_notices WHERE session_id = ? AND kind = 'late'",
                (session.id,),
            )
            signals = await bot.db.fetch_value(
                "SELECT count(*) FROM qa_notices WHERE session_id = ? AND kind = 'signal'",
                (session.id,),
            )
            questions = await bot.db.fetch_all(
                "SELECT id, votes FROM questions WHERE session_id = ?", (session.id,)
            )
            votes_ok = all(self.truth.votes[int(q[0])] == int(q[1]) for q in questions)
            asked_ok = len(questions) == self.truth.questions[session.id]
            now = self.r.clock.now()  # a rehearsal stopped early (--until) expects only what came
            want_signals = sum(
                1
                for m in bot.settings.sessions.time_signals
                if session.end - timedelta(minutes=m) <= now
            )
            want_late = int(now >= session.start - timedelta(minutes=5))
            good = stored == expected and late == want_late and signals == want_signals
            good = good and votes_ok and asked_ok
            ok = ok and good
            crew = len(self.truth.people[session.id])
            lines.append(
                f"  {fit(session.title, 40)} check-in {len(stored)}/{crew}"
                f" (late {sum(1 for p in self.truth.late if p[0] == session.id)},"
                f" missing {sum(1 for p in self.truth.missing if p[0] == session.id)})"
                f" · signals {signals} · questions {len(questions)}"
                f" · votes {sum(int(q[1]) for q in questions)} {'✓' if good else '✗'}"
            )
        return lines, ok
