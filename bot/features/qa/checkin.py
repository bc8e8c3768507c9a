"""qa: speaker check-in. `sessions.checkin_minutes` before a session starts, its chair and
speakers are asked to check in: a direct message with an **I'm here** button, or, when they do
not take DMs, a mention with the same button in #backstage (a text channel only organizers, the
bot and the programme's chairs and speakers see, made by `/workshop setup`). Joining the
session's voice or stage channel counts too. At T-5 min anyone not checked in is named in
#backstage for the organizers.

Durable and exactly once: the jobs `qa.checkin` and `qa.checkin_late` (subject: the session);
each person's prompt is a row in `checkins` written before the message goes out and completed
after (a run interrupted by a crash sends only the prompts not completed); the late notice is a
row in `qa_notices`, written once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import discord

from bot.core.direct import DirectMessages
from bot.core.gate import Gate
from bot.core.owned import ChannelWish, OwnedChannels, SetupReport
from bot.core.scheduler import Handler, Outcome
from bot.domain.clock import Clock, to_epoch
from bot.domain.errors import NotFound, NotOrganizer
from bot.domain.organizers import configured_role_ids
from bot.domain.permissions import Perm
from bot.domain.ports import PosterPort
from bot.domain.structure import ChannelKind, Purpose, ResolvedOverwrite
from bot.domain.text_safety import one_line
from bot.features.qa.checkin_repo import CheckinRepository
from bot.features.sessions.domain.model import Session, SessionStatus
from bot.features.sessions.service import SessionService
from bot.gateway.base import translate_errors
from bot.i18n import Catalog
from bot.store.job_repo import Job, JobRepository
from bot.store.structure_repo import StructureRepository
from bot.store.uow import Transaction, UnitOfWork

log = logging.getLogger(__name__)

BACKSTAGE = "qa:backstage"
JOB_CHECKIN = "qa.checkin"
JOB_LATE = "qa.checkin_late"
LATE_BEFORE = timedelta(minutes=5)

#: What organizers, chairs and speakers may do in #backstage; everyone else cannot see it.
BACKSTAGE_PEOPLE = (
    Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY | Perm.SEND_MESSAGES | Perm.EMBED_LINKS
)
BACKSTAGE_BOT = BACKSTAGE_PEOPLE | Perm.ATTACH_FILES
BACKSTAGE_HIDDEN = Perm.VIEW_CHANNEL


@dataclass(frozen=True)
class CheckinConfig:
    lead: timedelta  # sessions.checkin_minutes
    organizer_roles: tuple[str, ...]
    locale: str


ButtonView = Callable[[int], discord.ui.View]


class SpeakerCheckin:
    def __init__(
        self,
        client: discord.Client,
        port: PosterPort,
        objects: StructureRepository,
        repo: CheckinRepository,
        sessions: SessionService,
        jobs: JobRepository,
        direct: DirectMessages,
        clock: Clock,
        catalog: Catalog,
        config: CheckinConfig,
        *,
        uow: UnitOfWork,
        poke: Callable[[], None],
        button: ButtonView,
        gate: Gate,
    ) -> None:
        self._client = client
        self._port = port
        self._objects = objects
        self._channels = OwnedChannels(port, objects, clock, gate=gate)
        self.repo = repo
        self._sessions = sessions
        self._jobs = jobs
        self._direct = direct
        self._clock = clock
        self._catalog = catalog
        self._config = config
        self._uow = uow
        self._poke = poke
        self._button = button
        self.prompts: dict[str, int] = {"dm": 0, "backstage": 0}
        self.late_notices = 0

    def t(self, key: str, /, **params: object) -> str:
        return self._catalog.t(key, self._config.locale, **params)

    def jobs(self) -> dict[str, Handler]:
        return {JOB_CHECKIN: self.prompt, JOB_LATE: self.late}

    # -- #backstage ----------------------------------------------------------------------------

    async def _people(self, guild_id: int) -> list[int]:
        found: list[int] = []
        for session in await self._sessions.programme(guild_id, include_cancelled=False):
            if session.status is SessionStatus.CLOSED:
                continue
            found += [uid for uid in session.people if uid not in found]
        return found

    async def _wish(self, guild_id: int) -> ChannelWish | None:
        info = await self._objects.get(guild_id, Purpose.INFO_CATEGORY)
        if info is None or info.discord_id is None:
            return None
        organizers, _ = configured_role_ids(
            self._config.organizer_roles, self._port.roles(guild_id)
        )
        people = BACKSTAGE_PEOPLE
        overwrites = [
            ResolvedOverwrite(
                target_id=guild_id, is_role=True, allow=0, deny=int(BACKSTAGE_HIDDEN)
            ),
            *(
                ResolvedOverwrite(target_id=rid, is_role=True, allow=int(people), deny=0)
                for rid in organizers
            ),
            ResolvedOverwrite(
                target_id=self._port.bot_user_id, is_role=False, allow=int(BACKSTAGE_BOT), deny=0
            ),
            *(
                ResolvedOverwrite(target_id=uid, is_role=False, allow=int(people), deny=0)
                for uid in (await self._people(guild_id))[:80]
                if uid != self._port.bot_user_id
            ),
        ]
        return ChannelWish(
            purpose=BACKSTAGE,
            kind=ChannelKind.TEXT,
            name=self.t("qa.backstage_name"),
            parent_id=info.discord_id,
            parent_purpose=Purpose.INFO_CATEGORY,
            overwrites=tuple(overwrites),
            topic=self.t("qa.backstage_topic"),
            enforce_overwrites=True,
            # Outside the registration gate: #backstage is hidden from @everyone already, and
            # the gate would let every registered member see it (it grants member roles View).
            public=True,
        )

    async def setup(self, guild_id: int, report: SetupReport) -> None:
        """`/workshop setup`: #backstage exists, seen by exactly who should see it."""
        wish = await self._wish(guild_id)
        if wish is not None:
            outcome, channel_id = await self._channels.ensure(guild_id, wish, "backstage")
            report.add(BACKSTAGE, outcome, channel_id)

    async def backstage_id(self, guild_id: int) -> int | None:
        item = await self._objects.get(guild_id, BACKSTAGE)
        if item is None or item.discord_id is None:
            return None
        return item.discord_id if self._port.channel(guild_id, item.discord_id) else None

    async def converge(self, guild_id: int) -> None:
        """Start-up and programme changes: #backstage (once the base structure exists) lets in
        this programme's chairs and speakers; every upcoming session has its check-in jobs."""
        # Once `/workshop setup` made the info category, #backstage belongs to the structure: a
        # start after a crash in the middle of setup (or an upgrade) makes it like the rest.
        wish = await self._wish(guild_id)
        if wish is not None:
            await self._channels.ensure(guild_id, wish, "backstage")
        await self.plan(guild_id)

    async def plan(self, guild_id: int) -> None:
        now = self._clock.now()
        async with self._uow.transaction() as tx:
            for session in await self._sessions.programme(guild_id, include_cancelled=False):
                if session.status is not SessionStatus.SCHEDULED or session.start <= now:
                    continue
                if not session.people:
                    await self._jobs.cancel(tx, session.id, (JOB_CHECKIN, JOB_LATE))
                    continue
                ask_at = max(now, session.start - self._config.lead)
                late_at = max(now, session.start - LATE_BEFORE)
                await self._schedule(tx, session, JOB_CHECKIN, ask_at, now)
                await self._schedule(tx, session, JOB_LATE, max(ask_at, late_at), now)
        self._poke()

    async def _schedule(
        self, tx: Transaction, session: Session, kind: str, due: datetime, now: datetime
    ) -> None:
        pending = [
            j
            for j in await self._jobs.for_subject(session.id)
            if j.kind == kind and j.state == "pending"
        ]
        done = [
            j
            for j in await self._jobs.for_subject(session.id)
            if j.kind == kind and j.state == "done"
        ]
        if done and not pending:
            return  # said already for this session
        if pending and pending[0].due_at == due:
            return
        await self._jobs.schedule(tx, session.guild_id, kind, session.id, due, now)

    # -- the prompt ----------------------------------------------------------------------------

    async def prompt(self, job: Job) -> Outcome:
        session = await self._sessions.get_any(job.subject_id)
        if session is None or session.cancelled or session.status is SessionStatus.CLOSED:
            return Outcome.DROPPED
        if self._clock.now() >= session.end:
            return Outcome.DROPPED
        rows = {r.user_id: r for r in await self.repo.of_session(session.id)}
        channel_id = await self._sessions.places.channel_id(session.id, session.guild_id)
        for uid in session.people:
            row = rows.get(uid)
            if row is not None and (row.prompted_at is not None or row.checked_in_at is not None):
                continue
            role = "chair" if uid == session.chair_id else "speaker"
            if (
                channel_id is not None
                and self._port.voice_channel_of(session.guild_id, uid) == channel_id
            ):
                await self.repo.check_in(
                    session.guild_id, session.id, uid, role, "voice", self._clock.now()
                )
                continue
            await self.repo.intend(session.guild_id, session.id, uid, role)
            via = await self._send_prompt(session, uid)
            await self.repo.prompted(session.id, uid, via, self._clock.now())
        return Outcome.DONE

    async def _send_prompt(self, session: Session, user_id: int) -> str:
        """The prompt: its text in an embed (the session's title is user text: an embed never
        pings), the I'm here button under it."""
        embed = discord.Embed(
            description=self.t(
                "qa.checkin_prompt",
                title=one_line(session.title, 100),
                start=to_epoch(session.start),
            ),
            colour=0x57F287,
        )
        if await self._direct.send(user_id, embed=embed, view=self._button(session.id)):
            self.prompts["dm"] += 1
            return "dm"
        backstage = await self.backstage_id(session.guild_id)
        if backstage is None:
            log.info("session %s: no #backstage to ask user %s in", session.id, user_id)
            return "backstage"
        await self._post(
            backstage, f"<@{user_id}>", embed=embed, view=self._button(session.id), users=[user_id]
        )
        self.prompts["backstage"] += 1
        return "backstage"

    @translate_errors
    async def _post(
        self,
        channel_id: int,
        content: str,
        *,
        view: discord.ui.View | None,
        users: list[int],
        embed: discord.Embed | None = None,
    ) -> int:
        channel = self._client.get_partial_messageable(channel_id)
        message = await channel.send(
            content=content,
            embed=embed or discord.utils.MISSING,
            view=view or discord.utils.MISSING,
            allowed_mentions=discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(u) for u in users] or False
            ),
        )
        return message.id

    # -- checking in ---------------------------------------------------------------------------

    async def here(self, session_id: int, user_id: int) -> Session:
        """The I'm here button (in a DM or #backstage): only the session's chair and speakers."""
        session = await self._sessions.get_any(session_id)
        if session is None or session.cancelled:
            raise NotFound("qa.checkin_gone")
        if user_id not in session.people:
            raise NotOrganizer("qa.checkin_not_yours", title=one_line(session.title, 100))
        role = "chair" if user_id == session.chair_id else "speaker"
        await self.repo.check_in(
            session.guild_id, session.id, user_id, role, "button", self._clock.now()
        )
        return session

    async def joined_voice(self, guild_id: int, user_id: int, channel_id: int) -> None:
        """Someone joined a voice or stage channel: the session's chair or speaker checks in."""
        # On every voice join: one indexed lookup, not the whole programme's places.
        session_id = await self._sessions.places.session_of_channel(channel_id)
        if session_id is None:
            return
        session = await self._sessions.get_any(session_id)
        if session is None or user_id not in session.people or session.cancelled:
            return
        now = self._clock.now()
        if not session.start - self._config.lead - LATE_BEFORE <= now < session.end:
            return
        role = "chair" if user_id == session.chair_id else "speaker"
        await self.repo.check_in(guild_id, session.id, user_id, role, "voice", now)

    # -- T-5 -----------------------------------------------------------------------------------

    async def late(self, job: Job) -> Outcome:
        session = await self._sessions.get_any(job.subject_id)
        if session is None or session.cancelled or session.status is SessionStatus.CLOSED:
            return Outcome.DROPPED
        if await self.repo.late_noticed(session.id):
            return Outcome.DONE
        checked = {r.user_id for r in await self.repo.of_session(session.id) if r.checked_in_at}
        missing = [uid for uid in session.people if uid not in checked]
        message_id = None
        if missing:
            backstage = await self.backstage_id(session.guild_id)
            if backstage is not None:
                text = self.t(
                    "qa.checkin_missing",
                    title=one_line(session.title, 100),
                    start=to_epoch(session.start),
                    people=", ".join(f"<@{u}>" for u in missing),
                )
                message_id = await self._post(backstage, text, view=None, users=[])
                self.late_notices += 1
        await self.repo.record_late(session.id, message_id, self._clock.now())
        return Outcome.DONE

    # -- /workshop status ----------------------------------------------------------------------

    async def status_field(self, guild_id: int, locale: str) -> tuple[str, str] | None:
        """Check-in of the next sessions that name people: `✅ 2/3 Title (starts <t:R>)`."""
        now = self._clock.now()
        upcoming = [
            s
            for s in await self._sessions.programme(guild_id, include_cancelled=False)
            if s.people and s.end > now and s.status is not SessionStatus.CLOSED
        ][:8]
        if not upcoming:
            return None
        lines = []
        for session in upcoming:
            rows = {r.user_id: r for r in await self.repo.of_session(session.id)}
            here = [u for u in session.people if rows.get(u) and rows[u].checked_in_at]
            waiting = [f"<@{u}>" for u in session.people if u not in here]
            mark = "✅" if not waiting else "⏳"
            line = self._catalog.t(
                "qa.status_line",
                locale,
                mark=mark,
                here=len(here),
                total=len(session.people),
                title=one_line(session.title, 60),
                start=to_epoch(session.start),
            )
            if waiting:
                line += " · " + self._catalog.t(
                    "qa.status_waiting", locale, people=", ".join(waiting)
                )
            lines.append(line)
        return self._catalog.t("qa.status_field", locale), "\n".join(lines)[:1024]
