-- 0008: one path for every change. The data version (app_meta.data_version) moves in the
-- database, by trigger, in the transaction that changed what the map shows, whoever changed it
-- (the app, an import, psql). Before, equipment checks and rule runs moved it by an explicit call
-- after the write, which a write from psql never made.
--
-- - Equipment (item states, checks, their history), the rule's answer (segment_requirements),
--   the rule's settings, and a segment's river chief move it at once: nothing is derived from
--   them.
-- - Children, sites, village centres and segment geometry are noted in data_changes by the
--   triggers of 0004; applying the noted changes deletes them, and that delete moves it, in the
--   transaction that also brought the derived data up to date.
--
-- It moves once per transaction: a check writes four tables and is one change.

-- TG_ARGV: none = any row changed; else [0] key column, [1..] columns whose change matters on
-- UPDATE. Statement-level with transition tables (new_rows / old_rows): a bulk load moves the
-- version once, and a statement that changed no row does not move it.
CREATE FUNCTION move_data_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
	changed boolean;
	cond text := 'true';
	i integer;
BEGIN
	IF current_setting('tongan.data_version_moved', true) = 'yes' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		EXECUTE 'SELECT EXISTS (SELECT 1 FROM old_rows)' INTO changed;
	ELSIF TG_OP = 'UPDATE' AND TG_NARGS > 1 THEN
		cond := 'false';
		FOR i IN 1 .. TG_NARGS - 1 LOOP
			cond := cond || format(' OR n.%1$I IS DISTINCT FROM o.%1$I', TG_ARGV[i]);
		END LOOP;
		EXECUTE format(
			'SELECT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.%1$I = n.%1$I WHERE %2$s)',
			TG_ARGV[0], cond) INTO changed;
	ELSE
		EXECUTE 'SELECT EXISTS (SELECT 1 FROM new_rows)' INTO changed;
	END IF;
	IF changed THEN
		INSERT INTO app_meta (key, value, updated_at) VALUES ('data_version', '1', now())
		ON CONFLICT (key) DO UPDATE SET value = (app_meta.value::bigint + 1)::text, updated_at = now();
		-- until the end of this transaction
		PERFORM set_config('tongan.data_version_moved', 'yes', true);
	END IF;
	RETURN NULL;
END
$fn$;

-- one trigger per event: PostgreSQL allows transition tables only on single-event triggers
CREATE FUNCTION move_data_version_on(tbl regclass, events text[], args text[])
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
	a text := '';
	e text;
BEGIN
	IF cardinality(args) > 0 THEN
		SELECT string_agg(quote_literal(x), ', ') INTO a FROM unnest(args) AS x;
	END IF;
	FOREACH e IN ARRAY events LOOP
		EXECUTE format('CREATE TRIGGER %s AFTER %s ON %s REFERENCING %s '
			'FOR EACH STATEMENT EXECUTE FUNCTION move_data_version(%s)',
			quote_ident(tbl::text || '_version_' || lower(left(e, 3))), e, tbl,
			CASE e
				WHEN 'INSERT' THEN 'NEW TABLE AS new_rows'
				WHEN 'DELETE' THEN 'OLD TABLE AS old_rows'
				ELSE 'NEW TABLE AS new_rows OLD TABLE AS old_rows'
			END, a);
	END LOOP;
END
$fn$;

SELECT move_data_version_on('safety_equipment', '{INSERT,UPDATE,DELETE}', '{}');
SELECT move_data_version_on('equipment_checks', '{INSERT,UPDATE,DELETE}', '{}');
-- append-only: only inserts happen
SELECT move_data_version_on('equipment_events', '{INSERT}', '{}');
SELECT move_data_version_on('segment_requirements', '{INSERT,UPDATE,DELETE}', '{}');
SELECT move_data_version_on('settings', '{INSERT,UPDATE,DELETE}', '{}');
-- a segment's river chief ("my segments"); its geometry and township are noted by 0004
SELECT move_data_version_on('waterways', '{UPDATE}', '{id,river_chief_id}');
-- a user's name, role or area: segment lists show and filter by their river chief
SELECT move_data_version_on('users', '{UPDATE}', '{id,display_name,role,jurisdiction_code}');
-- applying noted changes
SELECT move_data_version_on('data_changes', '{DELETE}', '{}');

DROP FUNCTION move_data_version_on(regclass, text[], text[]);
