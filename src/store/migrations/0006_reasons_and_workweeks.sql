
-- A touch's reason as data (the rule that placed it and each adjustment
-- since), rendered when shown; `why` keeps the sentence for older readers.
ALTER TABLE touches ADD COLUMN why_data TEXT;

-- A player's own working week (`sun,mon,tue,wed,thu`), over their zone's,
-- and the end of an out-of-office: nothing is placed for them before it.
ALTER TABLE players ADD COLUMN workdays TEXT;
ALTER TABLE players ADD COLUMN away_until INTEGER;

-- Timed pauses that have run out are found without a scan.
CREATE INDEX enrollments_paused ON enrollments(paused_until) WHERE state = 'paused';
