"""Discord's limits and the bot's own that more than one feature needs (pure numbers)."""

from __future__ import annotations

CHANNELS_PER_CATEGORY = 50
CHANNELS_PER_GUILD = 500  # categories count as channels too
CHANNEL_NAME_MAX = 100

# A poster session's boards: the schedule importer reads their count, posters make them.
BOARDS_MIN = 1
BOARDS_MAX = 200


def board_channels(boards: int) -> int:
    """The channels `boards` boards take before their session: a voice channel each, in
    categories of at most 50."""
    return boards + -(-boards // CHANNELS_PER_CATEGORY) if boards > 0 else 0
