// The SQL of every import kind: for a batch
// of checked rows, what each would do (a problem key when the row may not be written, whether
// it exists and whether it would change), and the upsert by the source's own id, applied from
// the rows a commit staged (import_staging, migration 0022) in one set-based statement. Each upsert
// leaves alone a row another jurisdiction holds and a row that would not change, so
// re-importing a file writes nothing and the change path (migrations 0004, 0008) notes only
// real changes.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';

/** Rows per staging statement: one short statement each, so other queries run between them. */
export const STAGE_BATCH = 2000;

/**
 * Add rows (each in its kind's staged shape: `stagedPoint`, `stagedChild`…) to a commit's
 * stage, numbered from `from`. One statement, one parameter: the rows as a JSON array.
 */
export async function stageRows(
	db: Kysely<DB>,
	stage: string,
	from: number,
	rows: readonly object[]
): Promise<void> {
	if (rows.length === 0) return;
	await sql`
		INSERT INTO import_staging (stage, n, row)
		SELECT ${stage}, ${from}::int + (t.i - 1)::int, t.x
		FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS t(x, i)`.execute(db);
}

/** A commit's staged rows are done with (applied, or the commit failed). */
export async function dropStage(db: Kysely<DB>, stage: string): Promise<void> {
	await sql`DELETE FROM import_staging WHERE stage = ${stage}`.execute(db);
}

/** Staged rows older than `maxAgeMs`: a commit that died (a crash, a kill) left them. */
export async function dropStaleStages(db: Kysely<DB>, maxAgeMs: number): Promise<number> {
	const r = await sql`
		DELETE FROM import_staging
		WHERE staged_at < now() - make_interval(secs => ${maxAgeMs / 1000})`.execute(db);
	return Number(r.numAffectedRows ?? 0);
}

/** A commit's staged rows as the FROM item `r(columns)`: `cols` names and types the keys. */
const staged = (stage: string, cols: string): RawBuilder<unknown> =>
	sql`(SELECT x.* FROM import_staging s, jsonb_to_record(s.row) AS x(${sql.raw(cols)})
		WHERE s.stage = ${stage}) AS r`;

/** One answer per row, in order. */
export interface KindLookup {
	/** the first of `problems`, or null */
	problem: string | null;
	/**
	 * Every problem key (validate.ts ProblemKey) that keeps the row out, each checked on its own
	 * (an unknown village and a point outside the county are two), so the user corrects them
	 * all at once
	 */
	problems: string[];
	exists: boolean;
	same: boolean;
	/** where the preview shows the row: its point, or the middle of its segment */
	lon: number | null;
	lat: number | null;
	/** river chiefs: the user named and their jurisdiction; the segment's township */
	userId?: number | null;
	userJurisdiction?: string | null;
	townshipCode?: string | null;
	/** children: the centre of the village named (what the preview shows to roles without homes) */
	villageLon?: number | null;
	villageLat?: number | null;
}

interface Raw {
	idx: number;
	problems: string[] | string | null;
	exists: boolean;
	same: boolean | null;
	lon: number | null;
	lat: number | null;
	user_id?: number | null;
	user_jurisdiction?: string | null;
	township_code?: string | null;
	vlon?: number | null;
	vlat?: number | null;
}

/** A text[] as the driver gives it: an array, or its '{a,b}' text form. */
const textArray = (x: Raw['problems']): string[] =>
	Array.isArray(x)
		? x
		: x
			? x
					.replace(/^\{|\}$/g, '')
					.split(',')
					.filter(Boolean)
			: [];

/** `ARRAY[CASE … END, …]` without the checks that did not fire: every problem of the row. */
const problemList = (checks: RawBuilder<unknown>[]) =>
	sql`array_remove(ARRAY[${sql.join(checks)}]::text[], NULL) AS problems`;

/** A number the SQL reads, or NULL: a rejected row's failed location is looked up as none. */
const num = (x: number) => (Number.isFinite(x) ? x : null);

const out = (rows: Raw[]): KindLookup[] =>
	rows.map((x) => {
		const problems = textArray(x.problems);
		return {
			problem: problems[0] ?? null,
			problems,
			exists: Boolean(x.exists),
			same: Boolean(x.same),
			lon: x.lon === null ? null : Number(x.lon),
			lat: x.lat === null ? null : Number(x.lat),
			userId: x.user_id === undefined || x.user_id === null ? null : Number(x.user_id),
			userJurisdiction: x.user_jurisdiction ?? null,
			townshipCode: x.township_code ?? null,
			villageLon: x.vlon === undefined || x.vlon === null ? null : Number(x.vlon),
			villageLat: x.vlat === undefined || x.vlat === null ? null : Number(x.vlat)
		};
	});

/** A column of a point kind: its name in the table (and in the batch), its SQL type, and the
 * checked row's field it comes from. */
interface PointColumn {
	column: string;
	type: 'text' | 'int' | 'numeric(7,1)';
	field: string;
}

/**
 * A kind that is one point per row in one table, upserted by source id. The lookup and the
 * upsert below are generated from this list; the names are constants of this module, never
 * input.
 */
export interface PointKind {
	table: 'sunshine_stations' | 'institutions' | 'children_homes';
	/** the column naming the row's administrative unit, and the problem when it is unknown */
	area: PointColumn & { level: 'village' | null; unknown: 'unitUnknown' | 'villageUnknown' };
	/** the other columns, compared to tell an update from an unchanged row */
	columns: PointColumn[];
}

/** Stations and institutions name any unit of the jurisdiction (a township, a village…). */
const ADMIN_AREA = {
	column: 'admin_code',
	type: 'text',
	field: 'adminCode',
	level: null,
	unknown: 'unitUnknown'
} as const;

export const POINT_KINDS = {
	sunshine_stations: {
		table: 'sunshine_stations',
		area: ADMIN_AREA,
		columns: [
			{ column: 'name', type: 'text', field: 'name' },
			{ column: 'services', type: 'text', field: 'services' }
		]
	},
	institutions: {
		table: 'institutions',
		area: ADMIN_AREA,
		columns: [
			{ column: 'kind', type: 'text', field: 'kind' },
			{ column: 'name', type: 'text', field: 'name' },
			{ column: 'capacity', type: 'int', field: 'capacity' }
		]
	},
	// the area as stored, one decimal (validate.ts rounds the file's value the same way)
	children_homes: {
		table: 'children_homes',
		area: {
			column: 'village_code',
			type: 'text',
			field: 'villageCode',
			level: 'village',
			unknown: 'villageUnknown'
		},
		columns: [
			{ column: 'name', type: 'text', field: 'name' },
			{ column: 'area_m2', type: 'numeric(7,1)', field: 'area_m2' },
			{ column: 'status', type: 'text', field: 'status' }
		]
	}
} as const satisfies Record<string, PointKind>;

/** A checked row of a point kind: its id, its point, and its fields by key. */
export type PointRow = { sourceId: string; lon: number; lat: number } & Record<string, unknown>;

/** The value a column gets from a row: text as text ('' when absent), a number or null. */
function cell(c: PointColumn, row: PointRow): unknown {
	const x = row[c.field];
	if (c.type === 'text') return typeof x === 'string' ? x : '';
	if (c.type === 'int') return typeof x === 'number' ? x : null;
	// a rejected row's failed area is looked up as none
	return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** `unnest($1::t1[], …) AS r(name1, …)`: the batch as rows, named as the table's columns. */
function batch(k: PointKind, rows: PointRow[], withIdx: boolean) {
	const cols = [
		{ column: 'source_id', type: 'text', field: 'sourceId' } as PointColumn,
		k.area,
		...k.columns
	];
	const arrays = cols.map((c) => sql`${rows.map((r) => cell(c, r))}::${sql.raw(c.type)}[]`);
	const names = cols.map((c) => c.column);
	if (withIdx) {
		arrays.unshift(sql`${rows.map((_, i) => i)}::int[]`);
		names.unshift('idx');
	}
	arrays.push(
		sql`${rows.map((r) => num(r.lon))}::float8[]`,
		sql`${rows.map((r) => num(r.lat))}::float8[]`
	);
	names.push('lon', 'lat');
	return sql`unnest(${sql.join(arrays)}) AS r(${sql.raw(names.join(', '))})`;
}

const tuple = (alias: string, cols: readonly PointColumn[]) =>
	sql.raw(`(${cols.map((c) => `${alias}.${c.column}`).join(', ')})`);

/**
 * How far a site may lie outside the unit it is registered to (its township or county; a village,
 * which has a centre but no outline, by its township's) before the row is refused. Real boundaries are drawn roughly and a home on the edge may sit just across
 * the line; a village code copied down an Excel column by mistake puts the site kilometres away.
 */
export const AREA_TOLERANCE_M = 1000;

export async function lookupPoints(
	db: Kysely<DB>,
	k: PointKind,
	jurisdiction: string,
	prefix: string,
	rows: PointRow[]
): Promise<KindLookup[]> {
	if (rows.length === 0) return [];
	const area = sql.raw(k.area.column);
	const r = await sql<Raw>`
		WITH r AS (
			SELECT *, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt FROM ${batch(k, rows, true)}
		), j AS (SELECT geom FROM admin_units WHERE code = ${jurisdiction})
		SELECT r.idx, r.lon, r.lat, s.id IS NOT NULL AS exists,
			${problemList([
				sql`CASE WHEN v.code IS NULL THEN ${sql.lit(k.area.unknown)} END`,
				// a point outside the jurisdiction is not also said to lie far from its unit
				sql`CASE
					WHEN NOT coalesce(ST_Covers((SELECT geom FROM j), r.pt), true) THEN 'outside'
					-- a unit drawn without an outline of its own (a village) is held to its township's
					WHEN NOT ST_DWithin(coalesce(v.geom, vp.geom)::geography, r.pt::geography,
						${AREA_TOLERANCE_M}::float8, false) THEN 'notInArea'
				END`,
				sql`CASE WHEN s.id IS NOT NULL AND s.${area} NOT LIKE ${underPrefix(prefix)}
					THEN 'takenElsewhere' END`
			])},
			s.${area}::text IS NOT DISTINCT FROM r.${area}
				AND ${tuple('s', k.columns)} IS NOT DISTINCT FROM ${tuple('r', k.columns)}
				AND ST_Equals(s.geom, r.pt) AS same
		FROM r
		LEFT JOIN admin_units v ON v.code = r.${area}
			${k.area.level ? sql`AND v.level = ${k.area.level}` : sql``}
			AND v.code LIKE ${underPrefix(prefix)}
		LEFT JOIN admin_units vp ON vp.code = v.parent_code
		LEFT JOIN ${sql.table(k.table)} s ON s.source_id = r.source_id
		ORDER BY r.idx`.execute(db);
	return out(r.rows);
}

/** A point kind's row as staged: the table's column names as keys, then lon and lat. */
export function stagedPoint(k: PointKind, row: PointRow): Record<string, unknown> {
	const o: Record<string, unknown> = { source_id: row.sourceId };
	for (const c of [k.area, ...k.columns]) o[c.column] = cell(c, row);
	o.lon = row.lon;
	o.lat = row.lat;
	return o;
}

/**
 * Insert or update by source id from the staged rows, in the caller's transaction. A row
 * another jurisdiction holds under the same id is left alone (the check rejected it; this
 * guards a race).
 */
export async function applyPoints(
	db: Kysely<DB>,
	k: PointKind,
	prefix: string,
	stage: string
): Promise<void> {
	const t = k.table;
	const all = [k.area, ...k.columns];
	const names = all.map((c) => c.column).join(', ');
	const cols = [
		'source_id text',
		...all.map((c) => `${c.column} ${c.type}`),
		'lon float8',
		'lat float8'
	];
	await sql`
		INSERT INTO ${sql.table(t)} (source_id, ${sql.raw(names)}, geom)
		SELECT source_id, ${sql.raw(names)}, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
		FROM ${staged(stage, cols.join(', '))}
		ON CONFLICT (source_id) DO UPDATE SET
			${sql.raw(all.map((c) => `${c.column} = excluded.${c.column}`).join(', '))},
			geom = excluded.geom
		WHERE ${sql.raw(`${t}.${k.area.column}`)} LIKE ${underPrefix(prefix)}
			AND (
				${tuple(t, all)} IS DISTINCT FROM ${tuple('excluded', all)}
				OR NOT ST_Equals(${sql.raw(t)}.geom, excluded.geom)
			)`.execute(db);
}

export interface ChildWrite {
	sourceId: string;
	villageCode: string;
	birthDate: string;
	categories: string[];
	lon: number;
	lat: number;
}

export async function lookupChildren(
	db: Kysely<DB>,
	jurisdiction: string,
	prefix: string,
	rows: ChildWrite[]
): Promise<KindLookup[]> {
	if (rows.length === 0) return [];
	const r = await sql<Raw>`
		WITH r AS (
			SELECT *, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS pt,
				string_to_array(cats, ',') AS categories
			FROM unnest(
				${rows.map((_, i) => i)}::int[], ${rows.map((x) => x.sourceId)}::text[],
				${rows.map((x) => x.villageCode)}::text[],
				${rows.map((x) => x.birthDate || null)}::date[],
				${rows.map((x) => x.categories.join(','))}::text[], ${rows.map((x) => num(x.lon))}::float8[],
				${rows.map((x) => num(x.lat))}::float8[]
			) AS r(idx, sid, vc, birth, cats, lon, lat)
		), j AS (SELECT geom FROM admin_units WHERE code = ${jurisdiction})
		SELECT r.idx, r.lon, r.lat, ST_X(v.center) AS vlon, ST_Y(v.center) AS vlat,
			c.id IS NOT NULL AS exists,
			${problemList([
				sql`CASE WHEN v.code IS NULL THEN 'villageUnknown' END`,
				sql`CASE WHEN NOT coalesce(ST_Covers((SELECT geom FROM j), r.pt), true) THEN 'outside' END`,
				sql`CASE WHEN c.id IS NOT NULL AND c.village_code NOT LIKE ${underPrefix(prefix)}
					THEN 'takenElsewhere' END`
			])},
			c.village_code = r.vc AND c.birth_date = r.birth AND c.categories @> r.categories
				AND c.categories <@ r.categories AND ST_Equals(c.residence, r.pt) AS same
		FROM r
		LEFT JOIN admin_units v
			ON v.code = r.vc AND v.level = 'village' AND v.code LIKE ${underPrefix(prefix)}
		LEFT JOIN children c ON c.source_id = r.sid
		ORDER BY r.idx`.execute(db);
	return out(r.rows);
}

/** A child's row as staged. */
export const stagedChild = (x: ChildWrite) => ({
	sid: x.sourceId,
	vc: x.villageCode,
	birth: x.birthDate,
	cats: x.categories.join(','),
	lon: x.lon,
	lat: x.lat
});

export async function applyChildren(db: Kysely<DB>, prefix: string, stage: string): Promise<void> {
	// a new child gets a random pseudonym: the source's id stays out of everything shown
	await sql`
		INSERT INTO children (source_id, pseudonym, village_code, birth_date, categories, residence)
		SELECT sid, 'imp-' || md5(random()::text || clock_timestamp()::text || sid), vc, birth,
			string_to_array(cats, ','), ST_SetSRID(ST_MakePoint(lon, lat), 4326)
		FROM ${staged(stage, 'sid text, vc text, birth date, cats text, lon float8, lat float8')}
		ON CONFLICT (source_id) DO UPDATE SET
			village_code = excluded.village_code, birth_date = excluded.birth_date,
			categories = excluded.categories, residence = excluded.residence
		WHERE children.village_code LIKE ${underPrefix(prefix)}
			AND (
				(children.village_code, children.birth_date)
				IS DISTINCT FROM (excluded.village_code, excluded.birth_date)
				OR NOT (children.categories @> excluded.categories
					AND children.categories <@ excluded.categories)
				OR NOT ST_Equals(children.residence, excluded.residence)
			)`.execute(db);
}

export interface SegmentWrite {
	sourceId: string;
	name: string;
	kind: string;
	townshipCode: string;
	line: [number, number][];
}

// a rejected row's failed line is looked up as none
const lineJson = (rows: SegmentWrite[]) =>
	rows.map((x) =>
		x.line.length ? JSON.stringify({ type: 'LineString', coordinates: x.line }) : null
	);

export async function lookupSegments(
	db: Kysely<DB>,
	jurisdiction: string,
	prefix: string,
	rows: SegmentWrite[]
): Promise<KindLookup[]> {
	if (rows.length === 0) return [];
	const r = await sql<Raw>`
		WITH r AS (
			SELECT *, ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326) AS g FROM unnest(
				${rows.map((_, i) => i)}::int[], ${rows.map((x) => x.sourceId)}::text[],
				${rows.map((x) => x.townshipCode)}::text[], ${rows.map((x) => x.name)}::text[],
				${rows.map((x) => x.kind)}::text[], ${lineJson(rows)}::text[]
			) AS r(idx, sid, tc, name, kind, gj)
		), j AS (SELECT geom FROM admin_units WHERE code = ${jurisdiction})
		SELECT r.idx, ST_X(ST_LineInterpolatePoint(r.g, 0.5)) AS lon,
			ST_Y(ST_LineInterpolatePoint(r.g, 0.5)) AS lat, w.id IS NOT NULL AS exists,
			${problemList([
				sql`CASE WHEN t.code IS NULL THEN 'unitUnknown' END`,
				// a line of no length has no middle to place
				sql`CASE
					WHEN ST_Length(r.g::geography) <= 0 THEN 'tooShort'
					WHEN NOT coalesce(ST_Covers((SELECT geom FROM j), ST_LineInterpolatePoint(r.g, 0.5)), true)
						THEN 'outside'
				END`,
				sql`CASE WHEN w.id IS NOT NULL AND w.township_code NOT LIKE ${underPrefix(prefix)}
					THEN 'takenElsewhere' END`
			])},
			(w.name, w.kind, w.township_code::text) IS NOT DISTINCT FROM (r.name, r.kind, r.tc)
				AND ST_Equals(w.geom, r.g) AS same
		FROM r
		LEFT JOIN admin_units t
			ON t.code = r.tc AND t.level = 'township' AND t.code LIKE ${underPrefix(prefix)}
		LEFT JOIN waterways w ON w.source_id = r.sid
		ORDER BY r.idx`.execute(db);
	return out(r.rows);
}

/** A segment's row as staged: its line as GeoJSON. */
export const stagedSegment = (x: SegmentWrite) => ({
	sid: x.sourceId,
	name: x.name,
	kind: x.kind,
	tc: x.townshipCode,
	gj: JSON.stringify({ type: 'LineString', coordinates: x.line })
});

/** New segments get the four item slots, unchecked, so the rule and the field checks see them. */
export async function applySegments(db: Kysely<DB>, prefix: string, stage: string): Promise<void> {
	await sql`
		INSERT INTO waterways (source_id, name, kind, county_code, township_code, geom, length_m)
		SELECT r.sid, r.name, r.kind, t.parent_code, r.tc, g, ST_Length(g::geography)
		FROM ${staged(stage, 'sid text, name text, kind text, tc text, gj text')}
		CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(r.gj), 4326) AS g) x
		JOIN admin_units t ON t.code = r.tc
		ON CONFLICT (source_id) DO UPDATE SET
			name = excluded.name, kind = excluded.kind, county_code = excluded.county_code,
			township_code = excluded.township_code, geom = excluded.geom, length_m = excluded.length_m
		WHERE waterways.township_code LIKE ${underPrefix(prefix)}
			AND (
				(waterways.name, waterways.kind, waterways.township_code)
				IS DISTINCT FROM (excluded.name, excluded.kind, excluded.township_code)
				OR NOT ST_Equals(waterways.geom, excluded.geom)
			)`.execute(db);
	await sql`
		INSERT INTO safety_equipment (waterway_id, item, status)
		SELECT w.id, i, 'unknown'
		FROM waterways w CROSS JOIN unnest(ARRAY['sign', 'buoy', 'rope', 'pole']) AS i
		WHERE w.source_id IN (SELECT row->>'sid' FROM import_staging WHERE stage = ${stage})
		ON CONFLICT (waterway_id, item) DO NOTHING`.execute(db);
}

export interface ChiefWrite {
	sourceId: string;
	chief: string;
}

/** The segment the row names and the river chief its username names (active, under `prefix`). */
export async function lookupChiefs(
	db: Kysely<DB>,
	prefix: string,
	rows: ChiefWrite[]
): Promise<KindLookup[]> {
	if (rows.length === 0) return [];
	const r = await sql<Raw>`
		WITH r AS (
			SELECT * FROM unnest(
				${rows.map((_, i) => i)}::int[], ${rows.map((x) => x.sourceId)}::text[],
				${rows.map((x) => x.chief)}::text[]
			) AS r(idx, sid, uname)
		)
		SELECT r.idx, ST_X(ST_LineInterpolatePoint(w.geom, 0.5)) AS lon,
			ST_Y(ST_LineInterpolatePoint(w.geom, 0.5)) AS lat, w.id IS NOT NULL AS exists,
			${problemList([
				sql`CASE WHEN w.id IS NULL OR w.township_code NOT LIKE ${underPrefix(prefix)}
					THEN 'segmentUnknown' END`,
				sql`CASE WHEN u.id IS NULL THEN 'chiefUnknown' END`
			])},
			w.river_chief_id IS NOT DISTINCT FROM u.id AS same, u.id AS user_id,
			u.jurisdiction_code AS user_jurisdiction, w.township_code
		FROM r
		LEFT JOIN waterways w ON w.source_id = r.sid
		LEFT JOIN users u ON u.username = r.uname AND u.active AND u.role = 'river_chief'
			AND u.jurisdiction_code LIKE ${underPrefix(prefix)}
		ORDER BY r.idx`.execute(db);
	return out(r.rows);
}

/** A chief's assignment as staged: the segment and the user the check found. */
export const stagedChief = (x: { sourceId: string; userId: number }) => ({
	sid: x.sourceId,
	uid: x.userId
});

/** The user must still be an active river chief under `prefix` when the assignment is applied. */
export async function applyChiefs(db: Kysely<DB>, prefix: string, stage: string): Promise<void> {
	await sql`
		UPDATE waterways w SET river_chief_id = r.uid
		FROM ${staged(stage, 'sid text, uid bigint')}
		JOIN users u ON u.id = r.uid AND u.active AND u.role = 'river_chief'
			AND u.jurisdiction_code LIKE ${underPrefix(prefix)}
		WHERE w.source_id = r.sid AND w.township_code LIKE ${underPrefix(prefix)}
			AND w.river_chief_id IS DISTINCT FROM r.uid`.execute(db);
}

export interface EquipmentWrite {
	sourceId: string;
	item: string;
	status: string;
	/** "YYYY-MM-DD HH:MM+08" or null (the import's time) */
	checkedAt: string | null;
}

export async function lookupEquipment(
	db: Kysely<DB>,
	prefix: string,
	rows: EquipmentWrite[]
): Promise<KindLookup[]> {
	if (rows.length === 0) return [];
	const r = await sql<Raw>`
		WITH r AS (
			SELECT * FROM unnest(
				${rows.map((_, i) => i)}::int[], ${rows.map((x) => x.sourceId)}::text[],
				${rows.map((x) => x.item)}::text[], ${rows.map((x) => x.status)}::text[],
				${rows.map((x) => x.checkedAt)}::timestamptz[]
			) AS r(idx, sid, item, status, at)
		)
		SELECT r.idx, ST_X(ST_LineInterpolatePoint(w.geom, 0.5)) AS lon,
			ST_Y(ST_LineInterpolatePoint(w.geom, 0.5)) AS lat, e.waterway_id IS NOT NULL AS exists,
			${problemList([
				sql`CASE WHEN w.id IS NULL OR w.township_code NOT LIKE ${underPrefix(prefix)}
					THEN 'segmentUnknown' END`,
				sql`CASE WHEN r.at IS NOT NULL AND e.checked_at > r.at THEN 'stale' END`
			])},
			e.status = r.status AND (r.at IS NULL OR e.checked_at = r.at) AS same
		FROM r
		LEFT JOIN waterways w ON w.source_id = r.sid
		LEFT JOIN safety_equipment e ON e.waterway_id = w.id AND e.item = r.item
		ORDER BY r.idx`.execute(db);
	return out(r.rows);
}

/** An equipment row as staged. */
export const stagedEquipment = (x: EquipmentWrite) => ({
	sid: x.sourceId,
	item: x.item,
	status: x.status,
	at: x.checkedAt
});

/** The state and its history entry, as a field check writes them (repositories/equipment.ts). */
export async function applyEquipment(
	db: Kysely<DB>,
	prefix: string,
	userId: number,
	stage: string
): Promise<void> {
	const rows = () => staged(stage, 'sid text, item text, status text, at timestamptz');
	await sql`
		INSERT INTO equipment_events (waterway_id, item, status, at, user_id)
		SELECT w.id, r.item, r.status, coalesce(r.at, now()), ${userId}
		FROM ${rows()} JOIN waterways w ON w.source_id = r.sid
		WHERE w.township_code LIKE ${underPrefix(prefix)}`.execute(db);
	await sql`
		INSERT INTO safety_equipment (waterway_id, item, status, checked_at, checked_by, inspected_at)
		SELECT w.id, r.item, r.status, coalesce(r.at, now()), ${userId}, coalesce(r.at, now())
		FROM ${rows()} JOIN waterways w ON w.source_id = r.sid
		WHERE w.township_code LIKE ${underPrefix(prefix)}
		-- an imported state is an inspection's (a rescue is recorded only in the app)
		ON CONFLICT (waterway_id, item) DO UPDATE SET
			status = excluded.status, checked_at = excluded.checked_at, checked_by = excluded.checked_by,
			note = NULL, inspected_at = excluded.inspected_at
		WHERE safety_equipment.checked_at IS NULL OR safety_equipment.checked_at <= excluded.checked_at`.execute(
		db
	);
}
