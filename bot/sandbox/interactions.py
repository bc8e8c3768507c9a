"""Interactions the sandbox sends (commands, autocomplete, clicks, modals) and their results."""

from __future__ import annotations

import asyncio
import copy
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.sandbox import messages
from bot.sandbox.interaction_payloads import build_command_data, find_component, modal_data

if TYPE_CHECKING:
    from bot.sandbox.sandbox import Sandbox
    from bot.sandbox.state import GuildState

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5


class InteractionNotAnswered(AssertionError):
    """The bot did not answer an interaction within the deadline."""


class InteractionResult:
    """What the bot answered to one interaction; message fields reflect later edits."""

    def __init__(self, sb: Sandbox, interaction_id: int) -> None:
        self._sb = sb
        self.interaction_id = interaction_id
        self.response_type: int | None = None
        self.ephemeral = False
        self.original: dict[str, Any] | None = None
        self.followups: list[dict[str, Any]] = []
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.error: str | None = None
        self.errors: list[str] = []
        self._changed = asyncio.Event()

    def __repr__(self) -> str:
        return (
            f"<InteractionResult type={self.response_type} ephemeral={self.ephemeral} "
            f"content={self.content!r} followups={len(self.followups)} error={self.error!r}>"
        )

    def _touch(self) -> None:
        self._changed.set()

    @property
    def content(self) -> str | None:
        return self.original["content"] if self.original else None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.original["embeds"]) if self.original else []

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.original["components"]) if self.original else []

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return messages.file_bytes(self._sb, self.original) if self.original else []

    @property
    def message_id(self) -> int | None:
        return int(self.original["id"]) if self.original else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [self.original] if self.original else []
        seen = {m["id"] for m in out}
        out += [m for m in self.followups if m["id"] not in seen]
        return out

    def followup_files(self) -> list[tuple[str, bytes]]:
        return [f for m in self.followups for f in messages.file_bytes(self._sb, m)]

    async def _wait(self, predicate: Any, limit: float, what: str) -> None:
        async def loop() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(loop(), limit)
        except TimeoutError:
            raise InteractionNotAnswered(f"timed out waiting for {what}: {self!r}") from None

    async def wait_followups(self, n: int = 1, timeout: float = 5) -> list[dict[str, Any]]:  # noqa: ASYNC109
        await self._wait(lambda: len(self.followups) >= n, timeout, f"{n} follow-up(s)")
        return self.followups

    async def wait_original(self, timeout: float = 5) -> dict[str, Any]:  # noqa: ASYNC109
        """Wait until the original response exists and is no longer 'thinking' (deferred)."""
        await self._wait(
            lambda: (
                self.original is not None and not int(self.original["flags"]) & messages.LOADING
            ),
            timeout,
            "the original response",
        )
        assert self.original is not None
        return self.original


@dataclass
class Pending:
    id: int
    token: str
    type: int
    guild_id: int
    channel_id: int
    user_id: int
    created: float
    result: InteractionResult
    source_message: dict[str, Any] | None = None
    responded: asyncio.Event = field(default_factory=asyncio.Event)
    acknowledged: bool = False
    deferred_loading: bool = False
    modal: dict[str, Any] | None = None
    opener: Pending | None = None


class InteractionManager:
    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.by_id: dict[int, Pending] = {}
        self.by_token: dict[str, Pending] = {}
        self.modals: dict[tuple[int, str], Pending] = {}

    def _default_channel(self, guild: GuildState) -> int:
        return self.sb.state.command_channel(guild)

    def _payload(
        self,
        kind: int,
        guild_id: int,
        user_id: int,
        channel_id: int | None,
        locale: str | None,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
    ) -> Pending:
        sb = self.sb
        if locale is None:
            locale = sb.state.user_locales.get(int(user_id), "en-US")
        if channel_id is not None and int(channel_id) in sb.state.dm_recipient:
            return self._dm_payload(kind, int(user_id), int(channel_id), locale, data, message)
        guild = sb.state.guild(guild_id)
        member = copy.deepcopy(sb.state.member(guild, user_id))
        cid = channel_id or self._default_channel(guild)
        _, channel = sb.state.channel(cid)
        member["permissions"] = str(guild.channel_permissions(int(user_id), channel))
        iid = sb.ids.next()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(60)
        result = InteractionResult(sb, iid)
        pending = Pending(
            iid,
            token,
            kind,
            guild.id,
            cid,
            int(user_id),
            sb.clock(),
            result,
            source_message=message,
        )
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(sb.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {
                "id": str(guild.id),
                "locale": guild.data["preferred_locale"],
                "features": guild.data["features"],
            },
            "channel_id": str(cid),
            "channel": copy.deepcopy(channel),
            "member": member,
            "token": token,
            "version": 1,
            "app_permissions": str(sb.state.bot_channel_perms(guild, channel)),
            "locale": locale,
            "guild_locale": guild.data["preferred_locale"],
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        self.by_id[iid] = pending
        self.by_token[token] = pending
        sb.dispatch("INTERACTION_CREATE", payload)
        return pending

    def _dm_payload(
        self,
        kind: int,
        user_id: int,
        channel_id: int,
        locale: str,
        data: dict[str, Any],
        message: dict[str, Any] | None,
    ) -> Pending:
        """An interaction in the bot's DM with a user: no guild, a `user` instead of a
        `member`, context 1 (BOT_DM); only that user can be there."""
        sb = self.sb
        recipient = sb.state.dm_recipient[channel_id]
        if recipient != user_id:
            raise ValueError(f"user {user_id} cannot act in the DM channel of user {recipient}")
        iid = sb.ids.next()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(60)
        pending = Pending(
            iid,
            token,
            kind,
            0,
            channel_id,
            user_id,
            sb.clock(),
            InteractionResult(sb, iid),
            source_message=message,
        )
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(sb.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel_id),
            "channel": copy.deepcopy(sb.state.dm_channels[user_id]),
            "user": copy.deepcopy(sb.state.users[user_id]),
            "token": token,
            "version": 1,
            # What an app may do in a DM: view, send, embed, attach, history, reactions.
            "app_permissions": str(1024 | 2048 | 16384 | 32768 | 65536 | 64),
            "locale": locale,
            "entitlements": [],
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        self.by_id[iid] = pending
        self.by_token[token] = pending
        sb.dispatch("INTERACTION_CREATE", payload)
        return pending

    async def _await(self, pending: Pending, wait: float | None) -> InteractionResult:
        limit = self.sb.interaction_deadline if wait is None else wait
        try:
            await asyncio.wait_for(pending.responded.wait(), limit)
        except TimeoutError:
            rejected = [r for r in self.sb.rejected if str(pending.id) in r.path]
            raise InteractionNotAnswered(
                f"the bot did not answer interaction {pending.id} within {limit}s"
                + (f"; rejected: {rejected}" if rejected else "")
            ) from None
        return pending.result

    async def invoke(
        self,
        guild_id: int,
        user_id: int,
        command: str,
        options: dict[str, Any],
        locale: str | None,
        channel_id: int | None,
        wait: float | None,
    ) -> InteractionResult:
        data = build_command_data(self.sb, int(guild_id), command, options, None, int(user_id))
        pending = self._payload(APPLICATION_COMMAND, guild_id, user_id, channel_id, locale, data)
        return await self._await(pending, wait)

    async def autocomplete(
        self,
        guild_id: int,
        user_id: int,
        command: str,
        focused: str,
        options: dict[str, Any],
        locale: str | None,
        channel_id: int | None,
    ) -> list[dict[str, Any]]:
        data = build_command_data(self.sb, int(guild_id), command, options, focused, int(user_id))
        pending = self._payload(AUTOCOMPLETE, guild_id, user_id, channel_id, locale, data)
        result = await self._await(pending, None)
        if result.choices is None:
            raise AssertionError(f"autocomplete was answered wrongly: {result!r}")
        return result.choices

    async def click(
        self,
        guild_id: int,
        user_id: int,
        message_id: int,
        custom_id: str,
        values: list[str] | None,
        locale: str | None,
    ) -> InteractionResult:
        message, channel_id = self._find_message(message_id)
        component = find_component(message["components"], custom_id)
        if component is None:
            raise ValueError(f"message {message_id} has no component with custom_id {custom_id!r}")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in (3, 5, 6, 7, 8):
            data["values"] = list(values or [])
        pending = self._payload(
            MESSAGE_COMPONENT, guild_id, user_id, channel_id, locale, data, message=message
        )
        return await self._await(pending, None)

    def _find_message(self, message_id: int) -> tuple[dict[str, Any], int]:
        for channel_id, stored in self.sb.state.messages.items():
            if message_id in stored:
                return stored[message_id], channel_id
        for pending in self.by_id.values():
            for msg in pending.result.messages:
                if int(msg["id"]) == message_id:
                    return msg, int(msg["channel_id"])
        raise ValueError(f"unknown message {message_id}")

    async def submit_modal(
        self,
        guild_id: int,
        user_id: int,
        custom_id: str,
        fields: dict[str, str],
        locale: str | None,
        channel_id: int | None,
    ) -> InteractionResult:
        opener = self.modals.get((int(user_id), custom_id))
        if opener is None or opener.modal is None:
            raise ValueError(f"no modal {custom_id!r} was shown to user {user_id}")
        data = modal_data(opener.modal, fields)
        pending = self._payload(
            MODAL_SUBMIT,
            guild_id,
            user_id,
            channel_id or opener.channel_id,
            locale,
            data,
            message=opener.source_message,
        )
        pending.opener = opener
        return await self._await(pending, None)
