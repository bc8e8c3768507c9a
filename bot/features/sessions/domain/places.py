"""The permission overwrites of a session's place, as a function of its phase.

Before the start a place is visible but locked (attendees can look, not connect or write); while
the session runs it is open; after the end (+ grace) and when cancelled it is read-only. Organizers
can always enter and moderate; the bot keeps what it needs to post reminders and manage events.
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.permissions import Perm
from bot.domain.structure import OverwriteSpec, Target
from bot.features.sessions.domain.layout import ChannelKind
from bot.features.sessions.domain.model import SessionStatus


class Phase(StrEnum):
    LOCKED = "locked"  # before the start
    OPEN = "open"
    CLOSED = "closed"  # after the end, or cancelled: read-only


def phase_of(status: SessionStatus) -> Phase:
    if status is SessionStatus.OPEN:
        return Phase.OPEN
    if status is SessionStatus.SCHEDULED:
        return Phase.LOCKED
    return Phase.CLOSED


_VOICE_USE = Perm.CONNECT | Perm.SPEAK
_STAGE_USE = Perm.CONNECT | Perm.REQUEST_TO_SPEAK
_WRITE = Perm.SEND_MESSAGES | Perm.SEND_MESSAGES_IN_THREADS | Perm.CREATE_PUBLIC_THREADS
_READ = Perm.VIEW_CHANNEL | Perm.READ_MESSAGE_HISTORY

_BOT = OverwriteSpec(
    target=Target.BOT,
    allow=_READ | Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.CONNECT,
)


def _use(kind: ChannelKind) -> Perm:
    if kind is ChannelKind.STAGE:
        return _STAGE_USE
    if kind is ChannelKind.VOICE:
        return _VOICE_USE
    return Perm(0)


#: What makes a member a stage moderator (Mute Members + Move Members on the stage; Discord also
#: counts Manage Channels, which the bot does not hand out), plus entering and speaking.
STAGE_MODERATOR = _READ | _WRITE | Perm.CONNECT | Perm.SPEAK | Perm.MUTE_MEMBERS | Perm.MOVE_MEMBERS


#: A chair or speaker in their own voice channel before the doors open (sound check, check-in).
SPEAKER_VOICE = _READ | _WRITE | _VOICE_USE


def people_overwrite(kind: ChannelKind) -> Perm:
    """What a session's chair and speakers get on their own place, as member overwrites, while
    it is scheduled or open (they prepare before the doors open, and joining checks them in):
    stage moderators on a Stage, Connect and Speak on a voice channel; nothing on a text one."""
    if kind is ChannelKind.STAGE:
        return STAGE_MODERATOR
    return SPEAKER_VOICE if kind is ChannelKind.VOICE else Perm(0)


def _organizers(kind: ChannelKind) -> OverwriteSpec:
    allow = _READ | _WRITE
    if kind is ChannelKind.STAGE:
        # Stage moderators: Manage Channels + Mute Members + Move Members on the stage.
        allow |= STAGE_MODERATOR
    elif kind is ChannelKind.VOICE:
        allow |= _VOICE_USE
    return OverwriteSpec(target=Target.ORGANIZERS, allow=allow)


# A poster session's forum is browsable before, during and after the session: everyone can read
# and reply in a board's post; only the bot opens posts (one per claimed board).
_FORUM = (
    OverwriteSpec(
        target=Target.EVERYONE,
        allow=_READ | Perm.SEND_MESSAGES_IN_THREADS,
        deny=Perm.SEND_MESSAGES | Perm.CREATE_PUBLIC_THREADS,  # forums have no private threads
    ),
    OverwriteSpec(target=Target.ORGANIZERS, allow=_READ | _WRITE | Perm.MANAGE_THREADS),
    OverwriteSpec(
        target=Target.BOT,
        allow=_READ
        | Perm.SEND_MESSAGES
        | Perm.SEND_MESSAGES_IN_THREADS
        | Perm.EMBED_LINKS
        | Perm.ATTACH_FILES
        | Perm.MANAGE_THREADS,
    ),
)

# Without Community, a poster session's place is a text channel that works like the forum: each
# board's post is a bot message with a thread started from it. Attendees read and reply in the
# threads only; the bot also needs Create Public Threads there (the @everyone deny holds it too).
_POSTER_TEXT = (
    *_FORUM[:2],
    OverwriteSpec(target=Target.BOT, allow=_FORUM[2].allow | Perm.CREATE_PUBLIC_THREADS),
)


def place_overwrites(
    kind: ChannelKind, phase: Phase, *, posters: bool = False
) -> tuple[OverwriteSpec, ...]:
    """The overwrites of a place of this kind in this phase; `posters`: a poster session's
    place (a forum, or its stand-in text channel), the same in every phase."""
    if kind is ChannelKind.FORUM:
        return _FORUM
    if posters and kind is ChannelKind.TEXT:
        return _POSTER_TEXT
    use = _use(kind)
    if phase is Phase.OPEN:
        everyone = OverwriteSpec(target=Target.EVERYONE, allow=_READ | _WRITE | use)
    else:
        everyone = OverwriteSpec(target=Target.EVERYONE, allow=_READ, deny=_WRITE | use)
    return (everyone, _organizers(kind), _BOT)
