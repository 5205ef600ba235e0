-- 0027: what the map's popups, the lists and the exports show of a place moves the data version,
-- and conditional updates do it by row.
--
-- 0004 and 0005 note a change of what the derived data reads (places, a home's status and floor
-- area, an institution's kind). A change of a name, a capacity or a station's services was not a
-- change at all to the caches keyed on the data version: a re-import that renamed a children's
-- home left the tiles, lists and exports showing its old name until some other write.
--
-- These triggers, and the two of 0008 that compared named columns (waterways' river chief,
-- users' name, role and area), are row triggers with a WHEN condition. 0008's statement
-- triggers joined a statement's old and new rows, which have no statistics: an update of every
-- account (28,000 rows) ran a nested loop for minutes. A row trigger whose condition is false
-- costs nothing, and move_data_version returns at once after the first row of a transaction.
-- The function reads new_rows only to learn whether any row changed, which the condition
-- already settled, so the triggers pass it the transition table it expects.

DROP TRIGGER waterways_version_upd ON waterways;
DROP TRIGGER users_version_upd ON users;

CREATE TRIGGER waterways_version_upd AFTER UPDATE ON waterways REFERENCING NEW TABLE AS new_rows
	FOR EACH ROW WHEN (
		OLD.river_chief_id IS DISTINCT FROM NEW.river_chief_id
		OR OLD.name IS DISTINCT FROM NEW.name
		OR OLD.kind IS DISTINCT FROM NEW.kind
	) EXECUTE FUNCTION move_data_version();

CREATE TRIGGER users_version_upd AFTER UPDATE ON users REFERENCING NEW TABLE AS new_rows
	FOR EACH ROW WHEN (
		OLD.display_name IS DISTINCT FROM NEW.display_name
		OR OLD.role IS DISTINCT FROM NEW.role
		OR OLD.jurisdiction_code IS DISTINCT FROM NEW.jurisdiction_code
	) EXECUTE FUNCTION move_data_version();

CREATE TRIGGER children_homes_version_upd AFTER UPDATE ON children_homes
	REFERENCING NEW TABLE AS new_rows
	FOR EACH ROW WHEN (
		OLD.name IS DISTINCT FROM NEW.name OR OLD.village_code IS DISTINCT FROM NEW.village_code
	) EXECUTE FUNCTION move_data_version();

CREATE TRIGGER institutions_version_upd AFTER UPDATE ON institutions
	REFERENCING NEW TABLE AS new_rows
	FOR EACH ROW WHEN (
		OLD.name IS DISTINCT FROM NEW.name
		OR OLD.capacity IS DISTINCT FROM NEW.capacity
		OR OLD.admin_code IS DISTINCT FROM NEW.admin_code
	) EXECUTE FUNCTION move_data_version();

CREATE TRIGGER sunshine_stations_version_upd AFTER UPDATE ON sunshine_stations
	REFERENCING NEW TABLE AS new_rows
	FOR EACH ROW WHEN (
		OLD.name IS DISTINCT FROM NEW.name
		OR OLD.services IS DISTINCT FROM NEW.services
		OR OLD.admin_code IS DISTINCT FROM NEW.admin_code
	) EXECUTE FUNCTION move_data_version();

CREATE TRIGGER admin_units_version_upd AFTER UPDATE ON admin_units
	REFERENCING NEW TABLE AS new_rows
	FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION move_data_version();
