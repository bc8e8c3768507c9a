-- Poster sessions: a session of kind 'poster' (source 'poster') with numbered boards. A board is
-- free (presenter_id NULL) or claimed; a claim is one UPDATE that only succeeds on a free board,
-- so of many simultaneous claims of one board exactly one wins. The forum post and the voice
-- channel of a claimed board are owned through guild_structure (`poster:<session>:<board>:post`,
-- `poster:<session>:<board>:voice`).
CREATE TABLE poster_boards (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    session_id      INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL CHECK (number BETWEEN 1 AND 200),
    presenter_id    INTEGER,
    title           TEXT CHECK (title IS NULL OR length(title) BETWEEN 1 AND 200),
    abstract        TEXT CHECK (abstract IS NULL OR length(abstract) <= 4000),
    claimed_at      INTEGER,
    claimed_by      INTEGER,
    file_name       TEXT,
    file_message_id INTEGER,
    UNIQUE (session_id, number),
    CHECK ((presenter_id IS NULL) = (title IS NULL))
) STRICT;

CREATE INDEX poster_boards_by_presenter ON poster_boards (guild_id, presenter_id);
