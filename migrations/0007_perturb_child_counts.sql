-- Cell-key perturbation of every released count of children (src/lib/domain/disclosure.ts).
-- Each child gets a fixed random record key; every aggregate keeps, beside each count, the sum
-- of the keys of the children it counts, so a released figure can be perturbed consistently:
-- the same children always give the same noise. child_counts also keeps the released values
-- of every administrative unit, computed once per change of the children (the one table the
-- panels, dashboard, exports and village labels read); grid cells are released per viewer's
-- jurisdiction from their key sums (tiles/children.ts), as they are summed per jurisdiction.
ALTER TABLE children ADD COLUMN record_key integer NOT NULL
	DEFAULT floor(random() * 1048576)::int
	CONSTRAINT children_record_key_chk CHECK (record_key >= 0 AND record_key < 1048576);

ALTER TABLE child_counts
	ADD COLUMN total_key bigint NOT NULL DEFAULT 0,
	ADD COLUMN left_behind_key bigint NOT NULL DEFAULT 0,
	ADD COLUMN in_difficulty_key bigint NOT NULL DEFAULT 0,
	ADD COLUMN total_released integer NOT NULL DEFAULT 0,
	ADD COLUMN left_behind_released integer NOT NULL DEFAULT 0,
	ADD COLUMN in_difficulty_released integer NOT NULL DEFAULT 0;

ALTER TABLE child_cells
	ADD COLUMN total_key bigint NOT NULL DEFAULT 0,
	ADD COLUMN left_behind_key bigint NOT NULL DEFAULT 0,
	ADD COLUMN in_difficulty_key bigint NOT NULL DEFAULT 0;

-- existing aggregates have no key sums yet: note every township with children as changed, so
-- the app's change path (services/derived-data.ts) refreshes them, and the released values,
-- at its first pass after this migration
INSERT INTO data_changes (source, west, south, east, north, townships)
SELECT 'children', ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), t
FROM (
	SELECT ST_Extent(residence)::geometry AS e, array_agg(DISTINCT left(village_code, 9)) AS t
	FROM children
) x
WHERE e IS NOT NULL;
