-- 0025: campaign_targets.geom loses the GiST index 0011 gave it. A province-wide launch writes
-- ~78,000 targets in one statement, and that index was the costliest part of writing them after
-- the foreign-key checks (~20% of the statement's CPU), while no query finds targets by where
-- they are: the phone orders its own targets, the campaign pages and the dashboard read a
-- campaign's targets by campaign and area (campaign_targets_campaign_idx), and "near a place"
-- (repositories/emergency-place.ts) starts from the open hazards and reaches each one's target
-- by id, which stays the better plan as the table grows (checked with EXPLAIN ANALYZE on 236,000
-- targets and 3,940 open hazards: 77 ms by hazards first, 490 ms through the GiST).
DROP INDEX IF EXISTS campaign_targets_geom_gist;
