
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
WHEN (OLD.state IN ('planned', 'due', 'snoozed')) OR (NEW.state IN ('planned', 'due', 'snoozed'))
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
