"""A local fake Discord (REST under /api/v10 + a gateway websocket on 127.0.0.1).

The real discord.py client connects to it when pointed there::

    sb = Sandbox()                      # validates bodies against bot/sandbox/spec/openapi.json
    await sb.start()
    discord.http.Route.BASE = sb.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sb.gateway_url)

Scene setting "by hand" (each dispatches the gateway event Discord would):
``add_guild``, ``add_role``, ``set_role_permissions``, ``add_member``, ``set_bot_permissions``,
``add_channel``, ``delete_channel``, ``post_message``, ``delete_message``, ``add_reaction``,
``set_voice_state``, ``set_event_interest``.

Reads: ``channels``, ``channel``, ``messages``, ``roles``, ``members``, ``scheduled_events``,
``voice_states``, ``commands``, ``guild``.

Interactions: ``invoke``, ``autocomplete``, ``click``, ``submit_modal`` -> ``InteractionResult``.

Recording: ``requests``, ``unknown_requests``, ``rejected``, ``clear_requests``, ``count``,
``gateway_events``, ``internal_errors``. Faults: ``inject_fault``, ``drop_websocket``.
Knobs: ``clock``, ``wall_clock``, ``interaction_deadline``, ``interaction_token_lifetime``,
``rename_limit``, ``heartbeat_interval``, ``allow_privileged_intents``,
``default_bot_permissions``, ``validator`` (None disables OpenAPI validation).
"""

from bot.sandbox.errors import ApiError
from bot.sandbox.guilds import SandboxGuild
from bot.sandbox.interactions import InteractionNotAnswered, InteractionResult
from bot.sandbox.recorder import RecordedRequest
from bot.sandbox.sandbox import Sandbox

__all__ = [
    "ApiError",
    "InteractionNotAnswered",
    "InteractionResult",
    "RecordedRequest",
    "Sandbox",
    "SandboxGuild",
]
