"""Direct messages: `POST /users/@me/channels` opens (or returns) the DM channel with a user.

Discord returns the same DM channel for the same recipient. Opening one always works for a
known user; *sending* in it is refused with 403/50007 when the user does not share a server
with the bot or does not accept DMs from server members (`State.closed_dms`), and a bot cannot
open a DM with itself or another bot (50007 as well). Messages in DM channels go through the
ordinary message routes (rest/messages.py asks `State.place`), without permissions.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox import errors
from bot.sandbox.errors import ApiError
from bot.sandbox.rest import Ctx, Reply, router

DM = 1


@router.add("POST", "/users/@me/channels")
async def open_dm(ctx: Ctx) -> Reply:
    body = ctx.json
    raw = body.get("recipient_id")
    if raw is None:
        raise errors.field_error(["recipient_id"], "BASE_TYPE_REQUIRED", "This field is required")
    try:
        uid = int(raw)
    except (TypeError, ValueError):
        raise errors.field_error(
            ["recipient_id"], "NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.'
        ) from None
    state = ctx.sb.state
    user = state.users.get(uid)
    if user is None:
        raise errors.unknown("user")
    if uid == ctx.sb.bot_user_id:
        raise ApiError(400, "Cannot send messages to this user", 50007)
    channel = state.dm_channels.get(uid)
    if channel is None:
        channel = {
            "id": str(state.ids.next()),
            "type": DM,
            "last_message_id": None,
            "flags": 0,
            "recipients": [dict(user)],
        }
        state.dm_channels[uid] = channel
        state.dm_recipient[int(channel["id"])] = uid
    return Reply(200, dict(channel))


def check_dm_send(ctx: Ctx, channel: dict[str, Any]) -> None:
    """Refuse a message to a DM channel whose recipient does not take the bot's messages."""
    uid = ctx.sb.state.dm_recipient[int(channel["id"])]
    if not ctx.sb.state.can_dm(uid):
        raise ApiError(403, "Cannot send messages to this user", 50007)
