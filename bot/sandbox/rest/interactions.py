"""Interaction callbacks and the interaction webhook (follow-ups, @original)."""

from __future__ import annotations

import copy
from typing import Any

from bot.sandbox import errors, limits, messages
from bot.sandbox.errors import ApiError
from bot.sandbox.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    Pending,
)
from bot.sandbox.rest import Ctx, Reply, router

_ALLOWED = {
    APPLICATION_COMMAND: {4, 5, 9, 12},
    MESSAGE_COMPONENT: {4, 5, 6, 7, 9, 12},
    AUTOCOMPLETE: {8},
    MODAL_SUBMIT: {4, 5, 6, 7},
}


def _fail(pending: Pending | None, exc: ApiError) -> ApiError:
    if pending is not None:
        pending.result.errors.append(str(exc))
        if pending.result.error is None:
            pending.result.error = str(exc)
        pending.result._touch()
        if not pending.acknowledged:
            pending.responded.set()
    return exc


def _interaction_metadata(pending: Pending, ctx: Ctx) -> dict[str, Any]:
    user = ctx.sb.state.users.get(pending.user_id, {})
    meta: dict[str, Any] = {
        "id": str(pending.id),
        "type": pending.type,
        "user": copy.deepcopy(user),
        "authorizing_integration_owners": {"0": str(pending.guild_id)},
    }
    if pending.type == MESSAGE_COMPONENT and pending.source_message is not None:
        meta["interacted_message_id"] = pending.source_message["id"]
    if pending.type == MODAL_SUBMIT and pending.opener is not None:
        meta["triggering_interaction_metadata"] = _interaction_metadata(pending.opener, ctx)
    return meta


def _new_message(
    ctx: Ctx,
    pending: Pending,
    body: dict[str, Any],
    *,
    flags: int,
    files: list[tuple[str, bytes, str]],
) -> dict[str, Any]:
    guild, channel = ctx.sb.state.place(pending.channel_id)
    msg_type = 20 if pending.type == APPLICATION_COMMAND else 0
    msg = messages.build(
        ctx.sb,
        guild,
        channel,
        body,
        files,
        msg_type=msg_type,
        flags=flags,
        webhook_id=ctx.sb.application_id,
        interaction=_interaction_metadata(pending, ctx),
    )
    if not flags & limits.EPHEMERAL:
        messages.store(ctx.sb, guild, channel, msg)
    return msg


@router.add("POST", "/interactions/{interaction_id}/{interaction_token}/callback", auth=False)
async def callback(ctx: Ctx) -> Reply:
    sb = ctx.sb
    pending = sb.interactions.by_id.get(ctx.id("interaction_id"))
    if pending is None or pending.token != ctx.params["interaction_token"]:
        raise errors.unknown("interaction")
    if sb.clock() - pending.created > sb.interaction_deadline:
        raise _fail(pending, errors.unknown("interaction"))
    if pending.acknowledged:
        raise _fail(pending, ApiError(400, "Interaction has already been acknowledged.", 40060))
    try:
        reply = _respond(ctx, pending)
    except ApiError as exc:
        raise _fail(pending, exc) from None
    pending.acknowledged = True
    pending.responded.set()
    pending.result._touch()
    return reply


def _respond(ctx: Ctx, pending: Pending) -> Reply:
    body = ctx.json
    kind = body.get("type")
    data = body.get("data") or {}
    result = pending.result
    if kind not in _ALLOWED[pending.type]:
        raise errors.field_error(
            ["type"],
            "INTERACTION_CALLBACK_TYPE_INVALID",
            f"Interaction callback type {kind} is not valid for this interaction",
        )
    flags = int(data.get("flags") or 0)
    resource: dict[str, Any] = {"type": kind}
    if kind == 4:
        limits.check_message(data, files=len(ctx.files))
        result.ephemeral = bool(flags & limits.EPHEMERAL)
        result.original = _new_message(
            ctx, pending, data, flags=flags & limits.EPHEMERAL, files=ctx.files
        )
        resource["message"] = copy.deepcopy(result.original)
    elif kind == 5:
        result.ephemeral = bool(flags & limits.EPHEMERAL)
        pending.deferred_loading = True
        result.original = _new_message(
            ctx, pending, {}, files=[], flags=messages.LOADING | (flags & limits.EPHEMERAL)
        )
        resource["message"] = copy.deepcopy(result.original)
    elif kind in (6, 7):
        source = pending.source_message
        if source is None:
            raise errors.field_error(
                ["type"],
                "INTERACTION_CALLBACK_TYPE_INVALID",
                "This interaction has no message to update",
            )
        result.original = source
        result.ephemeral = bool(int(source["flags"]) & limits.EPHEMERAL)
        if kind == 7:
            guild, channel = ctx.sb.state.place(int(source["channel_id"]))
            messages.apply_edit(ctx.sb, guild, channel, source, data, ctx.files)
            messages.dispatch_update(ctx.sb, source)
            resource["message"] = copy.deepcopy(source)
    elif kind == 8:
        choices = data.get("choices") or []
        limits.check_choices(choices)
        result.choices = copy.deepcopy(choices)
    elif kind == 9:
        limits.check_modal(data)
        result.modal = copy.deepcopy(data)
        pending.modal = result.modal
        ctx.sb.interactions.modals[(pending.user_id, str(data["custom_id"]))] = pending
    result.response_type = kind
    if ctx.query.get("with_response", "").lower() not in ("1", "true"):
        return Reply(204)
    original = result.original if kind in (4, 5, 7) else None
    interaction: dict[str, Any] = {
        "id": str(pending.id),
        "type": pending.type,
        "channel_id": str(pending.channel_id),
    }
    if pending.guild_id:
        interaction["guild_id"] = str(pending.guild_id)
    if original is not None:
        interaction.update(
            response_message_id=original["id"],
            response_message_loading=kind == 5,
            response_message_ephemeral=result.ephemeral,
        )
    out: dict[str, Any] = {"interaction": interaction}
    if kind in (4, 7):  # Discord only returns a resource for messages it created or updated
        out["resource"] = resource
    return Reply(200, out)


# ---- webhook (follow-ups) -------------------------------------------------------------------
def _pending_for_webhook(ctx: Ctx) -> Pending:
    sb = ctx.sb
    pending = sb.interactions.by_token.get(ctx.params["interaction_token"])
    if pending is None or ctx.id("application_id") != sb.application_id:
        raise errors.unknown("webhook")
    if sb.clock() - pending.created > sb.interaction_token_lifetime:
        raise ApiError(401, "Invalid Webhook Token", 50027)
    if not pending.acknowledged:
        raise errors.unknown("webhook")
    return pending


def _find(pending: Pending, message_id: str) -> dict[str, Any]:
    result = pending.result
    if message_id == "@original":
        if result.original is None:
            raise errors.unknown("message")
        return result.original
    for msg in result.messages:
        if msg["id"] == message_id:
            return msg
    raise errors.unknown("message")


@router.add("POST", "/webhooks/{application_id}/{interaction_token}", auth=False)
async def followup(ctx: Ctx) -> Reply:
    pending = _pending_for_webhook(ctx)
    result = pending.result
    body = ctx.json
    try:
        limits.check_message(body, files=len(ctx.files))
        if pending.deferred_loading and result.original is not None:
            # The first follow-up after a deferred ("thinking") response replaces it.
            pending.deferred_loading = False
            guild, channel = ctx.sb.state.place(pending.channel_id)
            messages.apply_edit(ctx.sb, guild, channel, result.original, body, ctx.files)
            messages.dispatch_update(ctx.sb, result.original)
            msg = result.original
        else:
            flags = int(body.get("flags") or 0) & limits.EPHEMERAL
            msg = _new_message(ctx, pending, body, flags=flags, files=ctx.files)
    except ApiError as exc:
        raise _fail(pending, exc) from None
    result.followups.append(msg)
    result._touch()
    wait = ctx.query.get("wait", "").lower() in ("1", "true")
    return Reply(200, copy.deepcopy(msg)) if wait else Reply(204)


for suffix in ("/messages/@original", "/messages/{message_id}"):

    @router.add("GET", "/webhooks/{application_id}/{interaction_token}" + suffix, auth=False)
    async def get_webhook_message(ctx: Ctx) -> Reply:
        pending = _pending_for_webhook(ctx)
        return Reply(200, copy.deepcopy(_find(pending, ctx.params.get("message_id", "@original"))))

    @router.add("PATCH", "/webhooks/{application_id}/{interaction_token}" + suffix, auth=False)
    async def edit_webhook_message(ctx: Ctx) -> Reply:
        pending = _pending_for_webhook(ctx)
        msg = _find(pending, ctx.params.get("message_id", "@original"))
        guild, channel = ctx.sb.state.place(int(msg["channel_id"]))
        try:
            messages.apply_edit(ctx.sb, guild, channel, msg, ctx.json, ctx.files)
        except ApiError as exc:
            raise _fail(pending, exc) from None
        if msg is pending.result.original:
            pending.deferred_loading = False
        messages.dispatch_update(ctx.sb, msg)
        pending.result._touch()
        return Reply(200, copy.deepcopy(msg))

    @router.add("DELETE", "/webhooks/{application_id}/{interaction_token}" + suffix, auth=False)
    async def delete_webhook_message(ctx: Ctx) -> Reply:
        pending = _pending_for_webhook(ctx)
        msg = _find(pending, ctx.params.get("message_id", "@original"))
        stored = ctx.sb.state.messages.get(int(msg["channel_id"]), {})
        if stored.pop(int(msg["id"]), None) is not None:
            event = {"id": msg["id"], "channel_id": msg["channel_id"]}
            if pending.guild_id:
                event["guild_id"] = str(pending.guild_id)
            ctx.sb.dispatch("MESSAGE_DELETE", event)
        msg["deleted"] = True
        pending.result._touch()
        return Reply(204)
