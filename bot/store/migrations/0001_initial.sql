-- What the bot owns in each guild, by purpose (info category, announcements, lobby, help, the
-- lobby board message, ...). A row is written before the Discord call (state 'pending', no id),
-- the id is recorded once Discord answers ('live'); when Discord reports the object deleted the
-- id is dropped ('gone'). On restart the reconciler converges from here: a 'pending' row may
-- have an object a crashed run created (adopt it), a 'gone' one is recreated.
CREATE TABLE guild_structure (
    guild_id       INTEGER NOT NULL,
    purpose        TEXT    NOT NULL,
    kind           TEXT    NOT NULL
                   CHECK (kind IN ('category', 'text', 'voice', 'stage', 'forum', 'message', 'event')),
    parent_purpose TEXT,
    discord_id     INTEGER,
    state          TEXT    NOT NULL CHECK (state IN ('pending', 'live', 'gone')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, purpose),
    CHECK ((state = 'live') = (discord_id IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX guild_structure_discord_id
    ON guild_structure (discord_id) WHERE discord_id IS NOT NULL;

-- Organizer actions, for accountability after the event.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_log_by_guild ON audit_log (guild_id, created_at);
