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
	-- townships (9-digit code prefixes) of the changed rows, old and new, where the table has one
	townships text[] NOT NULL DEFAULT '{}',
	noted_at timestamptz NOT NULL DEFAULT now()
);

-- TG_ARGV: [0] geometry column, [1] key column, [2] administrative code column ('' for none),
-- [3..] columns whose change matters on UPDATE (none given: any column). Transition tables are
-- new_rows / old_rows.
CREATE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
	g text := TG_ARGV[0];
	k text := TG_ARGV[1];
	has_code boolean := TG_ARGV[2] <> '';
	code text := CASE WHEN has_code THEN format('%I', TG_ARGV[2]) ELSE 'NULL::text' END;
	n_code text := CASE WHEN has_code THEN format('n.%I', TG_ARGV[2]) ELSE 'NULL::text' END;
	o_code text := CASE WHEN has_code THEN format('o.%I', TG_ARGV[2]) ELSE 'NULL::text' END;
	changed text := 'true';
	rows_sql text;
	i integer;
BEGIN
	IF TG_OP = 'INSERT' THEN
		rows_sql := format('SELECT %I AS g, %s AS c FROM new_rows', g, code);
	ELSIF TG_OP = 'DELETE' THEN
		rows_sql := format('SELECT %I AS g, %s AS c FROM old_rows', g, code);
	ELSE
		IF TG_NARGS > 3 THEN
			changed := 'false';
			FOR i IN 3 .. TG_NARGS - 1 LOOP
				changed := changed || format(' OR n.%1$I IS DISTINCT FROM o.%1$I', TG_ARGV[i]);
			END LOOP;
		ELSE
			changed := 'n IS DISTINCT FROM o';
		END IF;
		rows_sql := format(
			'SELECT x.g, x.c FROM new_rows n JOIN old_rows o ON o.%2$I = n.%2$I, '
			'LATERAL (VALUES (n.%1$I, %4$s), (o.%1$I, %5$s)) AS x(g, c) WHERE %3$s',
			g, k, changed, n_code, o_code);
	END IF;
	EXECUTE format(
		'INSERT INTO data_changes (source, west, south, east, north, townships) '
		'SELECT %L, ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b), t FROM ('
		'  SELECT ST_Extent(g) AS b, array_remove(array_agg(DISTINCT left(c, 9)), NULL) AS t'
		'  FROM (%s) r WHERE g IS NOT NULL'
		'  GROUP BY floor(ST_XMin(g::box2d) * 10), floor(ST_YMin(g::box2d) * 10)'
		') c',
		TG_TABLE_NAME, rows_sql);
	RETURN NULL;
END
$fn$;

-- one trigger per event: PostgreSQL allows transition tables only on single-event triggers
CREATE FUNCTION track_data_changes(tbl regclass, geom text, key text, code text, cols text[])
RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
	args text := format('%L, %L, %L', geom, key, code);
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

-- children: any change (a move changes the rule, a category the counts); their township too
SELECT track_data_changes('children', 'residence', 'id', 'village_code', '{}');
SELECT track_data_changes('institutions', 'geom', 'id', '', '{geom,kind}');
SELECT track_data_changes('children_homes', 'geom', 'id', '', '{geom,status}');
SELECT track_data_changes('sunshine_stations', 'geom', 'id', '', '{geom}');
SELECT track_data_changes('admin_units', 'center', 'code', '', '{center,level}');
-- waterways: assigning a river chief is not a change of the rule's inputs
SELECT track_data_changes('waterways', 'geom', 'id', '', '{geom,township_code}');

DROP FUNCTION track_data_changes(regclass, text, text, text, text[]);
