
-- Who acted, as the database knows them: the session's role, filled in by
-- the server itself so no client can claim another's.
ALTER TABLE activity ADD COLUMN db_role TEXT;
ALTER TABLE activity ALTER COLUMN db_role SET DEFAULT current_user;

-- Each actor's latest undoable action, for `undo` (one's own only).
CREATE INDEX activity_actor_undo ON activity(actor, id) WHERE undo IS NOT NULL AND undone_by IS NULL;

-- A team's roles (`playbook team init`): which database role is which rep,
-- and which are managers. Row-level security below is for them; the
-- owner of the tables (who ran the migrations) is not bound by it.
CREATE TABLE team_roles (
    role TEXT PRIMARY KEY,
    rep TEXT,
    manager BIGINT NOT NULL DEFAULT 0
);

CREATE FUNCTION playbook_rep() RETURNS TEXT LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT rep FROM team_roles WHERE role = session_user $$;

CREATE FUNCTION playbook_manager() RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT COALESCE((SELECT manager = 1 FROM team_roles WHERE role = session_user), false) $$;

-- Whether the session's rep owns an account (read past row security).
CREATE FUNCTION playbook_owns(account BIGINT) RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER
SET search_path FROM CURRENT
AS $$ SELECT EXISTS (SELECT 1 FROM accounts WHERE id = account AND owner = playbook_rep()) $$;

-- The rollups are the database's own bookkeeping: kept with the owner's rights.
ALTER FUNCTION touch_rollups() SECURITY DEFINER;
ALTER FUNCTION touch_rollups() SET search_path FROM CURRENT;

-- Everyone reads everything; a rep changes only what hangs off their own
-- accounts, a manager anything. A change to another rep's row fails the
-- statement ("violates row-level security policy"), so no action can
-- half-land on a teammate's account.
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON accounts FOR SELECT USING (true);
CREATE POLICY add ON accounts FOR INSERT WITH CHECK (playbook_manager() OR owner = playbook_rep());
CREATE POLICY change ON accounts FOR UPDATE USING (true) WITH CHECK (playbook_manager() OR owner = playbook_rep());
CREATE POLICY remove ON accounts FOR DELETE USING (playbook_manager() OR owner = playbook_rep());

ALTER TABLE players ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON players FOR SELECT USING (true);
CREATE POLICY add ON players FOR INSERT WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY change ON players FOR UPDATE USING (true) WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY remove ON players FOR DELETE USING (playbook_manager() OR playbook_owns(account_id));

ALTER TABLE triggers ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON triggers FOR SELECT USING (true);
CREATE POLICY add ON triggers FOR INSERT WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY change ON triggers FOR UPDATE USING (true) WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY remove ON triggers FOR DELETE USING (playbook_manager() OR playbook_owns(account_id));

ALTER TABLE enrollments ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON enrollments FOR SELECT USING (true);
CREATE POLICY add ON enrollments FOR INSERT WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY change ON enrollments FOR UPDATE USING (true) WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY remove ON enrollments FOR DELETE USING (playbook_manager() OR playbook_owns(account_id));

ALTER TABLE touches ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON touches FOR SELECT USING (true);
CREATE POLICY add ON touches FOR INSERT WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY change ON touches FOR UPDATE USING (true) WITH CHECK (playbook_manager() OR playbook_owns(account_id));
CREATE POLICY remove ON touches FOR DELETE USING (playbook_manager() OR playbook_owns(account_id));

ALTER TABLE activity ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON activity FOR SELECT USING (true);
CREATE POLICY add ON activity FOR INSERT
    WITH CHECK (playbook_manager() OR account_id IS NULL OR playbook_owns(account_id));
CREATE POLICY change ON activity FOR UPDATE USING (true)
    WITH CHECK (playbook_manager() OR account_id IS NULL OR playbook_owns(account_id));

ALTER TABLE reps ENABLE ROW LEVEL SECURITY;
CREATE POLICY read ON reps FOR SELECT USING (true);
CREATE POLICY manage ON reps FOR ALL USING (playbook_manager()) WITH CHECK (playbook_manager());

-- Rows moved in from another store (`team push`), by that store's id, so a
-- second push of the same file adds nothing.
CREATE TABLE pushed (
    source TEXT NOT NULL,
    tbl TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    target_id BIGINT NOT NULL,
    PRIMARY KEY (source, tbl, source_id)
);
