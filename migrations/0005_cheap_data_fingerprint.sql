-- 0005: let the analysis snapshot tell cheaply whether the data moved on. Its fingerprint is the
-- data version, the noted changes still waiting, and the newest equipment check: each a lookup,
-- where counting children and equipment rows took a tenth of a second on the demo province.

-- the newest equipment check, through an index
CREATE INDEX safety_equipment_checked_at_idx ON safety_equipment (checked_at);

-- a children's home's floor area decides whether it is usable (at least 30 m²): note a change
-- of it as well, not only of its place and status
DROP TRIGGER children_homes_changes_upd ON children_homes;
CREATE TRIGGER children_homes_changes_upd AFTER UPDATE ON children_homes
	REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION note_data_change('geom', 'id', '', 'geom', 'status', 'area_m2');
