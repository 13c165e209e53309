
ALTER TABLE activity ADD COLUMN owner TEXT;
UPDATE activity SET owner = (SELECT t.owner FROM touches t WHERE t.id = activity.touch_id)
WHERE touch_id IS NOT NULL;
DROP INDEX activity_responses;
CREATE INDEX activity_responses ON activity(at, action, account_id, enrollment_id, play_id, step, owner)
    WHERE action IN ('replied', 'meeting') AND undone_by IS NULL;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(6))));
