-- The personal agenda: the sessions a person pressed Interested on (the session's Scheduled
-- Event) or added with /agenda add, how they want to be reminded, and what their sessions'
-- subscribers were last told (reminders and change notices go once).
CREATE TABLE agenda_entries (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    session_id     INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    via_event      INTEGER NOT NULL DEFAULT 0 CHECK (via_event IN (0, 1)),   -- Interested
    via_command    INTEGER NOT NULL DEFAULT 0 CHECK (via_command IN (0, 1)), -- /agenda add
    -- /agenda remove while still Interested on the event: kept hidden so that a reconcile
    -- does not bring it back; pressing Interested again shows it again.
    hidden         INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    added_at       INTEGER NOT NULL,
    reminded_start INTEGER,  -- the session start this person was reminded of
    noticed        TEXT,     -- the last change notice this person was given (its key)
    PRIMARY KEY (guild_id, user_id, session_id)
) STRICT;

CREATE INDEX agenda_by_session ON agenda_entries (session_id, user_id);

CREATE TABLE agenda_prefs (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    mode     TEXT    NOT NULL CHECK (mode IN ('mention', 'dm', 'off')),
    PRIMARY KEY (guild_id, user_id)
) STRICT;

-- A session on someone's agenda as its subscribers last heard of it (the change notice compares
-- against it), and the start its reminder wave went out for.
CREATE TABLE agenda_sessions (
    session_id     INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL,
    title          TEXT    NOT NULL,
    start_at       INTEGER NOT NULL,
    end_at         INTEGER NOT NULL,
    place          TEXT,
    cancelled      INTEGER NOT NULL DEFAULT 0,
    reminded_start INTEGER
) STRICT;

-- Each session event's subscriber list as last read from Discord (the start-up reconcile reads
-- again only the events whose count differs, that were never read, or that are due soon).
CREATE TABLE agenda_event_sync (
    event_id   INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    users      INTEGER NOT NULL,
    synced_at  INTEGER NOT NULL
) STRICT;
