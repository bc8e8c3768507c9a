-- Topic rooms: one voice channel each, owned through guild_structure with the purpose
-- `room:<id>:channel`; the categories holding them are `rooms:<n>`. A room is 'open' until it is
-- closed (idle, by its owner or an organizer) or deleted by hand ('gone').
CREATE TABLE rooms (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    owner_id     INTEGER NOT NULL,
    topic        TEXT    NOT NULL CHECK (length(topic) BETWEEN 1 AND 100),
    user_limit   INTEGER CHECK (user_limit IS NULL OR user_limit BETWEEN 2 AND 99),
    state        TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'gone')),
    -- Since when nobody has been inside (NULL while occupied): the idle countdown's start.
    empty_since  INTEGER,
    opened_at    INTEGER NOT NULL,
    closed_at    INTEGER,
    close_reason TEXT CHECK (close_reason IN ('idle', 'owner', 'organizer', 'deleted'))
) STRICT;

CREATE INDEX rooms_open ON rooms (guild_id, state);
CREATE INDEX rooms_by_owner ON rooms (guild_id, owner_id, opened_at);

-- Renames of a room's channel (Discord allows about 2 per 10 minutes per channel).
CREATE TABLE room_renames (
    room_id    INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    renamed_at INTEGER NOT NULL
) STRICT;

CREATE INDEX room_renames_by_room ON room_renames (room_id, renamed_at);

-- What the live room board message shows (a digest of it), so that a restart edits the message
-- only when something visible changed while the bot was away.
CREATE TABLE board_state (
    guild_id   INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL,
    digest     TEXT    NOT NULL
) STRICT;
