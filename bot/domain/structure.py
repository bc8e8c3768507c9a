"""The base structure `/workshop setup` creates: a blueprint, independent of Discord.

Each item has a *purpose* (its stable key in the database), a kind, a parent and permission
overwrites given for symbolic targets (everyone, the organizer roles, the bot itself) that the
service resolves to ids.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.permissions import Perm


class ChannelKind(StrEnum):
    CATEGORY = "category"
    TEXT = "text"
    VOICE = "voice"
    STAGE = "stage"
    FORUM = "forum"


class ItemKind(StrEnum):
    CATEGORY = "category"
    TEXT = "text"
    VOICE = "voice"
    STAGE = "stage"
    FORUM = "forum"
    MESSAGE = "message"
    EVENT = "event"
    ROLE = "role"  # a role the bot created (registration's ticket roles)


class Target(StrEnum):
    EVERYONE = "everyone"
    ORGANIZERS = "organizers"
    BOT = "bot"


class OverwriteSpec(BaseModel):
    model_config = ConfigDict(frozen=True)
    target: Target
    allow: Perm = Perm(0)
    deny: Perm = Perm(0)


class ResolvedOverwrite(BaseModel):
    """An overwrite for a concrete role or member id."""

    model_config = ConfigDict(frozen=True)
    target_id: int
    is_role: bool
    allow: int
    deny: int


class ChannelSpec(BaseModel):
    model_config = ConfigDict(frozen=True)
    purpose: str
    kind: ChannelKind
    name_key: str
    topic_key: str | None = None
    parent: str | None = None
    overwrites: tuple[OverwriteSpec, ...] = ()


class Purpose:
    INFO_CATEGORY = "info_category"
    ANNOUNCEMENTS = "announcements"
    LOBBY = "lobby"
    HELP = "help"
    LOBBY_BOARD = "lobby_board"
    # The guide pinned in #help; the row's purpose adds the channel and the text's version.
    HELP_MESSAGE = "help_message"


_READ_ONLY_FOR_ATTENDEES = (
    OverwriteSpec(
        target=Target.EVERYONE,
        allow=Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY,
        # Create Private Threads is not denied: the bot does not hold it (Discord refuses an
        # overwrite with a bit the bot lacks), and without Send Messages in Threads such a thread
        # would stay empty.
        deny=Perm.SEND_MESSAGES | Perm.SEND_MESSAGES_IN_THREADS | Perm.CREATE_PUBLIC_THREADS,
    ),
    OverwriteSpec(
        target=Target.ORGANIZERS,
        allow=Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.ATTACH_FILES,
    ),
    # Denying @everyone would silence the bot too: it keeps its own member overwrite.
    OverwriteSpec(
        target=Target.BOT,
        allow=Perm.VIEW_CHANNEL
        | Perm.SEND_MESSAGES
        | Perm.EMBED_LINKS
        | Perm.ATTACH_FILES
        | Perm.READ_MESSAGE_HISTORY,
    ),
)

BASE_CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        purpose=Purpose.INFO_CATEGORY,
        kind=ChannelKind.CATEGORY,
        name_key="structure.info_category",
    ),
    ChannelSpec(
        purpose=Purpose.ANNOUNCEMENTS,
        kind=ChannelKind.TEXT,
        name_key="structure.announcements",
        topic_key="structure.announcements_topic",
        parent=Purpose.INFO_CATEGORY,
        overwrites=_READ_ONLY_FOR_ATTENDEES,
    ),
    ChannelSpec(
        purpose=Purpose.LOBBY,
        kind=ChannelKind.TEXT,
        name_key="structure.lobby",
        topic_key="structure.lobby_topic",
        parent=Purpose.INFO_CATEGORY,
        overwrites=_READ_ONLY_FOR_ATTENDEES,
    ),
    ChannelSpec(
        purpose=Purpose.HELP,
        kind=ChannelKind.TEXT,
        name_key="structure.help",
        topic_key="structure.help_topic",
        parent=Purpose.INFO_CATEGORY,
    ),
)


def resolve_overwrites(
    specs: tuple[OverwriteSpec, ...],
    *,
    everyone_role_id: int,
    organizer_role_ids: list[int],
    bot_user_id: int,
) -> list[ResolvedOverwrite]:
    resolved: list[ResolvedOverwrite] = []
    for spec in specs:
        allow, deny = int(spec.allow), int(spec.deny)
        if spec.target is Target.EVERYONE:
            resolved.append(
                ResolvedOverwrite(target_id=everyone_role_id, is_role=True, allow=allow, deny=deny)
            )
        elif spec.target is Target.ORGANIZERS:
            resolved.extend(
                ResolvedOverwrite(target_id=rid, is_role=True, allow=allow, deny=deny)
                for rid in organizer_role_ids
            )
        else:
            resolved.append(
                ResolvedOverwrite(target_id=bot_user_id, is_role=False, allow=allow, deny=deny)
            )
    return resolved


class ItemState(StrEnum):
    PENDING = "pending"  # intent recorded, Discord's answer not (yet): the object may exist
    LIVE = "live"  # discord_id is the object
    GONE = "gone"  # Discord reported it deleted: recreate, never adopt


class StructureItem(BaseModel):
    """A row of guild_structure: what the bot owns for a purpose."""

    model_config = ConfigDict(frozen=True)
    guild_id: int
    purpose: str
    kind: ItemKind
    parent_purpose: str | None
    discord_id: int | None
    state: ItemState

    @property
    def pending(self) -> bool:
        return self.state is ItemState.PENDING
