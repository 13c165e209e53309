
-- Who acted, as the database knows them: the session's role, written by
-- the server itself (`playbook_guard` below) so no client can claim another's.
ALTER TABLE activity ADD COLUMN db_role TEXT;

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

CREATE FUNCTION playbook_rep() RETURNS TEXT LANGUAGE sql STABLE SECURITY DEFINER
AS $$ SELECT rep FROM team_roles WHERE role = session_user $$;

CREATE FUNCTION playbook_manager() RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER
AS $$ SELECT COALESCE((SELECT manager = 1 FROM team_roles WHERE role = session_user), false) $$;

-- Bound by the rules below: a team role that is not a manager's.
CREATE FUNCTION playbook_bound() RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER
AS $$ SELECT EXISTS (SELECT 1 FROM team_roles WHERE role = session_user AND manager = 0) $$;

-- Whether the session's rep owns an account (read past row security).
CREATE FUNCTION playbook_owns(account BIGINT) RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER
AS $$ SELECT EXISTS (SELECT 1 FROM accounts WHERE id = account AND owner = playbook_rep()) $$;

-- Whether a play running is on that account (a touch cannot borrow a teammate's).
CREATE FUNCTION playbook_enrollment_on(enrollment BIGINT, account BIGINT) RETURNS BOOLEAN LANGUAGE sql STABLE
SECURITY DEFINER
AS $$ SELECT EXISTS (SELECT 1 FROM enrollments WHERE id = enrollment AND account_id = account) $$;

-- What a row may not become by a rep's hand: moved to another account (or
-- to another play), given to another owner, or, in the activity log,
-- rewritten beyond marking one's own action undone. The server, not the
-- client, says which role acted.
CREATE FUNCTION playbook_guard() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    IF TG_TABLE_NAME = 'activity' THEN
        NEW.db_role := CASE WHEN TG_OP = 'INSERT' THEN session_user::text ELSE OLD.db_role END;
    END IF;
    IF NOT playbook_bound() THEN
        RETURN NEW;
    END IF;
    -- One branch per table: a condition naming a column another table
    -- lacks must not be evaluated there.
    IF TG_TABLE_NAME = 'accounts' THEN
        IF TG_OP = 'UPDATE' AND NEW.owner IS DISTINCT FROM OLD.owner THEN
            RAISE EXCEPTION 'only a manager reassigns an account' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'activity' THEN
        IF TG_OP = 'INSERT' AND NEW.actor IS DISTINCT FROM playbook_rep() AND NEW.actor <> 'playbook' THEN
            RAISE EXCEPTION 'an action is logged under its own rep only' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'UPDATE' AND (ROW(NEW.at, NEW.actor, NEW.action, NEW.account_id, NEW.player_id, NEW.touch_id,
                                     NEW.channel, NEW.outcome, NEW.detail, NEW.undo, NEW.enrollment_id, NEW.play_id,
                                     NEW.step, NEW.owner)
                                 IS DISTINCT FROM
                                 ROW(OLD.at, OLD.actor, OLD.action, OLD.account_id, OLD.player_id, OLD.touch_id,
                                     OLD.channel, OLD.outcome, OLD.detail, OLD.undo, OLD.enrollment_id, OLD.play_id,
                                     OLD.step, OLD.owner)) THEN
            RAISE EXCEPTION 'the activity log is kept as it was written' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    -- players, triggers, enrollments, touches: each hangs off an account.
    IF TG_OP = 'UPDATE' AND NEW.account_id IS DISTINCT FROM OLD.account_id THEN
        RAISE EXCEPTION 'only a manager moves a record to another account' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_TABLE_NAME = 'touches' THEN
        IF TG_OP = 'INSERT' AND (NEW.owner IS DISTINCT FROM playbook_rep()
                OR NOT playbook_enrollment_on(NEW.enrollment_id, NEW.account_id)) THEN
            RAISE EXCEPTION 'a touch belongs to its account''s owner and its play' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.owner IS DISTINCT FROM OLD.owner
                OR NEW.enrollment_id IS DISTINCT FROM OLD.enrollment_id) THEN
            RAISE EXCEPTION 'a touch stays with its owner and its play' USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF TG_TABLE_NAME = 'enrollments' THEN
        IF TG_OP = 'UPDATE' AND NEW.play_id IS DISTINCT FROM OLD.play_id THEN
            RAISE EXCEPTION 'a running play keeps its play' USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER playbook_guard BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION playbook_guard();
CREATE TRIGGER playbook_guard BEFORE INSERT OR UPDATE ON players FOR EACH ROW EXECUTE FUNCTION playbook_guard();
CREATE TRIGGER playbook_guard BEFORE INSERT OR UPDATE ON triggers FOR EACH ROW EXECUTE FUNCTION playbook_guard();
CREATE TRIGGER playbook_guard BEFORE INSERT OR UPDATE ON enrollments FOR EACH ROW EXECUTE FUNCTION playbook_guard();
CREATE TRIGGER playbook_guard BEFORE INSERT OR UPDATE ON touches FOR EACH ROW EXECUTE FUNCTION playbook_guard();
CREATE TRIGGER playbook_guard BEFORE INSERT OR UPDATE ON activity FOR EACH ROW EXECUTE FUNCTION playbook_guard();

-- The rollups are the database's own bookkeeping: kept with the owner's rights.
ALTER FUNCTION touch_rollups() SECURITY DEFINER;

-- Functions that run with the owner's rights look in this schema only, and
-- in a session's temporary tables never (or a temporary `team_roles` would
-- make anyone a manager).
DO $$
DECLARE
    f TEXT;
BEGIN
    FOREACH f IN ARRAY ARRAY['playbook_rep()', 'playbook_manager()', 'playbook_bound()', 'playbook_owns(bigint)',
                             'playbook_enrollment_on(bigint, bigint)', 'playbook_guard()', 'touch_rollups()'] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
    END LOOP;
END;
$$;

-- Everyone reads everything; a rep changes only what hangs off their own
-- accounts, a manager anything. A change to another rep's row fails the
-- statement ("violates row-level security policy"), so no action can
-- half-land on a teammate's account; the guard above keeps rows where they are.
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
    WITH CHECK (playbook_manager() OR actor = playbook_rep());

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
