-- 0004: note every change to the data the four-item rule and the child counts are derived
-- from, wherever it comes from (the app, an import, psql), so the app can bring the derived
-- data up to date. Statement-level triggers with transition tables: a bulk load of 100,000 rows
-- writes a handful of boxes (one per 0.1° cell it touched), not 100,000 rows.

CREATE TABLE data_changes (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	-- the table that changed
	source text NOT NULL,
	-- bounding box (degrees, EPSG:4326) of the old and new geometries of the changed rows
	west double precision NOT NULL,
	south double precision NOT NULL,
	east double precision NOT NULL,
	north double precision NOT NULL,
	noted_at timestamptz NOT NULL DEFAULT now()
);

-- TG_ARGV: [0] geometry column, [1] key column, [2..] columns whose change matters on UPDATE
-- (none given: any column). Transition tables are new_rows / old_rows.
CREATE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
	g text := TG_ARGV[0];
	k text := TG_ARGV[1];
	changed text := 'true';
	rows_sql text;
	i integer;
BEGIN
	IF TG_OP = 'INSERT' THEN
		rows_sql := format('SELECT %I AS g FROM new_rows', g);
	ELSIF TG_OP = 'DELETE' THEN
		rows_sql := format('SELECT %I AS g FROM old_rows', g);
	ELSE
		IF TG_NARGS > 2 THEN
			changed := 'false';
			FOR i IN 2 .. TG_NARGS - 1 LOOP
				changed := changed || format(' OR n.%1$I IS DISTINCT FROM o.%1$I', TG_ARGV[i]);
			END LOOP;
		ELSE
			changed := 'n IS DISTINCT FROM o';
		END IF;
		rows_sql := format(
			'SELECT x.g FROM new_rows n JOIN old_rows o ON o.%2$I = n.%2$I, '
			'LATERAL (VALUES (n.%1$I), (o.%1$I)) AS x(g) WHERE %3$s',
			g, k, changed);
	END IF;
	EXECUTE format(
		'INSERT INTO data_changes (source, west, south, east, north) '
		'SELECT %L, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM ('
		'  SELECT ST_Extent(g) AS b FROM (%s) r WHERE g IS NOT NULL'
		'  GROUP BY floor(ST_XMin(g::box2d) * 10), floor(ST_YMin(g::box2d) * 10)'
		') c',
		TG_TABLE_NAME, rows_sql);
	RETURN NULL;
END
$fn$;

-- one trigger per event: PostgreSQL allows transition tables only on single-event triggers
CREATE FUNCTION track_data_changes(tbl regclass, geom text, key text, cols text[]) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
	args text := format('%L, %L', geom, key);
	c text;
BEGIN
	FOREACH c IN ARRAY cols LOOP
		args := args || format(', %L', c);
	END LOOP;
	EXECUTE format('CREATE TRIGGER %s AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
		'FOR EACH STATEMENT EXECUTE FUNCTION note_data_change(%s)',
		quote_ident(tbl::text || '_changes_ins'), tbl, args);
	EXECUTE format('CREATE TRIGGER %s AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows '
		'FOR EACH STATEMENT EXECUTE FUNCTION note_data_change(%s)',
		quote_ident(tbl::text || '_changes_del'), tbl, args);
	EXECUTE format('CREATE TRIGGER %s AFTER UPDATE ON %s REFERENCING NEW TABLE AS new_rows '
		'OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION note_data_change(%s)',
		quote_ident(tbl::text || '_changes_upd'), tbl, args);
END
$fn$;

-- children: any change (a move changes the rule, a category the counts)
SELECT track_data_changes('children', 'residence', 'id', '{}');
SELECT track_data_changes('institutions', 'geom', 'id', '{geom,kind}');
SELECT track_data_changes('children_homes', 'geom', 'id', '{geom,status}');
SELECT track_data_changes('sunshine_stations', 'geom', 'id', '{geom}');
SELECT track_data_changes('admin_units', 'center', 'code', '{center,level}');
-- waterways: assigning a river chief is not a change of the rule's inputs
SELECT track_data_changes('waterways', 'geom', 'id', '{geom,township_code}');

DROP FUNCTION track_data_changes(regclass, text, text, text[]);
