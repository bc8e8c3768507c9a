"""The attendance fold: moves to rows, batching, reconnects (RESUME, re-IDENTIFY), restarts,
forgetting, the heartbeat. Changes are applied to an in-memory table that checks the same
constraints as the SQLite one (one open row per person, no zero-length row)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

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
    channels_of,
)
from bot.features.attendance.domain.stays import OTHER, Place, PlaceKind
from bot.features.attendance.domain.tracker import Changes, OpenStay, Row, Tracker

G = 1
T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)
E0 = int(T0.timestamp())
PLACES = {
    10: Place(PlaceKind.SESSION, 5),
    11: Place(PlaceKind.ROOM, 7),
    12: Place(PlaceKind.POSTER, 5),
}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def p(channel: int | None, name: str = "") -> Presence | None:
    if channel is None:
        return None
    return Presence(channel_id=channel, channel_name=f"ch{channel}", display_name=name or "x")


def place_of(channel: int) -> Place:
    return PLACES.get(channel, OTHER)


class Table:
    """The attendance table, in memory, with its constraints."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.heartbeat: int | None = None

    def open_row(self, guild: int, user: int) -> list[Row]:
        return [
            r for r in self.rows if (r.guild_id, r.user_id) == (guild, user) and r.left_at is None
        ]

    def apply(self, changes: Changes) -> dict[int, int]:
        deleted = {}
        for guild, user, token in changes.forgets:
            before = len(self.rows)
            self.rows = [r for r in self.rows if (r.guild_id, r.user_id) != (guild, user)]
            deleted[token] = before - len(self.rows)
        for guild, user in changes.drops:
            (row,) = self.open_row(guild, user)
            self.rows.remove(row)
        for close in changes.closes:
            (row,) = self.open_row(close.guild_id, close.user_id)
            assert close.left_at > row.joined_at
            row.left_at, row.recovered = close.left_at, close.recovered
        for new in changes.inserts:
            assert new.left_at is None or new.left_at > new.joined_at
            if new.left_at is None:
                assert not self.open_row(new.guild_id, new.user_id), "one open row per person"
            self.rows.append(replace(new))
        if changes.heartbeat is not None:
            self.heartbeat = max(self.heartbeat or 0, changes.heartbeat)
        return deleted

    def spans(self) -> list[tuple[int, int, int, int | None, bool]]:
        return sorted(
            (
                r.user_id,
                r.channel_id,
                r.joined_at - E0,
                None if r.left_at is None else r.left_at - E0,
                r.recovered,
            )
            for r in self.rows
        )


def feed(tracker: Tracker, table: Table, *observations: Observation) -> Changes:
    changes = tracker.apply(observations, place_of)
    table.apply(changes)
    return changes


def started(present: dict[int, int] | None = None) -> tuple[Tracker, Table]:
    """A fresh process: READY, the guild with `present` (user -> channel), ready."""
    tracker, table = Tracker(), Table()
    people = {u: p(c) for u, c in (present or {}).items()}
    feed(tracker, table, Connected(at(0)), GuildSeen(G, at(0), people), Ready(at(0)))  # type: ignore[arg-type]
    return tracker, table


def moved(user: int, before: int | None, after: int | None, seconds: float) -> Moved:
    return Moved(G, user, at(seconds), p(before), p(after))


# -- moves ----------------------------------------------------------------------------------------


def test_join_move_leave_become_two_stays_with_places_and_names() -> None:
    tracker, table = started()
    feed(tracker, table, Moved(G, 1, at(10), None, p(10, "Ana")))
    feed(tracker, table, moved(1, 10, 11, 70), moved(1, 11, None, 100))
    assert table.spans() == [(1, 10, 10, 70, False), (1, 11, 70, 100, False)]
    first, second = sorted(table.rows, key=lambda r: r.joined_at)
    assert first.place == Place(PlaceKind.SESSION, 5) and first.display_name == "Ana"
    assert second.place == Place(PlaceKind.ROOM, 7) and second.channel_name == "ch11"


def test_a_stay_still_going_on_is_one_open_row() -> None:
    tracker, table = started()
    feed(tracker, table, moved(1, None, 12, 5))
    assert table.spans() == [(1, 12, 5, None, False)]
    assert tracker.open[(G, 1)].stored


def test_zero_length_flaps_leave_nothing_within_and_across_batches() -> None:
    tracker, table = started()
    feed(tracker, table, moved(1, None, 10, 5), moved(1, 10, None, 5), moved(2, None, 10, 5))
    feed(tracker, table, moved(2, 10, 11, 5), moved(2, 11, None, 5))
    assert table.rows == []


def test_a_replayed_move_changes_nothing() -> None:
    tracker, table = started()
    move = moved(1, None, 10, 5)
    feed(tracker, table, move)
    before = table.spans()
    changes = feed(tracker, table, move, replace(move, at=at(9)))
    assert table.spans() == before
    assert not changes.inserts and not changes.closes


def test_channels_of_a_batch() -> None:
    items: list[Observation] = [moved(1, 10, 11, 1), GuildSeen(G, at(0), {3: p(12)}), Beat(at(1))]  # type: ignore[dict-item]
    assert channels_of(items) == {10, 11, 12}


# -- the property: batching never changes the outcome ----------------------------------------------


def wander(
    seed: int, steps: int
) -> tuple[list[Moved], list[tuple[int, int, int, int | None, bool]]]:
    """A consistent random walk of 4 people through 4 channels and the truth it implies."""
    rng = random.Random(seed)
    where: dict[int, tuple[int, int] | None] = dict.fromkeys(range(1, 5))
    moves, truth = [], []
    clock = 0
    for _ in range(steps):
        clock += rng.choice((0, 0, 1, 7, 60))
        user = rng.randint(1, 4)
        current = where[user]
        options: list[int | None] = [c for c in (10, 11, 12, 13) if not current or c != current[0]]
        if current is not None:
            options.append(None)
        target = rng.choice(options)
        moves.append(moved(user, current[0] if current else None, target, clock))
        if current is not None and clock > current[1]:
            truth.append((user, current[0], current[1], clock, False))
        where[user] = None if target is None else (target, clock)
    for user, current in where.items():
        if current is not None:
            truth.append((user, current[0], current[1], None, False))
    return moves, sorted(truth)


@given(st.integers(0, 10_000), st.integers(0, 60), st.lists(st.integers(1, 60), max_size=8))
def test_any_batching_gives_the_true_stays(seed: int, steps: int, cuts: list[int]) -> None:
    moves, truth = wander(seed, steps)
    tracker, table = started()
    bounds = sorted({0, len(moves), *(c for c in cuts if c < len(moves))})
    for lo, hi in pairwise(bounds):
        batch = moves[lo:hi]
        # A failed write throws its tracker away: folding the batch again is the same.
        tracker.copy().apply(batch, place_of)
        feed(tracker, table, *batch)
    assert table.spans() == truth
    assert {(k, v.channel_id) for k, v in tracker.open.items()} == {
        ((G, u), c) for u, c, _, end, _ in truth if end is None
    }


# -- restarts and reconnects ----------------------------------------------------------------


def test_a_fresh_start_opens_rows_for_everyone_in_voice_flagged() -> None:
    _, table = started({1: 10, 2: 11})
    assert table.spans() == [(1, 10, 0, None, True), (2, 11, 0, None, True)]
    assert table.heartbeat == E0


def test_moves_before_the_guild_arrives_are_held_and_its_state_rebuilt() -> None:
    tracker, table = Tracker(), Table()
    feed(tracker, table, Connected(at(0)))
    # GUILD_CREATE showed 1 in 10 and 2 in 11; before discord.py reports the guild available,
    # 1 moves to 12 and 3 joins 10. The snapshot already shows the result.
    feed(tracker, table, moved(1, 10, 12, 1), moved(3, None, 10, 1.5))
    assert table.rows == []
    snapshot = {1: p(12), 2: p(11), 3: p(10)}
    feed(tracker, table, GuildSeen(G, at(2), snapshot), Ready(at(2)))  # type: ignore[arg-type]
    assert table.spans() == [
        (1, 10, 0, 1, True),
        (1, 12, 1, None, False),
        (2, 11, 0, None, True),
        (3, 10, 1, None, False),
    ]


def test_resume_replays_missed_moves_in_order_and_counts_nothing_twice() -> None:
    tracker, table = started({1: 10})
    feed(tracker, table, Disconnected(at(100)))
    # Discord replays what happened meanwhile, then RESUMED.
    feed(tracker, table, moved(1, 10, 11, 130), moved(2, None, 10, 131), Resumed(at(131)))
    assert table.spans() == [
        (1, 10, 0, 130, True),
        (1, 11, 130, None, False),
        (2, 10, 131, None, False),
    ]
    assert table.heartbeat == E0 + 131


def test_reidentify_keeps_who_stayed_closes_who_left_at_the_loss_opens_who_came() -> None:
    tracker, table = started({1: 10, 2: 11, 3: 12})
    feed(tracker, table, moved(4, None, 12, 50))
    feed(tracker, table, Disconnected(at(100)))
    # New session: 1 is still in 10, 2 left, 3 moved to 10, 4 still in 12, 5 joined meanwhile.
    snapshot = {1: p(10), 3: p(10), 4: p(12), 5: p(11)}
    feed(tracker, table, Connected(at(160)), GuildSeen(G, at(161), snapshot), Ready(at(161)))  # type: ignore[arg-type]
    assert table.spans() == [
        (1, 10, 0, None, True),
        (2, 11, 0, 100, True),
        (3, 10, 160, None, True),
        (3, 12, 0, 100, True),
        (4, 12, 50, None, False),
        (5, 11, 160, None, True),
    ]
    assert tracker.lost_at is None and tracker.watching


def test_a_move_the_cache_did_not_expect_closes_at_the_loss() -> None:
    tracker, table = started({1: 10})
    feed(tracker, table, Disconnected(at(100)), Resumed(at(120)))
    tracker.lost_at = E0 + 100  # as if the leave of 10 was never replayed
    feed(tracker, table, moved(1, None, 11, 150))
    assert table.spans() == [(1, 10, 0, 100, True), (1, 11, 150, None, False)]


def test_the_heartbeat_advances_only_while_watching() -> None:
    tracker, table = started()
    feed(tracker, table, Beat(at(30)))
    assert table.heartbeat == E0 + 30
    feed(tracker, table, Disconnected(at(40)), Beat(at(60)), Beat(at(90)))
    assert table.heartbeat == E0 + 40
    feed(tracker, table, Connected(at(95)), Beat(at(96)))
    assert table.heartbeat == E0 + 40, "not before the guilds are reconciled"
    feed(tracker, table, GuildSeen(G, at(97), {}), Ready(at(97)), Beat(at(120)))
    assert table.heartbeat == E0 + 120


def test_the_heartbeat_advances_once_every_served_guild_is_seen_not_only_at_ready() -> None:
    tracker, table = started()
    feed(tracker, table, Disconnected(at(40)), Connected(at(45), frozenset({G, 2})), Beat(at(46)))
    assert table.heartbeat == E0 + 40
    feed(tracker, table, GuildSeen(G, at(47), {}), Beat(at(48)))
    assert table.heartbeat == E0 + 40, "guild 2 has not delivered its voice states yet"
    feed(tracker, table, GuildSeen(2, at(49), {}), Beat(at(50)))
    assert table.heartbeat == E0 + 50, "caught up before discord.py reports ready"


# -- a new process: the rows a previous run left open ----------------------------------------


def s(channel: int, session: str | None) -> Presence:
    return Presence(channel, f"ch{channel}", "x", session)


def stay(channel: int, joined: int, session: str | None) -> OpenStay:
    return OpenStay(channel, f"ch{channel}", "x", place_of(channel), E0 + joined, False, True,
                    session)  # fmt: skip


def row_of(guild: int, user: int, open_stay: OpenStay) -> Row:
    """The stored row of an open stay."""
    c = open_stay.channel_id
    return Row(guild, user, "x", c, f"ch{c}", open_stay.place, open_stay.joined_at, None, False,
               open_stay.session)  # fmt: skip


def test_a_new_process_keeps_one_stay_per_voice_session_and_loses_nobody() -> None:
    """A killed run left rows open, its last sign of life at 200 s; the new one connects at
    260 s and finds: 1 in the same channel and voice session, 2 in the same channel in a new
    session, 3 gone, 4 in another channel of the same session, 5 gone (joined at the last
    beat), 6 in the same channel (session not known: an older row)."""
    left_open = {
        1: stay(10, 0, "s1"),
        2: stay(10, 0, "s2"),
        3: stay(11, 50, "s3"),
        4: stay(11, 60, "s4"),
        5: stay(12, 200, "s5"),
        6: stay(12, 100, None),
    }
    table = Table()
    table.rows = [row_of(G, user, left) for user, left in left_open.items()]
    tracker = Tracker()
    tracker.adopt((((G, u), v) for u, v in left_open.items()), E0 + 200)
    present = {1: s(10, "s1"), 2: s(10, "new"), 4: s(10, "s4"), 6: s(12, "s6")}
    feed(tracker, table, Connected(at(260), frozenset({G})))
    feed(tracker, table, GuildSeen(G, at(260), present), Ready(at(261)))  # type: ignore[arg-type]
    assert table.spans() == [
        (1, 10, 0, None, False),
        (2, 10, 0, 200, True),
        (2, 10, 260, None, True),
        (3, 11, 50, 200, True),
        (4, 10, 200, None, True),
        (4, 11, 60, 200, True),
        (5, 12, 200, 201, True),
        (6, 12, 100, None, False),
    ]
    assert tracker.open[(G, 2)].session == "new" and table.heartbeat == E0 + 261


def test_a_new_process_without_any_beat_keeps_each_stay_for_its_first_second() -> None:
    tracker, table = Tracker(), Table()
    table.rows = [row_of(G, 1, stay(10, 5, "s1"))]
    tracker.adopt([((G, 1), stay(10, 5, "s1"))], None)
    feed(tracker, table, Connected(at(60), frozenset({G})), GuildSeen(G, at(60), {}))
    assert table.spans() == [(1, 10, 5, 6, True)]


def test_rows_of_a_guild_no_longer_served_end_when_the_bot_stopped_watching() -> None:
    tracker, table = Tracker(), Table()
    table.rows = [row_of(2, 1, stay(10, 0, "s1"))]
    tracker.adopt([((2, 1), stay(10, 0, "s1"))], E0 + 30)
    feed(tracker, table, Connected(at(60), frozenset({G})))
    assert table.rows[0].left_at == E0 + 30 and table.rows[0].recovered
    assert not tracker.open


def test_an_end_the_bot_did_not_see_never_drops_a_stay_it_saw_begin() -> None:
    tracker, table = started()
    feed(tracker, table, moved(1, None, 10, 100), Moved(G, 2, at(100), None, s(11, "first")))
    feed(tracker, table, Disconnected(at(100.5)))
    # Re-IDENTIFY: 1 left meanwhile; 2 left and came back in a new voice session.
    snapshot = {2: s(11, "later")}
    feed(tracker, table, Connected(at(103), frozenset({G})), GuildSeen(G, at(103), snapshot))  # type: ignore[arg-type]
    assert table.spans() == [
        (1, 10, 100, 101, True),
        (2, 11, 100, 101, True),
        (2, 11, 103, None, True),
    ]
    # A move whose `before` the bot did not expect, in the second the stay began: the next
    # stay starts then, so the unseen end cannot be a second later.
    tracker.lost_at = E0 + 100
    feed(tracker, table, moved(3, None, 12, 104), Moved(G, 3, at(104), None, p(10)))
    assert [span for span in table.spans() if span[0] == 3] == [(3, 10, 104, None, False)]


# -- forgetting ------------------------------------------------------------------------------


def test_forget_removes_stored_and_new_rows_and_later_moves_are_recorded_again() -> None:
    tracker, table = started({1: 10, 2: 10})
    feed(tracker, table, moved(1, 10, 11, 60))
    changes = feed(
        tracker,
        table,
        moved(1, 11, 12, 70),
        moved(1, 12, 10, 80),
        Forget(G, 1, token=7),
        moved(1, 10, 11, 90),
    )
    assert changes.forgotten_in_batch[7] == 2  # 12 (70-80) and 10 (80-...) never reached the table
    assert table.spans() == [(1, 11, 90, None, False), (2, 10, 0, None, True)]
