"""The rehearsal's breakouts and hallway: on each day the first session with a voice channel
and at least 30 minutes runs a 10-minute breakout into 3 rooms, 10 minutes after its start (the
organizer types `/breakout start`; the bot's own job calls everyone back); a few attendees ask
`/hallway` during the breaks. The summary checks, from the bot's database and the sandbox, that
everyone in the session's channel was moved out, that everyone still in a room at the end was
moved back, and that no breakout room outlived its time."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.features.sessions.domain.model import Session, SessionKind

if TYPE_CHECKING:
    from bot.rehearsal.runner import Rehearsal

AFTER_START = timedelta(minutes=10)
MINUTES = 10
ROOMS = 3
HALLWAY_PEOPLE = 3
_VOICE_KINDS = (SessionKind.TALK, SessionKind.DISCUSSION, SessionKind.PANEL, SessionKind.SOCIAL)


@dataclass
class Planned:
    session_id: int
    at: datetime
    done: bool = False
    started: bool = False
    breakout_id: int | None = None
    present: int = 0  # people in the session's channel when it started


@dataclass
class BreakoutRehearsal:
    rehearsal: Rehearsal
    seed: int
    planned: list[Planned] = field(default_factory=list)
    hallway_at: list[datetime] = field(default_factory=list)
    hallway: dict[str, int] = field(default_factory=dict)  # outcome -> count
    outlived: list[str] = field(default_factory=list)

    def plan(self, sessions: list[Session], zone: ZoneInfo) -> None:
        days: set[object] = set()
        for session in sorted(sessions, key=lambda s: (s.start, s.id)):
            day = session.start.astimezone(zone).date()
            long_enough = session.end - session.start >= timedelta(minutes=30)
            usable = session.kind in _VOICE_KINDS and session.location is None and long_enough
            if day in days or not usable or session.cancelled:
                continue
            days.add(day)
            self.planned.append(Planned(session.id, session.start + AFTER_START))
            self.hallway_at.append(session.start - timedelta(minutes=5))

    def next_at(self) -> datetime | None:
        times = [p.at for p in self.planned if not p.done]
        times += self.hallway_at
        return min(times) if times else None

    async def step(self) -> None:
        """Run what is due now: breakout starts, hallway walks; then check the rooms' times."""
        now = self.rehearsal.clock.now()
        for planned in self.planned:
            if not planned.done and planned.at <= now:
                planned.done = True
                await self._start(planned)
        while self.hallway_at and self.hallway_at[0] <= now:
            self.hallway_at.pop(0)
            await self._walk()
        await self._check_rooms()

    async def _start(self, planned: Planned) -> None:
        r = self.rehearsal
        bot = r.bot
        assert bot is not None
        channels, _ = await bot.services.sessions.places.discord_ids(r.guild_id)
        home = channels.get(planned.session_id)
        if home is not None:
            planned.present = len(bot.services.gateway.members_in(r.guild_id, home))
        result = await r.sb.invoke(
            r.guild_id,
            r.organizer_id,
            "breakout start",
            options={"rooms": ROOMS, "minutes": MINUTES, "session": str(planned.session_id)},
            locale="en-US",
        )
        if result.response_type == 5:
            await result.wait_followups(1, timeout=60)
            text = str(result.followups[0].get("content") or "")
        else:
            text = str(result.content or "")
        running = await bot.services.breakouts.running_of(planned.session_id)
        planned.started = running is not None
        planned.breakout_id = running.id if running is not None else None
        r.say(f"{r.stamp()}  {r.text('breakouts.started', answer=text.splitlines()[0][:120])}")
        await r._settle()

    async def _walk(self) -> None:
        r = self.rehearsal
        rng = random.Random(f"{self.seed}:{len(self.hallway)}:{r.clock.now().isoformat()}")
        for user in rng.sample(r.people, min(HALLWAY_PEOPLE, len(r.people))):
            result = await r.sb.invoke(r.guild_id, user, "hallway", locale="en-US")
            await result.wait_followups(1, timeout=30)
            text = str(result.followups[0].get("content") or "")
            outcome = "moved" if "You are in" in text else "link" if "join them" in text else "none"
            self.hallway[outcome] = self.hallway.get(outcome, 0) + 1
            if outcome == "moved":
                channel = (
                    r.bot.services.gateway.voice_channel_of(r.guild_id, user) if r.bot else None
                )
                if channel is not None:
                    r.truth.moved(user, channel, r.clock.now())

    async def _check_rooms(self) -> None:
        r = self.rehearsal
        now = r.clock.now()
        bot = r.bot
        assert bot is not None
        for planned in self.planned:
            if planned.breakout_id is None:
                continue
            breakout = await bot.services.breakouts.running_of(planned.session_id)
            if breakout is None or breakout.ends_at > now:
                continue
            # Past its end and still running: the end job did not run when it was due.
            self.outlived.append(f"breakout {breakout.id} (ends {breakout.ends_at:%H:%M})")
        leftovers = [
            c["name"]
            for c in r.sb.channels(r.guild_id)
            if c["type"] == 2 and c["name"].startswith("Breakout ")
        ]
        if leftovers and not any(
            p.breakout_id is not None and p.at + timedelta(minutes=MINUTES) > now
            for p in self.planned
        ):
            self.outlived.extend(name for name in leftovers if name not in self.outlived)

    async def summary(self) -> tuple[list[str], bool]:
        """Lines for the summary, and whether everything checked out."""
        r = self.rehearsal
        bot = r.bot
        assert bot is not None
        t = r.text
        lines = ["", t("breakouts.heading")]
        ok = True
        for planned in self.planned:
            if planned.breakout_id is None:
                lines.append("  " + t("breakouts.not_run", session=planned.session_id))
                continue
            rows = await bot.db.fetch_all(
                "SELECT moved_out, moved_back, skipped FROM breakout_people WHERE breakout_id = ?",
                (planned.breakout_id,),
            )
            planned_people = [row for row in rows if row["moved_out"] is not None or row["skipped"]]
            out = sum(1 for row in rows if row["moved_out"] is not None)
            back = sum(1 for row in rows if row["moved_back"] is not None)
            state = await bot.db.fetch_value(
                "SELECT state FROM breakouts WHERE id = ?", (planned.breakout_id,)
            )
            fine = len(planned_people) == planned.present and state == "ended"
            ok = ok and fine
            lines.append(
                "  "
                + t(
                    "breakouts.line",
                    session=planned.session_id,
                    present=planned.present,
                    out=out,
                    back=back,
                    mark="✓" if fine else "✗",
                )
            )
        if self.outlived:
            ok = False
            lines.append("  " + t("breakouts.outlived", rooms=", ".join(self.outlived[:10])))
        else:
            lines.append("  " + t("breakouts.none_outlived"))
        lines.append(
            "  "
            + t(
                "breakouts.hallway",
                moved=self.hallway.get("moved", 0),
                link=self.hallway.get("link", 0),
                none=self.hallway.get("none", 0),
            )
        )
        return lines, ok
