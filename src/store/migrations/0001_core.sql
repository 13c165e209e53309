
CREATE TABLE reps (
    name TEXT PRIMARY KEY,
    zone TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    domain TEXT,
    industry TEXT,
    segment TEXT,
    region TEXT,
    country TEXT,
    employees INTEGER,
    annual_revenue INTEGER,
    owner TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'target',
    source TEXT,
    opportunity_value INTEGER,
    budget INTEGER CHECK (budget BETWEEN 1 AND 5),
    authority INTEGER CHECK (authority BETWEEN 1 AND 5),
    need INTEGER CHECK (need BETWEEN 1 AND 5),
    timing INTEGER CHECK (timing BETWEEN 1 AND 5),
    -- the BANT product; NULL while any factor is unrated
    bant_score INTEGER GENERATED ALWAYS AS (budget * authority * need * timing) VIRTUAL,
    -- freshest trigger event, kept in step with `triggers` by the store
    last_trigger_on TEXT,
    last_trigger TEXT,
    created_at INTEGER NOT NULL
) STRICT;
-- ranking reads (owner, BANT product, freshest trigger) from this index alone
CREATE INDEX accounts_rank ON accounts(owner, bant_score, last_trigger_on);
CREATE INDEX accounts_domain ON accounts(domain);
CREATE INDEX accounts_name ON accounts(name COLLATE NOCASE);

CREATE TABLE triggers (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    source TEXT,
    occurred_on TEXT NOT NULL
) STRICT;
CREATE INDEX triggers_account ON triggers(account_id, occurred_on);

CREATE TABLE players (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    title TEXT,
    email TEXT,
    phone TEXT,
    linkedin TEXT,
    zone TEXT NOT NULL,
    tier TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active'
) STRICT;
CREATE INDEX players_account ON players(account_id);
CREATE INDEX players_email ON players(email);

CREATE TABLE plays (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    loaded_at INTEGER NOT NULL,
    UNIQUE (name, version)
) STRICT;

CREATE TABLE enrollments (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    play_id INTEGER NOT NULL REFERENCES plays(id),
    started_at INTEGER NOT NULL,
    started_by TEXT NOT NULL,
    state TEXT NOT NULL,
    paused_at INTEGER,
    paused_until INTEGER,
    reason TEXT
) STRICT;
CREATE INDEX enrollments_account ON enrollments(account_id);

CREATE TABLE touches (
    id INTEGER PRIMARY KEY,
    enrollment_id INTEGER NOT NULL REFERENCES enrollments(id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    player_id INTEGER NOT NULL REFERENCES players(id) ON DELETE CASCADE,
    -- the account's owner, copied so one rep's queue is one index range
    owner TEXT NOT NULL,
    step INTEGER NOT NULL,
    -- position in the player's thread within the enrollment
    seq INTEGER NOT NULL,
    nominal_day INTEGER NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    deadline_at INTEGER,
    why TEXT NOT NULL,
    outcome TEXT,
    done_at INTEGER,
    note TEXT,
    reason TEXT,
    -- done before its deadline, or within its due day in the owner's zone
    on_time INTEGER,
    -- the owner's local date when it was resolved (days since 1970-01-01)
    done_day INTEGER
) STRICT;
CREATE INDEX touches_queue ON touches(owner, due_at) WHERE state IN ('due', 'snoozed');
CREATE INDEX touches_open_due ON touches(due_at) WHERE state IN ('due', 'snoozed');
CREATE INDEX touches_thread ON touches(enrollment_id, player_id, seq);
CREATE INDEX touches_account ON touches(account_id);
CREATE INDEX touches_open_account ON touches(account_id, due_at) WHERE state IN ('due', 'snoozed');
CREATE INDEX touches_account_done ON touches(account_id, done_day) WHERE state = 'done';
CREATE INDEX touches_open_enrollment ON touches(enrollment_id, kind) WHERE state IN ('planned', 'due', 'snoozed');
-- the manager's last touch per enrollment, read from the index alone
CREATE INDEX touches_enrollment_done ON touches(enrollment_id, done_at) WHERE done_at IS NOT NULL;

-- Append-only log of every action; `undo` holds what reverses it.
CREATE TABLE activity (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    account_id INTEGER,
    player_id INTEGER,
    touch_id INTEGER,
    channel TEXT,
    outcome TEXT,
    detail TEXT,
    undo TEXT,
    undone_by INTEGER
) STRICT;
CREATE INDEX activity_at ON activity(at);
CREATE INDEX activity_responses ON activity(at, account_id, touch_id)
    WHERE action IN ('replied', 'meeting') AND undone_by IS NULL;
CREATE INDEX activity_account ON activity(account_id, at);
-- the ranking's per-account boosts, each answered from a small index
CREATE INDEX activity_engaged ON activity(account_id, at)
    WHERE undone_by IS NULL AND outcome IN ('opened', 'replied_positive', 'replied_negative', 'meeting_booked');

-- Resolved touches per local day of their owner, kept by triggers so the manager's review
-- reads a few thousand rows instead of every touch of the period.
CREATE TABLE touch_daily (
    day INTEGER NOT NULL,
    owner TEXT NOT NULL,
    play_id INTEGER NOT NULL,
    step INTEGER NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    n INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    PRIMARY KEY (day, owner, play_id, step, kind, channel, state)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER touch_daily_insert AFTER INSERT ON touches
WHEN NEW.done_day IS NOT NULL AND NEW.state IN ('done', 'skipped')
BEGIN
    INSERT INTO touch_daily (day, owner, play_id, step, kind, channel, state, n, on_time)
    VALUES (NEW.done_day, NEW.owner, (SELECT play_id FROM enrollments WHERE id = NEW.enrollment_id),
            NEW.step, NEW.kind, NEW.channel, NEW.state, 1, COALESCE(NEW.on_time, 0))
    ON CONFLICT DO UPDATE SET n = n + 1, on_time = on_time + excluded.on_time;
END;

CREATE TRIGGER touch_daily_delete AFTER DELETE ON touches
WHEN OLD.done_day IS NOT NULL AND OLD.state IN ('done', 'skipped')
BEGIN
    UPDATE touch_daily SET n = n - 1, on_time = on_time - COALESCE(OLD.on_time, 0)
    WHERE day = OLD.done_day AND owner = OLD.owner
      AND play_id = (SELECT play_id FROM enrollments WHERE id = OLD.enrollment_id)
      AND step = OLD.step AND kind = OLD.kind AND channel = OLD.channel AND state = OLD.state;
END;

CREATE TRIGGER touch_daily_update AFTER UPDATE ON touches
BEGIN
    UPDATE touch_daily SET n = n - 1, on_time = on_time - COALESCE(OLD.on_time, 0)
    WHERE OLD.done_day IS NOT NULL AND OLD.state IN ('done', 'skipped')
      AND day = OLD.done_day AND owner = OLD.owner
      AND play_id = (SELECT play_id FROM enrollments WHERE id = OLD.enrollment_id)
      AND step = OLD.step AND kind = OLD.kind AND channel = OLD.channel AND state = OLD.state;
    INSERT INTO touch_daily (day, owner, play_id, step, kind, channel, state, n, on_time)
    SELECT NEW.done_day, NEW.owner, (SELECT play_id FROM enrollments WHERE id = NEW.enrollment_id),
           NEW.step, NEW.kind, NEW.channel, NEW.state, 1, COALESCE(NEW.on_time, 0)
    WHERE NEW.done_day IS NOT NULL AND NEW.state IN ('done', 'skipped')
    ON CONFLICT DO UPDATE SET n = n + 1, on_time = on_time + excluded.on_time;
END;
