"""From what the gateway showed, in gateway order, to attendance rows: a pure fold.

The recorder feeds it batches of observations (voice moves, a guild's voice states when it
became available, the gateway connecting, disconnecting, resuming) and writes the resulting
`Changes` in one transaction. The tracker remembers who is inside where (the open rows) and how
much the bot can vouch for:

- A move whose `before` matches the open row ends it at the move; one whose `before` does not
  match means the bot missed the leave (it was disconnected): the row ends at the moment the
  bot lost the gateway, no later than the move, and is flagged `recovered`.
- After a new gateway session (`Connected`: READY, a re-IDENTIFY) moves are held per guild until
  that guild's voice states arrive (`GuildSeen`). The state GUILD_CREATE showed is that snapshot
  with every held person put back where their first held move says they were; rows of people no
  longer there are closed at the moment the gateway was lost, people found inside without a row
  get one from the connection, both flagged `recovered`; then the held moves apply. A person
  still in the same channel keeps their row.
- After a RESUME Discord replays what was missed, in order: moves apply as usual, and a move
  replayed twice changes nothing (a move to where someone already is is no move).
- The heartbeat ("the bot was watching until") advances only while connected and caught up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.domain.attendance import Place
from bot.domain.clock import to_epoch

Key = tuple[int, int]  # (guild, user)


@dataclass(frozen=True, slots=True)
class Presence:
    """Someone in a voice channel, as the gateway showed it."""

    channel_id: int
    channel_name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Moved:
    """A voice state update: `before` as the cache had it, `after` as the event says."""

    guild_id: int
    user_id: int
    at: datetime
    before: Presence | None
    after: Presence | None


@dataclass(frozen=True, slots=True)
class GuildSeen:
    """A guild became available (GUILD_CREATE): everyone in voice there, by user id."""

    guild_id: int
    at: datetime
    present: Mapping[int, Presence]


@dataclass(frozen=True, slots=True)
class Connected:
    """A new gateway session (READY): the guilds' states follow."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Ready:
    """Every guild of the new session was delivered."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Disconnected:
    at: datetime


@dataclass(frozen=True, slots=True)
class Resumed:
    at: datetime


@dataclass(frozen=True, slots=True)
class Beat:
    """The bot is alive at `at` (the heartbeat advances if it is watching)."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Forget:
    """Delete everything recorded about a person (`token` tells the answers apart)."""

    guild_id: int
    user_id: int
    token: int


Observation = Moved | GuildSeen | Connected | Ready | Disconnected | Resumed | Beat | Forget


@dataclass(frozen=True, slots=True)
class OpenStay:
    channel_id: int
    channel_name: str
    display_name: str
    place: Place
    joined_at: int
    recovered: bool
    stored: bool  # the row exists in the database (else it is new in this batch)


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


@dataclass
class Tracker:
    open: dict[Key, OpenStay] = field(default_factory=dict)
    lost_at: int | None = None  # when the gateway was lost (None: connected or never was)
    connected_at: int | None = None
    awaiting: bool = False  # between READY and the end of its guilds: hold moves
    seen: set[int] = field(default_factory=set)  # guilds delivered in this session
    held: dict[int, list[Moved]] = field(default_factory=dict)
    watching: bool = False  # connected and caught up: the heartbeat may advance

    def copy(self) -> Tracker:
        return Tracker(
            open=dict(self.open),
            lost_at=self.lost_at,
            connected_at=self.connected_at,
            awaiting=self.awaiting,
            seen=set(self.seen),
            held={g: list(moves) for g, moves in self.held.items()},
            watching=self.watching,
        )

    def apply(self, observations: Iterable[Observation], place_of: PlaceOf) -> Changes:
        """Fold a batch into this tracker; returns what to write. On a failed write, throw this
        tracker away and fold the same batch into a copy of the previous one again."""
        fold = _Fold(self, place_of)
        for item in observations:
            fold.feed(item)
        return fold.finish()


def channels_of(observations: Iterable[Observation]) -> set[int]:
    """The channels a batch may open rows in (their places are looked up once per batch)."""
    ids: set[int] = set()
    for item in observations:
        if isinstance(item, Moved):
            ids.update(p.channel_id for p in (item.before, item.after) if p is not None)
        elif isinstance(item, GuildSeen):
            ids.update(p.channel_id for p in item.present.values())
    return ids


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
            t.awaiting, t.seen, t.watching = True, set(), False
            t.connected_at = to_epoch(item.at)
        elif isinstance(item, Ready | Resumed):
            self.release_held()
            t.awaiting, t.lost_at, t.watching = False, None, True
            self.beat(to_epoch(item.at))
        elif isinstance(item, Disconnected):
            at = to_epoch(item.at)
            self.beat(at)  # watched until now
            if t.lost_at is None:
                t.lost_at = at
            t.watching = False
        elif isinstance(item, Beat):
            self.beat(to_epoch(item.at))
        else:
            self.forget(item)

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
                self.close(key, at if lost is None else min(at, lost), recovered=True)
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
        for key in [k for k in t.open if k[0] == guild]:
            there = state.get(key[1])
            if there is None or there.channel_id != t.open[key].channel_id:
                self.close(key, close_at, recovered=True)
        for user, presence in state.items():
            if (guild, user) not in t.open:
                self.open((guild, user), presence, open_at, recovered=True)
        t.seen.add(guild)
        for move in held:
            self.move(move)
        if t.watching:
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
        )

    def close(self, key: Key, at: int, *, recovered: bool) -> None:
        stay = self.t.open.pop(key)
        left = max(stay.joined_at, at)
        flagged = recovered or stay.recovered
        if stay.stored:
            if left == stay.joined_at:
                self.changes.drops.append(key)
            else:
                self.changes.closes.append(Close(key[0], key[1], left, flagged))
            return
        row = self.new.pop(key)
        if left > row.joined_at:
            row.left_at, row.recovered = left, flagged
            self.changes.inserts.append(row)

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
