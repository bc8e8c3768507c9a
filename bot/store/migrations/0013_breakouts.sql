-- Breakouts: a session's voice channel split into N rooms for a while, then everyone called
-- back. The rooms are voice channels owned through guild_structure with the purposes
-- `breakout:<session>:<breakout>:room:<n>` (and `...:category:<part>` for the categories they
-- spill into); the end and its one-minute warning are jobs.
CREATE TABLE breakouts (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    session_id  INTEGER NOT NULL,
    home_id     INTEGER NOT NULL,  -- the session's voice or stage channel
    rooms       INTEGER NOT NULL CHECK (rooms BETWEEN 2 AND 25),
    title       TEXT    NOT NULL,  -- the short title in the room names
    started_by  INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    -- 'running' until everyone was called back and the rooms deleted ('ended').
    state       TEXT    NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'ended')),
    ended_at    INTEGER,
    end_reason  TEXT CHECK (end_reason IN ('time', 'early'))
) STRICT;

-- One breakout at a time per session.
CREATE UNIQUE INDEX breakouts_running ON breakouts (session_id) WHERE state = 'running';
CREATE INDEX breakouts_by_guild ON breakouts (guild_id, state);

-- Who goes to which room (written before the first move, so a restart never moves anyone
-- twice) and what happened: moved out, moved back, or skipped (had left voice).
CREATE TABLE breakout_people (
    breakout_id INTEGER NOT NULL REFERENCES breakouts (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    room        INTEGER NOT NULL,
    moved_out   INTEGER,  -- when moved into its room
    moved_back  INTEGER,  -- when moved back to the session's channel
    skipped     INTEGER NOT NULL DEFAULT 0,  -- not in the session's channel any more at its turn
    PRIMARY KEY (breakout_id, user_id)
) STRICT;

-- Topic rooms: an optional whiteboard or document link (https only).
ALTER TABLE rooms ADD COLUMN link TEXT CHECK (link IS NULL OR link LIKE 'https://%');
