"""Voice channel status: the line Discord shows under a voice channel in the sidebar.

`PUT /channels/{id}/voice-status` with `{"status": str | null}` (0-500 characters; empty or null
clears it). Discord asks for Set Voice Channel Status, and Manage Channels as well when the caller
is not connected to that channel (a bot setting statuses from outside is never connected). It
answers 204 and sends VOICE_CHANNEL_STATUS_UPDATE `{id, guild_id, status}` to the guild.

Discord does not publish a figure for how often one channel's status may change; the sandbox
refuses more than `sb.voice_status_limit` (default 5 per 60 s) per channel with a 429 like the
rename limit, so a bot that does not coalesce is caught here before it is on a real server.
"""

from __future__ import annotations

from bot.sandbox import errors
from bot.sandbox import permissions as p
from bot.sandbox.errors import ApiError, FormErrors
from bot.sandbox.rest import Ctx, Reply, router
from bot.sandbox.state import STAGE, VOICE

STATUS_MAX = 500


@router.add("PUT", "/channels/{channel_id}/voice-status")
async def set_voice_status(ctx: Ctx) -> Reply:
    state = ctx.sb.state
    guild, channel = state.channel(ctx.id("channel_id"))
    if channel["type"] not in (VOICE, STAGE):
        raise errors.field_error(
            ["channel_id"], "CHANNEL_TYPE_INVALID", "Channel must be a voice channel"
        )
    body = ctx.json
    status = body.get("status")
    if status is not None and not isinstance(status, str):
        raise errors.field_error(["status"], "BASE_TYPE_STRING", "Must be a string")
    errs = FormErrors()
    errs.length(["status"], status, 0, STATUS_MAX)
    errs.raise_if_any()
    needed = p.SET_VOICE_CHANNEL_STATUS
    bot_voice = guild.voice_states.get(state.bot_user_id)
    if bot_voice is None or str(bot_voice.get("channel_id")) != str(channel["id"]):
        needed |= p.MANAGE_CHANNELS
    state.require_channel(guild, channel, needed)
    _check_rate(ctx, int(channel["id"]))
    text = status or None
    state.voice_statuses[int(channel["id"])] = text
    ctx.sb.dispatch(
        "VOICE_CHANNEL_STATUS_UPDATE",
        {"id": channel["id"], "guild_id": str(guild.id), "status": text},
    )
    return Reply(204)


def _check_rate(ctx: Ctx, channel_id: int) -> None:
    count, window = ctx.sb.voice_status_limit
    now = ctx.sb.clock()
    log = [t for t in ctx.sb.state.voice_status_log.get(channel_id, []) if now - t < window]
    if len(log) >= count:
        retry = round(log[0] + window - now, 3)
        raise ApiError(
            429,
            "You are being rate limited.",
            0,
            extra={"retry_after": retry, "global": False},
            headers={
                "Retry-After": str(int(retry) + 1),
                "X-RateLimit-Scope": "shared",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": f"{retry:.3f}",
            },
            detail=f"voice status limit ({count} per {window:.0f} s per channel)",
        )
    log.append(now)
    ctx.sb.state.voice_status_log[channel_id] = log
