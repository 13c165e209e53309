//! Numbered migrations; `PRAGMA user_version` records how many have run.

/// Each entry upgrades the schema by one version; never edit a shipped one.
pub const MIGRATIONS: &[&str] = &[
    // 1: the core objects of domain.md.
    r"
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
",
    // 2: each logged response names its enrollment, play version and step, so
    // the manager's per-step rates read one index instead of a touch per row.
    "
ALTER TABLE activity ADD COLUMN enrollment_id INTEGER;
ALTER TABLE activity ADD COLUMN play_id INTEGER;
ALTER TABLE activity ADD COLUMN step INTEGER;
UPDATE activity SET (enrollment_id, play_id, step) =
    (SELECT t.enrollment_id, e.play_id, t.step FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
     WHERE t.id = activity.touch_id)
WHERE touch_id IS NOT NULL;
DROP INDEX activity_responses;
CREATE INDEX activity_responses ON activity(at, action, account_id, enrollment_id, play_id, step)
    WHERE action IN ('replied', 'meeting') AND undone_by IS NULL;

-- open touches are counted in touch_open now; the thread index serves the rest
DROP INDEX touches_open_enrollment;

-- enrollments per play version and state, from the index alone
CREATE INDEX enrollments_play ON enrollments(play_id, state, account_id);

-- The last resolved touch of each enrollment (stalled plays) and the owner's
-- day of its last done touch (accounts worked since a day), kept by triggers.
ALTER TABLE enrollments ADD COLUMN last_touch_at INTEGER;
ALTER TABLE enrollments ADD COLUMN last_done_day INTEGER;
UPDATE enrollments SET
    last_touch_at = (SELECT MAX(done_at) FROM touches t WHERE t.enrollment_id = enrollments.id AND t.done_at IS NOT NULL),
    last_done_day = (SELECT MAX(done_day) FROM touches t WHERE t.enrollment_id = enrollments.id AND t.state = 'done');
CREATE INDEX enrollments_worked ON enrollments(last_done_day, account_id) WHERE last_done_day IS NOT NULL;

CREATE TRIGGER enrollment_last_touch_insert AFTER INSERT ON touches
WHEN NEW.done_at IS NOT NULL
BEGIN
    UPDATE enrollments SET
        last_touch_at = (SELECT MAX(done_at) FROM touches WHERE enrollment_id = NEW.enrollment_id AND done_at IS NOT NULL),
        last_done_day = (SELECT MAX(done_day) FROM touches WHERE enrollment_id = NEW.enrollment_id AND state = 'done')
    WHERE id = NEW.enrollment_id;
END;

CREATE TRIGGER enrollment_last_touch_update AFTER UPDATE OF state, done_at, done_day ON touches
-- an action rewrites whole touches; only a real change recounts
WHEN OLD.state IS NOT NEW.state OR OLD.done_at IS NOT NEW.done_at OR OLD.done_day IS NOT NEW.done_day
BEGIN
    UPDATE enrollments SET
        last_touch_at = (SELECT MAX(done_at) FROM touches WHERE enrollment_id = NEW.enrollment_id AND done_at IS NOT NULL),
        last_done_day = (SELECT MAX(done_day) FROM touches WHERE enrollment_id = NEW.enrollment_id AND state = 'done')
    WHERE id = NEW.enrollment_id;
END;

CREATE TRIGGER enrollment_last_touch_delete AFTER DELETE ON touches
WHEN OLD.done_at IS NOT NULL
BEGIN
    UPDATE enrollments SET
        last_touch_at = (SELECT MAX(done_at) FROM touches WHERE enrollment_id = OLD.enrollment_id AND done_at IS NOT NULL),
        last_done_day = (SELECT MAX(done_day) FROM touches WHERE enrollment_id = OLD.enrollment_id AND state = 'done')
    WHERE id = OLD.enrollment_id;
END;

-- overdue per rep from the index alone (the partial index's own column included)
DROP INDEX touches_open_due;
CREATE INDEX touches_open_due ON touches(due_at, owner, deadline_at, enrollment_id, state)
    WHERE state IN ('due', 'snoozed');

-- open pipeline from the index alone
CREATE INDEX accounts_pipeline ON accounts(opportunity_value, owner)
    WHERE opportunity_value IS NOT NULL AND status != 'disqualified';

-- Open (planned, due, snoozed) touches per play version, owner and kind, kept by
-- triggers: the review's 'done of planned' would otherwise count half a million rows.
CREATE TABLE touch_open (
    play_id INTEGER NOT NULL,
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (play_id, owner, kind)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER touch_open_insert AFTER INSERT ON touches
WHEN NEW.state IN ('planned', 'due', 'snoozed')
BEGIN
    INSERT INTO touch_open (play_id, owner, kind, n)
    VALUES ((SELECT play_id FROM enrollments WHERE id = NEW.enrollment_id), NEW.owner, NEW.kind, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER touch_open_delete AFTER DELETE ON touches
WHEN OLD.state IN ('planned', 'due', 'snoozed')
BEGIN
    UPDATE touch_open SET n = n - 1
    WHERE play_id = (SELECT play_id FROM enrollments WHERE id = OLD.enrollment_id)
      AND owner = OLD.owner AND kind = OLD.kind;
END;

CREATE TRIGGER touch_open_update AFTER UPDATE OF state, owner, kind, enrollment_id ON touches
WHEN ((OLD.state IN ('planned', 'due', 'snoozed')) OR (NEW.state IN ('planned', 'due', 'snoozed')))
  AND (OLD.state IS NOT NEW.state OR OLD.owner IS NOT NEW.owner OR OLD.kind IS NOT NEW.kind
       OR OLD.enrollment_id IS NOT NEW.enrollment_id)
BEGIN
    UPDATE touch_open SET n = n - 1
    WHERE OLD.state IN ('planned', 'due', 'snoozed')
      AND play_id = (SELECT play_id FROM enrollments WHERE id = OLD.enrollment_id)
      AND owner = OLD.owner AND kind = OLD.kind;
    INSERT INTO touch_open (play_id, owner, kind, n)
    SELECT (SELECT play_id FROM enrollments WHERE id = NEW.enrollment_id), NEW.owner, NEW.kind, 1
    WHERE NEW.state IN ('planned', 'due', 'snoozed')
    ON CONFLICT DO UPDATE SET n = n + 1;
END;

INSERT INTO touch_open (play_id, owner, kind, n)
SELECT e.play_id, t.owner, t.kind, COUNT(*)
FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
WHERE t.state IN ('planned', 'due', 'snoozed')
GROUP BY 1, 2, 3;
",
    // 3: how an imported player's tier and zone were decided, shown with the
    // player so a guess can be spotted and corrected.
    "
ALTER TABLE players ADD COLUMN tier_rule TEXT;
ALTER TABLE players ADD COLUMN zone_source TEXT;
",
    // 4: a logged response names the rep whose touch it answered (the account
    // may change hands later), and the store gets an id of its own (calendar UIDs).
    "
ALTER TABLE activity ADD COLUMN owner TEXT;
UPDATE activity SET owner = (SELECT t.owner FROM touches t WHERE t.id = activity.touch_id)
WHERE touch_id IS NOT NULL;
DROP INDEX activity_responses;
CREATE INDEX activity_responses ON activity(at, action, account_id, enrollment_id, play_id, step, owner)
    WHERE action IN ('replied', 'meeting') AND undone_by IS NULL;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(6))));
",
];

/// Rebuilds `touch_daily` and `touch_open` from the touches (after a bulk load without triggers).
pub const REBUILD_ROLLUPS: &str = "
DELETE FROM touch_daily;
INSERT INTO touch_daily (day, owner, play_id, step, kind, channel, state, n, on_time)
SELECT t.done_day, t.owner, e.play_id, t.step, t.kind, t.channel, t.state, COUNT(*), SUM(COALESCE(t.on_time, 0))
FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
WHERE t.done_day IS NOT NULL AND t.state IN ('done', 'skipped')
GROUP BY 1, 2, 3, 4, 5, 6, 7;
DELETE FROM touch_open;
INSERT INTO touch_open (play_id, owner, kind, n)
SELECT e.play_id, t.owner, t.kind, COUNT(*)
FROM touches t JOIN enrollments e ON e.id = t.enrollment_id
WHERE t.state IN ('planned', 'due', 'snoozed')
GROUP BY 1, 2, 3;
";

/// Recomputes each enrollment's last touch from its touches (a repair; bulk
/// loads write them directly).
pub const REBUILD_LAST_TOUCH: &str = "
UPDATE enrollments SET
    last_touch_at = (SELECT MAX(done_at) FROM touches t WHERE t.enrollment_id = enrollments.id AND t.done_at IS NOT NULL),
    last_done_day = (SELECT MAX(done_day) FROM touches t WHERE t.enrollment_id = enrollments.id AND t.state = 'done');
";

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
