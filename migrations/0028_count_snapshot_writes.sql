-- 0028: a running count of the statements that wrote to the tables behind the analysis
-- snapshot's cheap parts, per table in app_meta ('written:<table>'): the segments' item states
-- (safety_equipment) and the usable homes and stations (children_homes, sunshine_stations; a
-- home's floor area is not noted by 0004). With it the analysis engine reads those parts again
-- only when they may have changed: after a children's import it re-read them every time, and on
-- the embedded engine every read of them is a wait for everyone else's pages.
-- A statement that changed no row still counts: that costs one needless read, never a stale one.
CREATE FUNCTION count_snapshot_writes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	INSERT INTO app_meta (key, value, updated_at) VALUES ('written:' || TG_TABLE_NAME, '1', now())
	ON CONFLICT (key) DO UPDATE
		SET value = (app_meta.value::bigint + 1)::text, updated_at = now();
	RETURN NULL;
END
$fn$;

CREATE TRIGGER safety_equipment_count_writes
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON safety_equipment
	FOR EACH STATEMENT EXECUTE FUNCTION count_snapshot_writes();
CREATE TRIGGER children_homes_count_writes
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON children_homes
	FOR EACH STATEMENT EXECUTE FUNCTION count_snapshot_writes();
CREATE TRIGGER sunshine_stations_count_writes
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sunshine_stations
	FOR EACH STATEMENT EXECUTE FUNCTION count_snapshot_writes();
