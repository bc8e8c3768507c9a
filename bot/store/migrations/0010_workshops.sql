-- What a guild's workshop says of itself in its schedule files, one row per guild: today its
-- title (YAML `title:`), kept when an import that names one is confirmed and left as it is by
-- files that name none. The calendar's name of .ics exports when the `title` setting is unset.
CREATE TABLE workshops (
    guild_id   INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    updated_at INTEGER NOT NULL
) STRICT;
