"""The permission catalogue: the one list of Discord permissions the bot needs, and why.

Everything about permissions comes from here: the invite integer and URL
(`workshop-bot permissions`), the README's table (a test compares), the self-check at start and
in `/workshop status`, and the limit on what any permission overwrite the bot writes may contain
(Discord refuses, 403/50013, an overwrite that allows *or denies* a bit the bot does not hold
itself; a test enumerates every overwrite the code can produce against this list).

Names and reasons are message-catalog keys (`permissions.<key>.name` / `.why`) so they read in
the reader's language; the English names are the ones Discord's client shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from bot.domain.permissions import Perm

OAUTH_SCOPES = ("bot", "applications.commands")
AUTHORIZE_URL = "https://discord.com/oauth2/authorize"


@dataclass(frozen=True)
class Needed:
    """One permission the bot asks for. `key` names it in the message catalogs."""

    perm: Perm
    key: str

    @property
    def name_key(self) -> str:
        return f"permissions.{self.key}.name"

    @property
    def why_key(self) -> str:
        return f"permissions.{self.key}.why"

    @property
    def breaks_key(self) -> str:
        """What stops working without it (the start-up warning, `/workshop status`)."""
        return f"permissions.{self.key}.breaks"


CATALOGUE: tuple[Needed, ...] = (
    Needed(Perm.VIEW_CHANNEL, "view_channel"),
    Needed(Perm.MANAGE_CHANNELS, "manage_channels"),
    Needed(Perm.MANAGE_ROLES, "manage_roles"),
    Needed(Perm.MANAGE_NICKNAMES, "manage_nicknames"),
    Needed(Perm.MANAGE_EVENTS, "manage_events"),
    Needed(Perm.SEND_MESSAGES, "send_messages"),
    Needed(Perm.SEND_MESSAGES_IN_THREADS, "send_messages_in_threads"),
    Needed(Perm.CREATE_PUBLIC_THREADS, "create_public_threads"),
    Needed(Perm.MANAGE_THREADS, "manage_threads"),
    Needed(Perm.EMBED_LINKS, "embed_links"),
    Needed(Perm.ATTACH_FILES, "attach_files"),
    Needed(Perm.READ_MESSAGE_HISTORY, "read_message_history"),
    Needed(Perm.PIN_MESSAGES, "pin_messages"),
    Needed(Perm.CONNECT, "connect"),
    Needed(Perm.SPEAK, "speak"),
    Needed(Perm.REQUEST_TO_SPEAK, "request_to_speak"),
    Needed(Perm.MOVE_MEMBERS, "move_members"),
    Needed(Perm.MUTE_MEMBERS, "mute_members"),
    Needed(Perm.SET_VOICE_CHANNEL_STATUS, "set_voice_channel_status"),
)

# Bits the bot once wrote into overwrites but no longer asks for, and why (the README says so).
NOT_ASKED: tuple[tuple[Perm, str], ...] = ((Perm.CREATE_PRIVATE_THREADS, "create_private_threads"),)


def invite_permissions() -> int:
    """The integer of the invite URL: every permission of the catalogue."""
    value = 0
    for needed in CATALOGUE:
        value |= int(needed.perm)
    return value


INVITE_PERMISSIONS = invite_permissions()


def uncovered(bits: int) -> int:
    """The bits of `bits` that the catalogue does not ask for (0: an overwrite may use them)."""
    return int(bits) & ~INVITE_PERMISSIONS


def missing(have: int, *, administrator: bool = False) -> list[Needed]:
    """What of the catalogue a member with guild permissions `have` lacks (in catalogue order).
    Administrator implies every permission."""
    if administrator or have & Perm.ADMINISTRATOR:
        return []
    return [needed for needed in CATALOGUE if not have & needed.perm]


def invite_url(client_id: int | None) -> str:
    """The invite link; `client_id` None leaves a placeholder to fill in."""
    query = urlencode(
        {
            "client_id": str(client_id) if client_id else "YOUR_APPLICATION_ID",
            "scope": " ".join(OAUTH_SCOPES),
            "permissions": str(INVITE_PERMISSIONS),
        }
    )
    return f"{AUTHORIZE_URL}?{query}"


def client_id_from_token(token: str) -> int | None:
    """A bot token starts with the bot's user id (base64): for bots, the application id."""
    import base64
    import binascii

    head = token.split(".", 1)[0]
    try:
        raw = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(raw) if raw.isdigit() else None
