"""What the live room board in #lobby shows, and how it fits in one embed.

The board lists the running sessions and every open topic room with who is inside. However busy
the corridor gets it stays within Discord's embed limits: names are shortened past a handful, and
when the rooms no longer fit the quietest ones are summarized as "+N more". Topics, titles and
display names are members' text: each is shown on one line, as typed (bot/domain/text_safety.py),
so none can forge a line of the board, style it or reverse the names next to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from bot.domain.text_safety import escape_markdown, one_line, plain_line

DESCRIPTION_MAX = 4096  # Discord's limit for an embed description
NAMES_SHOWN = 5
NAME_MAX = 32  # a display name is at most 32 characters
TITLE_MAX = 60  # a room's topic is cut to this on the board (the channel has it whole)


def escape(text: str) -> str:
    """Plain text in an embed: markdown and mention syntax shown as typed, never interpreted."""
    return escape_markdown(text)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def as_typed(text: str, limit: int) -> str:
    """Member text on one line of the board: at most `limit` characters of it, as typed."""
    return one_line(plain_line(text, limit))


class BoardRoom(BaseModel):
    model_config = ConfigDict(frozen=True)
    channel_id: int
    title: str
    occupants: tuple[str, ...] = ()  # display names of the people inside
    user_limit: int | None = None
    has_voice: bool = True  # False: a session held elsewhere (e.g. Zoom) with a text channel
    poster: tuple[int, int, int] | None = None  # a poster session: boards, people, presenters
    link: str | None = None  # a topic room's whiteboard or document (checked: https only)


class RoomBoard(BaseModel):
    model_config = ConfigDict(frozen=True)
    running_sessions: tuple[BoardRoom, ...] = ()
    rooms: tuple[BoardRoom, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.running_sessions and not self.rooms

    @property
    def people_in_rooms(self) -> int:
        return sum(len(r.occupants) for r in self.rooms)


@dataclass(frozen=True)
class BoardTexts:
    """The board's words in one language; `{…}` are filled in here."""

    sessions_heading: str  # "Running now"
    rooms_heading: str  # "Topic rooms · {rooms} open · {people} inside"
    no_rooms: str  # "No topic rooms yet: press “Open a room”."
    inside: str  # "{count} inside"
    inside_limited: str  # "{count}/{limit} inside"
    empty_room: str  # "empty"
    more_names: str  # "+{count}"
    more_rooms: str  # "+{rooms} more rooms ({people} inside): /room list"
    more_sessions: str  # "+{count} more sessions: /schedule show"
    poster_summary: str  # "{boards} boards, {people} people, presenters present: {presenters}"


def names_line(names: tuple[str, ...], texts: BoardTexts, shown: int = NAMES_SHOWN) -> str:
    """ "Aki, Ben, Chie +3": the first few display names, sorted so the line is stable."""
    ordered = sorted(names, key=lambda n: plain_line(n).casefold())
    head = ", ".join(as_typed(n, NAME_MAX) for n in ordered[:shown])
    rest = len(ordered) - shown
    return head if rest <= 0 else f"{head} {texts.more_names.format(count=rest)}"


def room_line(room: BoardRoom, texts: BoardTexts, icon: str, *, names: bool = True) -> str:
    count = len(room.occupants)
    if room.poster is not None:
        boards, people, presenters = room.poster
        summary = texts.poster_summary.format(boards=boards, people=people, presenters=presenters)
        return f"🖼️ <#{room.channel_id}> {as_typed(room.title, TITLE_MAX)} · {summary}"
    if not room.has_voice:
        return f"{icon} <#{room.channel_id}> {as_typed(room.title, TITLE_MAX)}"
    if count == 0:
        state = texts.empty_room
    elif room.user_limit:
        state = texts.inside_limited.format(count=count, limit=room.user_limit)
    else:
        state = texts.inside.format(count=count)
    line = f"{icon} <#{room.channel_id}> {as_typed(room.title, TITLE_MAX)} · {state}"
    if room.link is not None:
        line += f" · [🔗]({room.link})"
    if names and count:
        line += f": {names_line(room.occupants, texts)}"
    return line


def _busiest_first(rooms: tuple[BoardRoom, ...]) -> list[BoardRoom]:
    # Stable under small changes: by occupancy, then by channel id (= age).
    return sorted(rooms, key=lambda r: (-len(r.occupants), r.channel_id))


def board_description(
    board: RoomBoard, texts: BoardTexts, empty_text: str, limit: int = DESCRIPTION_MAX
) -> str:
    """The board as one embed description of at most `limit` characters."""
    if board.empty:
        return empty_text
    parts: list[str] = []
    used = 0

    def fits(line: str, reserve: int = 0) -> bool:
        return used + len(line) + 1 + reserve <= limit

    def add(line: str) -> None:
        nonlocal used
        parts.append(line)
        used += len(line) + 1

    # Keep room for the summary lines that may follow.
    reserve = 200
    if board.running_sessions:
        add(f"**{texts.sessions_heading}**")
        sessions = _busiest_first(board.running_sessions)
        for index, session in enumerate(sessions):
            line = room_line(session, texts, "🎤")
            if not fits(line, reserve * 2):
                line = room_line(session, texts, "🎤", names=False)
            if not fits(line, reserve * 2):
                add(texts.more_sessions.format(count=len(sessions) - index))
                break
            add(line)
        add("")
    heading = texts.rooms_heading.format(rooms=len(board.rooms), people=board.people_in_rooms)
    add(f"**{heading}**")
    if not board.rooms:
        add(texts.no_rooms)
    rooms = _busiest_first(board.rooms)
    for index, room in enumerate(rooms):
        line = room_line(room, texts, "🔊" if room.occupants else "🔈")
        if not fits(line, reserve):
            line = room_line(room, texts, "🔊" if room.occupants else "🔈", names=False)
        if not fits(line, reserve):
            rest = rooms[index:]
            people = sum(len(r.occupants) for r in rest)
            add(texts.more_rooms.format(rooms=len(rest), people=people))
            break
        add(line)
    return "\n".join(parts).rstrip()[:limit]
