-- Feedback on sessions: one rating (1-5) and an optional comment per person per session,
-- editable until `feedback.open_hours` after the session's end. The comment is stored as typed
-- (it is made harmless where it is shown, never changed here). Personal data: forget-me
-- deletes a person's rows.
CREATE TABLE feedback (
    guild_id     INTEGER NOT NULL,
    session_id   INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    display_name TEXT    NOT NULL,
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT    CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
) STRICT;

CREATE INDEX feedback_guild ON feedback (guild_id, session_id);

-- Who was sent the feedback button by DM (`feedback.dm`): written before the DM goes, so a rerun
-- of the prompt after a crash never sends one twice (at most once per person and session).
CREATE TABLE feedback_dms (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (session_id, user_id)
) STRICT;

-- The end of a guild's workshop: when /workshop wrap-up ran, and the teardown (asked, finished).
-- While a guild is wrapped up the reconciler leaves its Discord objects alone (nothing is
-- re-created or unlocked); the teardown deletes only objects recorded in guild_structure, one
-- row at a time (the row goes after its object), so a restart resumes it where it stopped.
CREATE TABLE workshop_end (
    guild_id         INTEGER PRIMARY KEY,
    wrapped_at       INTEGER NOT NULL,
    wrapped_by       INTEGER NOT NULL,
    wrap_done_at     INTEGER,
    teardown_at      INTEGER,
    teardown_by      INTEGER,
    teardown_done_at INTEGER
) STRICT;
