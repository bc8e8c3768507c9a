-- Attendance: who was in which voice channel, from when to when. One row per stay in one channel
-- (a move ends one row and starts the next). The channel's name, what it was (a session's place,
-- a topic room, a poster board's voice channel, or something else) and the person's display name
-- are kept as they were at the join, so a report stays right after a room is deleted or a person
-- renames themselves. `left_at` is NULL while the person is still inside; at most one row per
-- person and guild is open. `recovered` = 1: the bot did not see a boundary itself (it was
-- offline or disconnected) and inferred it: an end at the last heartbeat, a start when it came
-- back and found the person inside.
CREATE TABLE attendance (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    display_name TEXT    NOT NULL,
    channel_id   INTEGER NOT NULL,
    channel_name TEXT    NOT NULL,
    place_kind   TEXT    NOT NULL CHECK (place_kind IN ('session', 'room', 'poster', 'other')),
    -- session: the session's id; room: the topic room's id; poster: the poster session's id.
    place_id     INTEGER,
    joined_at    INTEGER NOT NULL,
    left_at      INTEGER,
    recovered    INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1)),
    CHECK (left_at IS NULL OR left_at > joined_at),
    CHECK ((place_kind = 'other') = (place_id IS NULL))
) STRICT;

CREATE UNIQUE INDEX attendance_open ON attendance (guild_id, user_id) WHERE left_at IS NULL;
CREATE INDEX attendance_by_user ON attendance (guild_id, user_id, joined_at);
CREATE INDEX attendance_by_place ON attendance (guild_id, place_kind, place_id);

-- Until when the bot was watching voice (epoch seconds), written every
-- `attendance.heartbeat_seconds` and with every batch of changes: on start, rows left open by a
-- crash are closed here.
CREATE TABLE attendance_heartbeat (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    beat_at INTEGER NOT NULL
) STRICT;
