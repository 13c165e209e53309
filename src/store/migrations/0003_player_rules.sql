
ALTER TABLE players ADD COLUMN tier_rule TEXT;
ALTER TABLE players ADD COLUMN zone_source TEXT;
