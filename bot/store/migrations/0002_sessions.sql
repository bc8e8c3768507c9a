-- The programme. Discord objects of a session (its channel, its Scheduled Event) and of a day
-- (its categories) are owned through guild_structure with purposes `session:<id>:channel`,
-- `session:<id>:event` and `day:<YYYY-MM-DD>:<part>`.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    title       TEXT    NOT NULL,
    kind        TEXT    NOT NULL
                CHECK (kind IN ('talk', 'keynote', 'discussion', 'panel', 'social', 'poster')),
    start_at    INTEGER NOT NULL,
    end_at      INTEGER NOT NULL,
    track       TEXT,
    description TEXT,
    location    TEXT,
    external_id TEXT,
    source      TEXT    NOT NULL DEFAULT 'command' CHECK (source IN ('command', 'import', 'poster')),
    status      TEXT    NOT NULL DEFAULT 'scheduled'
                CHECK (status IN ('scheduled', 'open', 'closed', 'cancelled')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (end_at > start_at)
) STRICT;

CREATE INDEX sessions_by_start ON sessions (guild_id, start_at);
CREATE UNIQUE INDEX sessions_by_external_id
    ON sessions (guild_id, external_id) WHERE external_id IS NOT NULL;

-- Durable timers. A job is claimed ('running') before it acts and finished ('done' or
-- 'dropped') after; a job found 'running' at start was interrupted and is resumed (its action is
-- idempotent). At most one pending job per (kind, subject); a running job may schedule its
-- own next run.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    subject_id  INTEGER NOT NULL,
    due_at      INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'dropped', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER
) STRICT;

CREATE INDEX jobs_due ON jobs (state, due_at);
CREATE UNIQUE INDEX jobs_one_pending
    ON jobs (kind, subject_id) WHERE state = 'pending';

-- An uploaded schedule between its preview and the organizer's Confirm (the button survives a
-- restart: its custom_id carries the import id).
CREATE TABLE pending_imports (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    filename    TEXT    NOT NULL,
    content     BLOB    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'previewed'
                CHECK (state IN ('previewed', 'applying', 'applied', 'discarded')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
