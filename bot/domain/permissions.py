"""Discord permission bits the bot uses, as plain integers (values from Discord's documentation).

The domain speaks of permissions by name; the gateway turns these into discord.py objects.
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
    MANAGE_ROLES = 1 << 28
    REQUEST_TO_SPEAK = 1 << 32
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38


# What the bot asks for in its invite URL, and why (the README lists the same, a test compares).
BOT_PERMISSIONS: dict[Perm, str] = {
    Perm.VIEW_CHANNEL: "see the channels it manages",
    Perm.MANAGE_CHANNELS: "create, open, lock and remove session, room and poster channels",
    Perm.MANAGE_ROLES: "set permission overwrites on the channels it creates",
    Perm.MANAGE_EVENTS: "create and update Scheduled Events for sessions",
    Perm.SEND_MESSAGES: "post announcements, reminders and the live room board",
    Perm.SEND_MESSAGES_IN_THREADS: "answer in poster threads",
    Perm.CREATE_PUBLIC_THREADS: "open poster posts in forum channels",
    Perm.MANAGE_THREADS: "lock and archive poster posts",
    Perm.EMBED_LINKS: "show embeds (programme, board, reports)",
    Perm.ATTACH_FILES: "attach .ics, CSV and chart files",
    Perm.READ_MESSAGE_HISTORY: "find its own board message again after a restart",
    Perm.CONNECT: "grant Connect in the rooms it opens (it may only grant what it holds)",
    Perm.SPEAK: "grant Speak in the rooms it opens",
    Perm.REQUEST_TO_SPEAK: "grant Request to Speak on keynote stages",
    Perm.MOVE_MEMBERS: "make organizers moderators of keynote stages",
    Perm.MUTE_MEMBERS: "make organizers moderators of keynote stages",
}


def bot_permissions_value() -> int:
    value = 0
    for perm in BOT_PERMISSIONS:
        value |= int(perm)
    return value
