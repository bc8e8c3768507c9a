-- Chairs and questions (issue 17).
--
-- A session's chair and speakers as Discord members: the chair may open and close the session,
-- run breakouts in it, moderate its questions; on a keynote Stage both are stage moderators.
-- `speaker_ids` is a JSON array of user ids (`[]` when none); `speakers` (0009) stays the names
-- as the schedule file wrote them.
ALTER TABLE sessions ADD COLUMN chair_id INTEGER;
ALTER TABLE sessions ADD COLUMN speaker_ids TEXT NOT NULL DEFAULT '[]';

-- A question asked with /ask. `anonymous` questions never show their author outside the
-- moderators' ephemeral list (a reveal is written to the audit log). `votes` is kept equal to
-- the number of rows in question_votes (both change in one transaction); `card_votes` and
-- `card_state` are what the public card shows now, so a restart edits the cards that lag.
CREATE TABLE questions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL,
    anonymous   INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    state       TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'hidden')),
    votes       INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
    channel_id  INTEGER,
    message_id  INTEGER,
    card_votes  INTEGER,
    card_state  TEXT,
    asked_at    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX questions_by_session ON questions (session_id, state);
CREATE INDEX questions_by_author ON questions (guild_id, author_id);

-- One upvote per person per question (click again: the row goes).
CREATE TABLE question_votes (
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    voted_at    INTEGER NOT NULL,
    PRIMARY KEY (question_id, user_id)
) STRICT;

CREATE INDEX question_votes_by_user ON question_votes (user_id);

-- Speaker check-in: one row per (session, person) once the prompt went out. `via`: how the
-- prompt reached them (dm, backstage); `how`: button or voice.
CREATE TABLE checkins (
    session_id    INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    guild_id      INTEGER NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('chair', 'speaker')),
    prompted_at   INTEGER,
    via           TEXT    CHECK (via IN ('dm', 'backstage')),
    checked_in_at INTEGER,
    how           TEXT    CHECK (how IN ('button', 'voice')),
    PRIMARY KEY (session_id, user_id)
) STRICT;

-- Durable "said once" records of a session's timed messages: the late check-in notice
-- (`kind` 'late', minutes 5) and each time signal (`kind` 'signal', minutes before the end).
-- A job writes its row in the same transaction that marks the message as sent.
CREATE TABLE qa_notices (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('late', 'signal', 'prompt')),
    minutes    INTEGER NOT NULL,
    message_id INTEGER,
    sent_at    INTEGER NOT NULL,
    PRIMARY KEY (session_id, kind, minutes)
) STRICT;
