-- The speakers a schedule file names for a session (登壇者 / speakers, frab `persons`), as one
-- display text (`Ada Lovelace, 山田花子`). Shown in the import preview and `/session info`; no
-- Discord member is derived from it yet.
ALTER TABLE sessions ADD COLUMN speakers TEXT;
