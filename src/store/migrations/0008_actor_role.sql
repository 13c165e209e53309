
-- Who acted, as the database knows them: the role of a team's server
-- (PostgreSQL fills it in itself); an SQLite file has no roles.
ALTER TABLE activity ADD COLUMN db_role TEXT;

-- Each actor's latest undoable action, for `undo` (one's own only).
CREATE INDEX activity_actor_undo ON activity(actor, id) WHERE undo IS NOT NULL AND undone_by IS NULL;

-- Rows moved in from another store (`team push`), by that store's id, so a
-- second push of the same file adds nothing.
CREATE TABLE pushed (
    source TEXT NOT NULL,
    tbl TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    target_id INTEGER NOT NULL,
    PRIMARY KEY (source, tbl, source_id)
) STRICT, WITHOUT ROWID;
