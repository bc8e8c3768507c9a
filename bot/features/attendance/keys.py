"""The purpose keys attendance owns in guild_structure, built and read only here.

`attendance_notice:<channel id>`: the privacy notice, posted once in that #announcements (a
recreated #announcements has another id, so the notice is posted there again). Released keys
are stored in databases: never change their form.
"""

from __future__ import annotations

NOTICE_PREFIX = "attendance_notice:"


def notice_key(channel_id: int) -> str:
    """The purpose of the notice posted in #announcements `channel_id`."""
    return f"{NOTICE_PREFIX}{channel_id}"


def notice_channel(purpose: str) -> int | None:
    """The #announcements channel a notice purpose names; None for any other purpose."""
    rest = purpose.removeprefix(NOTICE_PREFIX)
    if rest == purpose or not rest.isdigit():
        return None
    return int(rest)
