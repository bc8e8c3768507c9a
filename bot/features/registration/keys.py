"""Names of what registration owns and does (released: never change)."""

from __future__ import annotations

WELCOME = "welcome"  # the #welcome channel's purpose
WELCOME_MESSAGE = "welcome_message"  # its message with the buttons
PREFIXES = (WELCOME,)  # both purposes start with it
ATTEMPT = "registration.attempt"  # a submitted Register form (rate-limited)
REGISTER_ID = "reg:register"
ONBOARD_TEMPLATE = r"onb:(?P<topic>now|rooms|agenda)"


ROLE_PREFIX = "registration:role:"


def role_purpose(name: str) -> str:
    """The owned-object purpose of the ticket role the bot created under `name` (teardown
    deletes it; a role an organizer made stays theirs)."""
    return f"{ROLE_PREFIX}{name}"
