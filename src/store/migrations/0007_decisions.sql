
-- A play paused by an answer (a reply, a meeting) waits for its owner's
-- decision from this instant; an ended play says how it ended.
ALTER TABLE enrollments ADD COLUMN decision_at INTEGER;
ALTER TABLE enrollments ADD COLUMN ended_as TEXT;

-- Plays already paused for their owner by an earlier release wait too.
UPDATE enrollments SET decision_at = paused_at
 WHERE state = 'paused' AND paused_until IS NULL
   AND (reason LIKE '%owner to decide' OR reason LIKE 'meeting booked%');

CREATE INDEX enrollments_decision ON enrollments(decision_at) WHERE state = 'paused' AND decision_at IS NOT NULL;

-- The latest answer on an account, for the decision it waits on.
CREATE INDEX activity_answers ON activity(account_id, at) WHERE action IN ('replied', 'meeting') AND undone_by IS NULL;

-- A player's latest answer, shown beside the touch about to go to them.
CREATE INDEX activity_player_answers ON activity(player_id, at)
    WHERE undone_by IS NULL
      AND outcome IN ('opened', 'replied_positive', 'replied_negative', 'meeting_booked', 'out_of_office', 'bounced', 'opted_out');
