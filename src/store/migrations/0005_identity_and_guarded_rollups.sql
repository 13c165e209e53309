
-- The file says it is ours: a foreign SQLite file is refused untouched
-- (1886151033 = 0x706C6179, "play").
PRAGMA application_id = 1886151033;

-- An action rewrites whole touches; only a real change of what a rollup
-- counts recounts it.
DROP TRIGGER enrollment_last_touch_update;
CREATE TRIGGER enrollment_last_touch_update AFTER UPDATE OF state, done_at, done_day ON touches
WHEN OLD.state IS NOT NEW.state OR OLD.done_at IS NOT NEW.done_at OR OLD.done_day IS NOT NEW.done_day
BEGIN
    UPDATE enrollments SET
        last_touch_at = (SELECT MAX(done_at) FROM touches WHERE enrollment_id = NEW.enrollment_id AND done_at IS NOT NULL),
        last_done_day = (SELECT MAX(done_day) FROM touches WHERE enrollment_id = NEW.enrollment_id AND state = 'done')
    WHERE id = NEW.enrollment_id;
END;

DROP TRIGGER touch_open_update;
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
