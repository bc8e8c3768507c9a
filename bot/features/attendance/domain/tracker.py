"""From what the gateway showed, in gateway order, to attendance rows: a pure fold.

The recorder feeds it batches of observations (bot/features/attendance/domain/observations.py: voice
moves, a guild's voice states when it became available, the gateway connecting, disconnecting,
resuming) and writes the resulting `Changes` in one transaction. The tracker remembers who is
inside where (the open rows, with the voice session each began in) and how much the bot can
vouch for:

- A move whose `before` matches the open row ends it at the move; one whose `before` does not
  match means the bot missed the leave (it was disconnected): the row ends at the moment the
  bot lost the gateway, no later than the move, and is flagged `recovered`.
- After a new gateway session (`Connected`: READY, a re-IDENTIFY, or a new process that
  `adopt`ed the open rows a previous run left) moves are held per guild until that guild's
  voice states arrive (`GuildSeen`). The state GUILD_CREATE showed is that snapshot with every
  held person put back where their first held move says they were. Then, per person:
  still in the same channel in the same voice session: the row goes on (one continuous stay);
  gone: the row ends when the bot was last watching (the gateway lost, a previous run's last
  sign of life); in another channel of the same voice session (they never left voice): the row
  ends there and the next begins at that moment; in a new voice session (they left and came
  back): the row ends there and the next begins at the connection. Inferred boundaries are
  flagged `recovered`; then the held moves apply.
- A stay the bot saw begin is never dropped for an end it did not see: it lasts at least its
  first second. (One it saw begin and end within a second is no stay, as always.)
- After a RESUME Discord replays what was missed, in order: moves apply as usual, and a move
  replayed twice changes nothing (a move to where someone already is is no move).
- The heartbeat ("the bot was watching until") advances only while connected and caught up:
  after a new gateway session, once every guild it serves has delivered its voice states.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from bot.domain.clock import to_epoch
from bot.features.attendance.domain.observations import (
    Beat,
    Connected,
    Disconnected,
    Forget,
    GuildSeen,
    Moved,
    Observation,
    Presence,
    Ready,
    Resumed,
)
from bot.features.attendance.domain.stays import Place

Key = tuple[int, int]  # (guild, user)


@dataclass(frozen=True, slots=True)
class OpenStay:
    channel_id: int
    channel_name: str
    display_name: str
    place: Place
    joined_at: int
    recovered: bool
    stored: bool  # the row exists in the database (else it is new in this batch)
    session: str | None = None  # the voice session it began in (None: not known)


@dataclass(slots=True)
class Row:
    """A row to insert (`left_at` None: still open)."""

    guild_id: int
    user_id: int
    display_name: str
    channel_id: int
    channel_name: str
    place: Place
    joined_at: int
    left_at: int | None
    recovered: bool
    session: str | None = None  # kept only while the row is open


@dataclass(frozen=True, slots=True)
class Close:
    """End a stored open row."""

    guild_id: int
    user_id: int
    left_at: int
    recovered: bool


@dataclass
class Changes:
    """What one batch does to the database, to be applied in this order: forgets, drops,
    closes, inserts (each statement only touches rows that existed before the batch, except the
    inserts)."""

    forgets: list[tuple[int, int, int]] = field(default_factory=list)  # guild, user, token
    drops: list[Key] = field(default_factory=list)  # stored open rows that lasted 0 s
    closes: list[Close] = field(default_factory=list)
    inserts: list[Row] = field(default_factory=list)
    heartbeat: int | None = None
    forgotten_in_batch: dict[int, int] = field(default_factory=dict)  # token -> rows never written

    @property
    def empty(self) -> bool:
        return not (
            self.forgets or self.drops or self.closes or self.inserts or self.heartbeat is not None
        )


PlaceOf = Callable[[int], Place]


def same_session(a: str | None, b: str | None) -> bool | None:
    """Whether two voice states belong to one voice connection (None: cannot tell)."""
    return None if a is None or b is None else a == b


@dataclass
class Tracker:
    open: dict[Key, OpenStay] = field(default_factory=dict)
    lost_at: int | None = None  # since when the bot was not watching (None: watching or never was)
    connected_at: int | None = None
    connected: bool = False
    awaiting: bool = False  # between READY and the end of its guilds: hold moves
    expected: frozenset[int] | None = None  # the guilds READY listed (None: not known)
    seen: set[int] = field(default_factory=set)  # guilds delivered in this session
    held: dict[int, list[Moved]] = field(default_factory=dict)

    @property
    def watching(self) -> bool:
        """Connected and caught up: the heartbeat may advance."""
        if not self.connected:
            return False
        if not self.awaiting:
            return True
        return self.expected is not None and self.expected <= self.seen

    def copy(self) -> Tracker:
        return Tracker(
            open=dict(self.open),
            lost_at=self.lost_at,
            connected_at=self.connected_at,
            connected=self.connected,
            awaiting=self.awaiting,
            expected=self.expected,
            seen=set(self.seen),
            held={g: list(moves) for g, moves in self.held.items()},
        )

    def adopt(self, stays: Iterable[tuple[Key, OpenStay]], last_beat: int | None) -> None:
        """Take over the rows a previous run left open (a new process, before its first gateway
        session), with the last moment that run vouched for. They are reconciled like after a
        re-IDENTIFY when their guild's voice states arrive."""
        adopted = {key: replace(stay, stored=True) for key, stay in stays}
        self.open.update(adopted)
        if adopted:
            earliest = min(stay.joined_at for stay in adopted.values())
            self.lost_at = last_beat if last_beat is not None else earliest

    def apply(self, observations: Iterable[Observation], place_of: PlaceOf) -> Changes:
        """Fold a batch into this tracker; returns what to write. On a failed write, throw this
        tracker away and fold the same batch into a copy of the previous one again."""
        fold = _Fold(self, place_of)
        for item in observations:
            fold.feed(item)
        return fold.finish()


class _Fold:
    def __init__(self, tracker: Tracker, place_of: PlaceOf) -> None:
        self.t = tracker
        self.place_of = place_of
        self.changes = Changes()
        self.new: dict[Key, Row] = {}  # rows opened in this batch, still open

    # -- observations ------------------------------------------------------------------------

    def feed(self, item: Observation) -> None:
        t = self.t
        if isinstance(item, Moved):
            if t.awaiting and item.guild_id not in t.seen:
                t.held.setdefault(item.guild_id, []).append(item)
            else:
                self.move(item)
        elif isinstance(item, GuildSeen):
            self.guild_seen(item)
        elif isinstance(item, Connected):
            self.connected(item)
        elif isinstance(item, Ready | Resumed):
            self.release_held()
            t.awaiting, t.lost_at, t.connected = False, None, True
            self.beat(to_epoch(item.at))
        elif isinstance(item, Disconnected):
            at = to_epoch(item.at)
            self.beat(at)  # watched until now
            if t.lost_at is None:
                t.lost_at = at
            t.connected = False
        elif isinstance(item, Beat):
            self.beat(to_epoch(item.at))
        else:
            self.forget(item)

    def connected(self, item: Connected) -> None:
        t = self.t
        at = to_epoch(item.at)
        t.awaiting, t.seen, t.connected = True, set(), True
        t.connected_at, t.expected = at, item.guilds
        if item.guilds is None:
            return
        gone = t.lost_at if t.lost_at is not None else at
        for key in [k for k in t.open if k[0] not in item.guilds]:
            self.close(key, gone, recovered=True)  # a guild no longer served
        for guild in [g for g in t.held if g not in item.guilds]:
            del t.held[guild]

    def move(self, item: Moved) -> None:
        key = (item.guild_id, item.user_id)
        current = self.t.open.get(key)
        after = item.after
        if current is not None and after is not None and current.channel_id == after.channel_id:
            return  # already there (a replay, or a mute/deafen update)
        at = to_epoch(item.at)
        if current is not None:
            seen_leaving = item.before is not None and item.before.channel_id == current.channel_id
            if seen_leaving:
                self.close(key, at, recovered=False)
            else:
                lost = self.t.lost_at
                self.close(key, at if lost is None else min(at, lost), recovered=True, limit=at)
        if after is not None:
            self.open(key, after, at, recovered=False)
        self.beat(at)

    def guild_seen(self, item: GuildSeen) -> None:
        t = self.t
        guild = item.guild_id
        at = to_epoch(item.at)
        held = t.held.pop(guild, [])
        # Where everyone was when the guild was delivered: held moves happened after it.
        state = dict(item.present)
        first_moves: set[int] = set()
        for move in held:
            if move.user_id in first_moves:
                continue
            first_moves.add(move.user_id)
            if move.before is None:
                state.pop(move.user_id, None)
            else:
                state[move.user_id] = move.before
        close_at = t.lost_at if t.lost_at is not None else at
        open_at = t.connected_at if t.awaiting and t.connected_at is not None else at
        starts: dict[int, int] = {}  # user -> when their next stay begins, if not `open_at`
        for key in [k for k in t.open if k[0] == guild]:
            stay, there = t.open[key], state.get(key[1])
            session = None if there is None else same_session(stay.session, there.session)
            if there is None:
                self.close(key, close_at, recovered=True)
            elif there.channel_id == stay.channel_id and session is not False:
                continue  # the same stay goes on
            elif session:  # another channel, never out of voice: no gap between the two
                starts[key[1]] = self.close(key, close_at, recovered=True) or open_at
            else:
                self.close(key, close_at, recovered=True, limit=open_at)
        for user, presence in state.items():
            if (guild, user) not in t.open:
                self.open((guild, user), presence, starts.get(user, open_at), recovered=True)
        t.seen.add(guild)
        for move in held:
            self.move(move)
        self.beat(at)

    def release_held(self) -> None:
        """Guilds that never became available: apply their held moves as they are."""
        held, self.t.held = self.t.held, {}
        for moves in held.values():
            for move in moves:
                self.move(move)

    def forget(self, item: Forget) -> None:
        key = (item.guild_id, item.user_id)
        changes = self.changes
        before = len(changes.inserts)
        changes.inserts = [r for r in changes.inserts if (r.guild_id, r.user_id) != key]
        dropped = before - len(changes.inserts)
        if self.new.pop(key, None) is not None:
            dropped += 1
        changes.drops = [k for k in changes.drops if k != key]
        changes.closes = [c for c in changes.closes if (c.guild_id, c.user_id) != key]
        self.t.open.pop(key, None)
        changes.forgets.append((item.guild_id, item.user_id, item.token))
        changes.forgotten_in_batch[item.token] = dropped

    # -- rows ----------------------------------------------------------------------------------

    def open(self, key: Key, presence: Presence, at: int, *, recovered: bool) -> None:
        place = self.place_of(presence.channel_id)
        self.t.open[key] = OpenStay(
            channel_id=presence.channel_id,
            channel_name=presence.channel_name,
            display_name=presence.display_name,
            place=place,
            joined_at=at,
            recovered=recovered,
            stored=False,
            session=presence.session,
        )
        self.new[key] = Row(
            guild_id=key[0],
            user_id=key[1],
            display_name=presence.display_name,
            channel_id=presence.channel_id,
            channel_name=presence.channel_name,
            place=place,
            joined_at=at,
            left_at=None,
            recovered=recovered,
            session=presence.session,
        )

    def close(self, key: Key, at: int, *, recovered: bool, limit: int | None = None) -> int | None:
        """End an open stay at `at` (no earlier than it began); returns when it ended, or None
        when it lasted no time and is gone. An end the bot did not see (`recovered`) is at least
        a second after the start, unless the next stay begins sooner (`limit`)."""
        stay = self.t.open.pop(key)
        left = max(stay.joined_at, at)
        if recovered and left == stay.joined_at and (limit is None or limit > left):
            left += 1
        flagged = recovered or stay.recovered
        if stay.stored:
            if left == stay.joined_at:
                self.changes.drops.append(key)
                return None
            self.changes.closes.append(Close(key[0], key[1], left, flagged))
            return left
        row = self.new.pop(key)
        if left == row.joined_at:
            return None
        row.left_at, row.recovered, row.session = left, flagged, None
        self.changes.inserts.append(row)
        return left

    def beat(self, at: int) -> None:
        if self.t.watching:
            current = self.changes.heartbeat
            self.changes.heartbeat = at if current is None else max(current, at)

    def finish(self) -> Changes:
        self.changes.inserts.extend(self.new.values())
        for key in self.new:
            self.t.open[key] = replace(self.t.open[key], stored=True)
        self.new = {}
        return self.changes
