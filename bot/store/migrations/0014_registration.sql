-- Registration: the registrants of a guild's event (only what the check needs: ticket id, its
-- types, the name as registered and its normalized form, cancelled or not), which Discord
-- account each ticket is bound to, second accounts refused, and the uploaded file between its
-- preview and the organizer's Confirm (deleted once applied or discarded).
CREATE TABLE registrants (
    guild_id   INTEGER NOT NULL,
    ticket_key TEXT    NOT NULL CHECK (length(ticket_key) BETWEEN 1 AND 64),
    ticket     TEXT    NOT NULL,
    types      TEXT    NOT NULL,  -- JSON list of ticket type names
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL,
    cancelled  INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, ticket_key)
) STRICT;

-- One account per ticket. state: 'bound' (recorded, roles not yet confirmed given) or 'given'.
CREATE TABLE registration_links (
    guild_id   INTEGER NOT NULL,
    ticket_key TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('bound', 'given')),
    manual     INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),
    bound_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, ticket_key)
) STRICT;

CREATE INDEX registration_links_by_user ON registration_links (guild_id, user_id);

-- A second account that named a ticket already bound (shown in /registration status).
CREATE TABLE registration_refusals (
    guild_id   INTEGER NOT NULL,
    ticket_key TEXT    NOT NULL,
    user_id    INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (guild_id, ticket_key, user_id)
) STRICT;

CREATE TABLE registration_imports (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    filename   TEXT    NOT NULL,
    content    BLOB    NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'previewed'
               CHECK (state IN ('previewed', 'applying', 'applied', 'discarded')),
    created_at INTEGER NOT NULL
) STRICT;
