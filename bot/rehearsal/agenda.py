"""The agenda's part of a rehearsal: simulated attendees press Interested on some sessions'
events (or use /agenda add where a session has no event yet), choose how they are reminded
(some by DM, a few of them with DMs closed), and the summary checks the reminders against the
simulation's truth: each subscriber reminded once by their mode (closed DMs: named in the chat),
before the session starts, nobody twice, nobody missed."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.domain.text_safety import one_line
from bot.features.agenda.service import AgendaService
from bot.features.sessions.domain.model import Session, SessionKind

if TYPE_CHECKING:
    from bot.rehearsal.runner import Rehearsal

SHARE = 0.35  # of the attendees keep an agenda
MODES = (("mention", 0.6), ("dm", 0.3), ("off", 0.1))
CLOSED_DMS = 0.2  # of those choosing dm have DMs closed


@dataclass
class AgendaTruth:
    """Who should be reminded of what, and how (decided from the seed)."""

    wants: dict[int, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    closed: set[int] = field(default_factory=set)
    starts: dict[int, datetime] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)
    pressed: int = 0
    added: int = 0

    def expected(self, session_id: int, user_id: int) -> str:
        mode = self.wants[session_id][user_id]
        return "mention" if mode == "dm" and user_id in self.closed else mode


async def press_interested(rehearsal: Rehearsal, sessions: list[Session], seed: int) -> AgendaTruth:
    """Before the camp: people press Interested (or /agenda add) and pick their mode."""
    bot, sb = rehearsal.bot, rehearsal.sb
    assert bot is not None
    agenda = bot.services.get("agenda", AgendaService)
    rng = random.Random(seed * 7919 + 16)
    truth = AgendaTruth()
    _, events = await bot.services.sessions.places.discord_ids(rehearsal.guild_id)
    now = rehearsal.clock.now()
    lead = agenda.config.reminder
    choices = [
        s
        for s in sessions
        if not s.cancelled and s.kind is not SessionKind.POSTER and s.start - lead > now
    ]
    if not choices or not lead:
        return truth
    keepers = [p for p in rehearsal.people if rng.random() < SHARE]
    for person in keepers:
        mode = rng.choices([m for m, _ in MODES], [w for _, w in MODES])[0]
        if mode != "mention":
            answer = await sb.invoke(
                rehearsal.guild_id, person, "agenda reminders", options={"mode": mode}
            )
            await _answered(answer)
        if mode == "dm" and rng.random() < CLOSED_DMS:
            truth.closed.add(person)
            sb.close_dms(person)
        for session in rng.sample(choices, min(len(choices), rng.randint(1, 4))):
            truth.wants[session.id][person] = mode
            truth.starts[session.id] = session.start
            truth.titles[session.id] = session.title
            event = events.get(session.id)
            if event is not None:
                sb.set_event_interest(rehearsal.guild_id, event, person)
                truth.pressed += 1
            else:
                answer = await sb.invoke(
                    rehearsal.guild_id, person, "agenda add", options={"session": str(session.id)}
                )
                await _answered(answer)
                truth.added += 1
    await rehearsal._settle()
    await agenda.settled()
    return truth


async def _answered(result: Any) -> None:
    if result.response_type == 5:
        await result.wait_followups(1, timeout=30)


@dataclass
class AgendaOutcome:
    sent: Counter[str]
    late: int
    doubled: int
    missed: int
    unexpected: int

    @property
    def ok(self) -> bool:
        return not (self.late or self.doubled or self.missed or self.unexpected)


def check_reminders(rehearsal: Rehearsal, truth: AgendaTruth) -> AgendaOutcome:
    """What the sandbox saw against the truth, for sessions whose reminder time has passed."""
    bot, sb = rehearsal.bot, rehearsal.sb
    assert bot is not None
    lead: timedelta = bot.services.get("agenda", AgendaService).config.reminder
    now = rehearsal.clock.now()
    dm_owner = {int(c["id"]): user for user, c in sb.state.dm_channels.items()}
    got: Counter[tuple[int, int, str]] = Counter()
    late = 0
    for request in sb.requests:
        if request.route != "POST /channels/{channel_id}/messages" or request.status >= 300:
            continue
        body = request.json or {}
        channel = int(request.path.rstrip("/").split("/")[-2])
        at = datetime.fromtimestamp(request.at, now.tzinfo)
        if channel in dm_owner:
            user = dm_owner[channel]
            for session_id, title in truth.titles.items():
                shown = one_line(title, 200)
                if shown in str(body.get("content")) and user in truth.wants[session_id]:
                    got[(session_id, user, "dm")] += 1
                    late += at >= truth.starts[session_id]
            continue
        footers = [str((e.get("footer") or {}).get("text", "")) for e in body.get("embeds", [])]
        for footer in footers:
            parts = footer.split(" · ")
            if (
                len(parts) != 3
                or not parts[0].startswith("agenda ")
                or not parts[1].startswith("r")
            ):
                continue
            session_id = int(parts[0].split()[1])
            for user in (body.get("allowed_mentions") or {}).get("users", []):
                got[(session_id, int(user), "mention")] += 1
                late += at >= truth.starts[session_id]
    sent: Counter[str] = Counter()
    missed = unexpected = 0
    for (session_id, user, how), count in got.items():
        sent[how] += count
        wanted = truth.wants.get(session_id, {}).get(user)
        if wanted is None or truth.expected(session_id, user) != how:
            unexpected += count
    doubled = sum(count - 1 for count in got.values() if count > 1)
    for session_id, people in truth.wants.items():
        if truth.starts[session_id] - lead > now:
            continue  # not due yet when the rehearsal ended
        for user in people:
            how = truth.expected(session_id, user)
            if how != "off" and not got[(session_id, user, how)]:
                missed += 1
    sent["off"] = sum(
        1 for session_id, people in truth.wants.items() for u in people
        if truth.expected(session_id, u) == "off" and truth.starts[session_id] - lead <= now
    )  # fmt: skip
    sent["fallback"] = sum(
        1 for (session_id, user, how) in got if how == "mention" and user in truth.closed
    )
    return AgendaOutcome(sent, late, doubled, missed, unexpected)


def agenda_lines(rehearsal: Rehearsal, truth: AgendaTruth) -> tuple[list[str], bool]:
    """The summary's agenda lines, and whether they agree with the truth."""
    t = rehearsal.text
    outcome = check_reminders(rehearsal, truth)
    people = len({u for wants in truth.wants.values() for u in wants})
    lines = [
        t("agenda.heading"),
        "  "
        + t(
            "agenda.pressed",
            people=people,
            sessions=len(truth.wants),
            pressed=truth.pressed,
            added=truth.added,
        ),
        "  "
        + t(
            "agenda.sent",
            mention=outcome.sent["mention"],
            dm=outcome.sent["dm"],
            fallback=outcome.sent["fallback"],
            off=outcome.sent["off"],
        ),
        "  "
        + t(
            "agenda.checked",
            late=outcome.late,
            doubled=outcome.doubled,
            missed=outcome.missed,
            unexpected=outcome.unexpected,
            mark="✓" if outcome.ok else "✗",
        ),
    ]
    return lines, outcome.ok
