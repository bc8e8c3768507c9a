"""The gateway websocket: HELLO, heartbeats, IDENTIFY/READY/GUILD_CREATE, RESUME, dispatches."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox

log = logging.getLogger("bot.sandbox.gateway")

GUILDS, GUILD_MEMBERS, GUILD_VOICE_STATES = 1 << 0, 1 << 1, 1 << 7
GUILD_PRESENCES, GUILD_MESSAGES, MESSAGE_CONTENT = 1 << 8, 1 << 9, 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16
GUILD_MESSAGE_REACTIONS, GUILD_MESSAGE_TYPING = 1 << 10, 1 << 11
DIRECT_MESSAGES = 1 << 12
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
ALL_INTENTS = (1 << 26) - 1

_EVENT_INTENT = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "GUILD_DELETE": GUILDS,
    "GUILD_ROLE_CREATE": GUILDS,
    "GUILD_ROLE_UPDATE": GUILDS,
    "GUILD_ROLE_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "CHANNEL_DELETE": GUILDS,
    "THREAD_CREATE": GUILDS,
    "THREAD_UPDATE": GUILDS,
    "THREAD_DELETE": GUILDS,
    "THREAD_LIST_SYNC": GUILDS,
    "CHANNEL_PINS_UPDATE": GUILDS,
    "STAGE_INSTANCE_CREATE": GUILDS,
    "STAGE_INSTANCE_UPDATE": GUILDS,
    "STAGE_INSTANCE_DELETE": GUILDS,
    "VOICE_CHANNEL_STATUS_UPDATE": GUILDS,
    "MESSAGE_REACTION_ADD": GUILD_MESSAGE_REACTIONS,
    "MESSAGE_REACTION_REMOVE": GUILD_MESSAGE_REACTIONS,
    "TYPING_START": GUILD_MESSAGE_TYPING,
    "THREAD_MEMBER_UPDATE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "VOICE_STATE_UPDATE": GUILD_VOICE_STATES,
    "MESSAGE_CREATE": GUILD_MESSAGES,
    "MESSAGE_UPDATE": GUILD_MESSAGES,
    "MESSAGE_DELETE": GUILD_MESSAGES,
    "MESSAGE_DELETE_BULK": GUILD_MESSAGES,
    "GUILD_SCHEDULED_EVENT_CREATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_UPDATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_DELETE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_ADD": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_USER_REMOVE": GUILD_SCHEDULED_EVENTS,
}


def allowed(event: str, intents: int, data: dict[str, Any] | None = None, me: int = 0) -> bool:
    needed = _EVENT_INTENT.get(event)
    if event.startswith("MESSAGE_") and data is not None and "guild_id" not in data:
        needed = DIRECT_MESSAGES  # a message in a DM channel
    if needed is None or intents & needed:
        return True
    # "Guild Member Update is sent for current-user updates regardless of whether the
    # GUILD_MEMBERS intent is set" (Discord's gateway docs, caveats).
    user = (data or {}).get("user") or {}
    return event == "GUILD_MEMBER_UPDATE" and str(user.get("id")) == str(me)


@dataclass
class Session:
    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    queue: asyncio.Queue[dict[str, Any] | None] | None = None
    ws: web.WebSocketResponse | None = None
    invalid: bool = False


class Gateway:
    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.sessions: dict[str, Session] = {}
        self.frames: list[tuple[int, str | None, Any]] = []
        self.heartbeat_interval = 41250
        self.ready = asyncio.Event()
        self.sockets: set[web.WebSocketResponse] = set()

    # ---- dispatching ---------------------------------------------------------------------
    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        for session in list(self.sessions.values()):
            if session.invalid or not allowed(event, session.intents, data, self.sb.bot_user_id):
                continue
            self._dispatch_to(session, event, self._filter(session, event, data))

    def _filter(self, session: Session, event: str, data: dict[str, Any]) -> dict[str, Any]:
        data = copy.deepcopy(data)
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not session.intents & MESSAGE_CONTENT:
            author = (data.get("author") or {}).get("id")
            mentioned = any(
                u.get("id") == str(self.sb.bot_user_id) for u in data.get("mentions", [])
            )
            if author != str(self.sb.bot_user_id) and not mentioned:
                data.update(content="", embeds=[], attachments=[], components=[])
        return data

    def _dispatch_to(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.buffer.append(frame)
        del session.buffer[:-2000]
        self._enqueue(session, frame)

    def _enqueue(self, session: Session, frame: dict[str, Any]) -> None:
        if session.queue is not None:
            session.queue.put_nowait(frame)

    def _record(self, frame: dict[str, Any]) -> None:
        self.frames.append((frame["op"], frame.get("t"), frame.get("d")))

    # ---- connection handling -------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        self.sockets.add(ws)
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        writer = asyncio.create_task(self._writer(ws, queue))
        session: Session | None = None
        queue.put_nowait(
            {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval}, "s": None, "t": None}
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(msg.data)
                    op = payload["op"]
                except (ValueError, KeyError, TypeError):
                    await self._close(ws, 4002, "Error while decoding payload.")
                    break
                data = payload.get("d")
                if op == 1:
                    queue.put_nowait({"op": 11, "d": None, "s": None, "t": None})
                elif op == 2:
                    if session is not None:
                        await self._close(ws, 4005, "Already authenticated.")
                        break
                    session = await self._identify(ws, queue, data or {})
                    if session is None:
                        break
                elif op == 6:
                    session = self._resume(ws, queue, data or {})
                elif session is None:
                    await self._close(ws, 4003, "Not authenticated.")
                    break
                elif op == 8:
                    self._request_members(session, queue, data or {})
                elif op in (3, 4):
                    continue
                else:
                    await self._close(ws, 4001, "Unknown opcode.")
                    break
        finally:
            self.sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                session.queue = None
                if ws.close_code in (1000, 1001):
                    # A clean close ends the session for good (Discord cannot resume it).
                    session.invalid = True
                    self.sessions.pop(session.id, None)
            queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await writer
        return ws

    async def _writer(
        self, ws: web.WebSocketResponse, queue: asyncio.Queue[dict[str, Any] | None]
    ) -> None:
        while True:
            frame = await queue.get()
            if frame is None or ws.closed:
                return
            if frame["op"] == -1:
                self.ready.set()
                continue
            self._record(frame)
            try:
                await ws.send_str(json.dumps(frame))
            except ConnectionError:
                return

    async def _close(self, ws: web.WebSocketResponse, code: int, message: str) -> None:
        log.info("closing gateway socket with %s %s", code, message)
        await ws.close(code=code, message=message.encode())

    async def _identify(
        self,
        ws: web.WebSocketResponse,
        queue: asyncio.Queue[dict[str, Any] | None],
        data: dict[str, Any],
    ) -> Session | None:
        token = str(data.get("token", "")).removeprefix("Bot ")
        if token != self.sb.token:
            await self._close(ws, 4004, "Authentication failed.")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents > ALL_INTENTS:
            await self._close(ws, 4013, "Invalid intent(s).")
            return None
        if intents & PRIVILEGED and not self.sb.allow_privileged_intents:
            await self._close(ws, 4014, "Disallowed intent(s).")
            return None
        session = Session(secrets.token_hex(16), intents, data.get("shard"))
        session.ws, session.queue = ws, queue
        self.sessions[session.id] = session
        self._dispatch_to(session, "READY", self._ready_payload(session))
        for guild in self.sb.state.guilds.values():
            self._dispatch_to(session, "GUILD_CREATE", self.sb.guild_create_payload(guild, intents))
        self._mark_ready(queue)
        return session

    def _mark_ready(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        # The writer sets ``ready`` once every frame queued before this marker was sent.
        queue.put_nowait({"op": -1})

    def _ready_payload(self, session: Session) -> dict[str, Any]:
        user = copy.deepcopy(self.sb.state.users[self.sb.bot_user_id])
        user.update(verified=True, mfa_enabled=False, email=None)
        payload: dict[str, Any] = {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(g), "unavailable": True} for g in self.sb.state.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.sb.gateway_url,
            "application": {"id": str(self.sb.application_id), "flags": self.sb.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["japan", "singapore", "hongkong"],
            "user_settings": {},
            "auth": {},
        }
        if session.shard is not None:
            payload["shard"] = session.shard
        return payload

    def _resume(
        self,
        ws: web.WebSocketResponse,
        queue: asyncio.Queue[dict[str, Any] | None],
        data: dict[str, Any],
    ) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        token = str(data.get("token", "")).removeprefix("Bot ")
        if session is None or session.invalid or token != self.sb.token:
            queue.put_nowait({"op": 9, "d": False, "s": None, "t": None})
            return None
        session.ws, session.queue = ws, queue
        seq = int(data.get("seq") or 0)
        for frame in session.buffer:
            if frame["s"] > seq:
                queue.put_nowait(frame)
        self._dispatch_to(session, "RESUMED", {})
        self._mark_ready(queue)
        return session

    def _request_members(
        self, session: Session, queue: asyncio.Queue[dict[str, Any] | None], data: dict[str, Any]
    ) -> None:
        guild = self.sb.state.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        query = str(data.get("query") or "").lower()
        limit = int(data.get("limit") or 0)
        wanted = {int(u) for u in (data.get("user_ids") or [])}
        members = [
            m
            for uid, m in guild.members.items()
            if (not wanted or uid in wanted)
            and str(m["user"]["username"]).lower().startswith(query)
        ]
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": copy.deepcopy(members),
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "presences": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        self._dispatch_to(session, "GUILD_MEMBERS_CHUNK", chunk)

    # ---- test controls -------------------------------------------------------------------
    async def drop(self, *, resume: bool) -> None:
        self.ready.clear()
        for session in list(self.sessions.values()):
            ws = session.ws
            if ws is None:
                continue
            if resume:
                session.ws = session.queue = None
                await ws.close(code=4000, message=b"Unknown error.")
            else:
                session.invalid = True
                if session.queue is not None:
                    session.queue.put_nowait({"op": 9, "d": False, "s": None, "t": None})
                session.ws = session.queue = None

    async def close_all(self) -> None:
        for ws in list(self.sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"Sandbox stopping.")
