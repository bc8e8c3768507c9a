"""Discord permission bits the bot uses, as plain integers (values from Discord's documentation).

The domain speaks of permissions by name; the gateway turns these into discord.py objects. Which
of them the bot asks for, and why, is the catalogue in `bot/core/permissions.py`.
"""

from __future__ import annotations

from enum import IntFlag


class Perm(IntFlag):
    CREATE_INSTANT_INVITE = 1 << 0
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    MUTE_MEMBERS = 1 << 22
    MOVE_MEMBERS = 1 << 24
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    REQUEST_TO_SPEAK = 1 << 32
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38
    SET_VOICE_CHANNEL_STATUS = 1 << 48
    PIN_MESSAGES = 1 << 51  # split from Manage Messages by Discord in 2025
