-- 0029: every site and segment has a source id. The demo's sites and segments were seeded
-- without one, so a file exported from the app (which carries the source id, the key an import
-- upserts by) could not go back in: every row was rejected for an empty id. Rows without one
-- get an id of the app's own, stable for the row: 'tongan-<kind>-<row id>'. The seed gives new
-- databases the same ids (seed/index.ts).
--
-- The source id is no input of the derived data (four-item rule, counts, tiles), so the
-- triggers that note such changes are held off for the backfill: they would join the old and
-- new rows of every seeded row (tens of thousands of segments on the demo province) to find
-- that nothing they watch changed. The data version triggers (0027) watch named columns only.
-- An id already taken (a source that happened to use the same text) is left to its owner.

ALTER TABLE children_homes DISABLE TRIGGER children_homes_changes_upd;
UPDATE children_homes t SET source_id = 'tongan-home-' || t.id
WHERE t.source_id IS NULL
	AND NOT EXISTS (SELECT 1 FROM children_homes o WHERE o.source_id = 'tongan-home-' || t.id);
ALTER TABLE children_homes ENABLE TRIGGER children_homes_changes_upd;

ALTER TABLE sunshine_stations DISABLE TRIGGER sunshine_stations_changes_upd;
UPDATE sunshine_stations t SET source_id = 'tongan-station-' || t.id
WHERE t.source_id IS NULL
	AND NOT EXISTS (SELECT 1 FROM sunshine_stations o WHERE o.source_id = 'tongan-station-' || t.id);
ALTER TABLE sunshine_stations ENABLE TRIGGER sunshine_stations_changes_upd;

ALTER TABLE institutions DISABLE TRIGGER institutions_changes_upd;
UPDATE institutions t SET source_id = 'tongan-institution-' || t.id
WHERE t.source_id IS NULL
	AND NOT EXISTS (SELECT 1 FROM institutions o WHERE o.source_id = 'tongan-institution-' || t.id);
ALTER TABLE institutions ENABLE TRIGGER institutions_changes_upd;

ALTER TABLE waterways DISABLE TRIGGER waterways_changes_upd;
UPDATE waterways t SET source_id = 'tongan-segment-' || t.id
WHERE t.source_id IS NULL
	AND NOT EXISTS (SELECT 1 FROM waterways o WHERE o.source_id = 'tongan-segment-' || t.id);
ALTER TABLE waterways ENABLE TRIGGER waterways_changes_upd;
