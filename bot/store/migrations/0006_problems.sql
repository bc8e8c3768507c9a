-- What background work could not do because Discord refused it for good (a permission the bot
-- lacks, the 500-channel or 100-event limit, a body it rejected): one row per (guild, key), kept
-- until the same work succeeds. `/workshop status` lists them; the bot retries when the cause may
-- have changed (its permissions changed, a channel was deleted) and every few minutes.
CREATE TABLE problems (
    guild_id   INTEGER NOT NULL,
    key        TEXT    NOT NULL,  -- the work: 'sessions', 'rooms', 'job:session.remind:12', ...
    what       TEXT    NOT NULL,  -- message-catalog key describing the work
    params     TEXT    NOT NULL DEFAULT '{}',  -- JSON for `what`
    cause      TEXT    NOT NULL,  -- permissions, max_channels, category_full, max_events, ...
    missing    INTEGER NOT NULL DEFAULT 0,  -- permission bits the bot lacked (cause permissions)
    channel_id INTEGER,           -- where, when a channel's overwrites restricted the bot
    detail     TEXT    NOT NULL DEFAULT '',  -- what Discord said
    since      INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (guild_id, key)
) STRICT;
