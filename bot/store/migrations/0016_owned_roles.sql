-- Roles join what the bot owns (guild_structure): the registration feature records the roles it
-- creates for ticket types, so `/workshop teardown` deletes them (and never a role it did not
-- create). SQLite cannot change a CHECK constraint in place: the table is rebuilt, same rows.
CREATE TABLE guild_structure_new (
    guild_id       INTEGER NOT NULL,
    purpose        TEXT    NOT NULL,
    kind           TEXT    NOT NULL
                   CHECK (kind IN ('category', 'text', 'voice', 'stage', 'forum', 'message', 'event',
                                   'role')),
    parent_purpose TEXT,
    discord_id     INTEGER,
    state          TEXT    NOT NULL CHECK (state IN ('pending', 'live', 'gone')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, purpose),
    CHECK ((state = 'live') = (discord_id IS NOT NULL))
) STRICT;

INSERT INTO guild_structure_new
    SELECT guild_id, purpose, kind, parent_purpose, discord_id, state, created_at, updated_at
    FROM guild_structure;

DROP TABLE guild_structure;
ALTER TABLE guild_structure_new RENAME TO guild_structure;

CREATE UNIQUE INDEX guild_structure_discord_id
    ON guild_structure (discord_id) WHERE discord_id IS NOT NULL;
