// Administrative units and what lies inside them. Every query takes a jurisdiction prefix and
// cannot return rows outside it.
import { sql, type Kysely } from 'kysely';
import { point, USABLE_ITEMS, underPrefix } from '../db/postgis';
import type { DB } from '../db/schema';
import type { AdminLevel } from '$lib/domain/admin';

export interface AdminUnitRow {
	code: string;
	level: AdminLevel;
	name: string;
	parentCode: string | null;
	/** [west, south, east, north] */
	bbox: [number, number, number, number];
	center: [number, number];
	syntheticGeom: boolean;
}

interface UnitSqlRow {
	code: string;
	level: AdminLevel;
	name: string;
	parent_code: string | null;
	synthetic_geom: boolean;
	xmin: number;
	ymin: number;
	xmax: number;
	ymax: number;
	lon: number;
	lat: number;
}

function toUnit(r: UnitSqlRow): AdminUnitRow {
	return {
		code: r.code,
		level: r.level,
		name: r.name,
		parentCode: r.parent_code,
		bbox: [r.xmin, r.ymin, r.xmax, r.ymax],
		center: [r.lon, r.lat],
		syntheticGeom: r.synthetic_geom
	};
}

// villages have no polygon: frame them with ~2 km around the centre
const UNIT_COLUMNS = sql`code, level, name, parent_code, synthetic_geom,
	ST_XMin(coalesce(geom, ST_Expand(center, 0.02))::box3d) AS xmin,
	ST_YMin(coalesce(geom, ST_Expand(center, 0.02))::box3d) AS ymin,
	ST_XMax(coalesce(geom, ST_Expand(center, 0.02))::box3d) AS xmax,
	ST_YMax(coalesce(geom, ST_Expand(center, 0.02))::box3d) AS ymax,
	ST_X(center) AS lon, ST_Y(center) AS lat`;

export async function findUnit(db: Kysely<DB>, code: string): Promise<AdminUnitRow | null> {
	const r =
		await sql<UnitSqlRow>`SELECT ${UNIT_COLUMNS} FROM admin_units WHERE code = ${code}`.execute(db);
	return r.rows[0] ? toUnit(r.rows[0]) : null;
}

/** The unit's ancestors from the province down (not including the unit itself). */
export async function ancestors(db: Kysely<DB>, code: string): Promise<AdminUnitRow[]> {
	const r = await sql<UnitSqlRow & { depth: number }>`
		WITH RECURSIVE up AS (
			SELECT code AS up_code, parent_code AS up_parent, 0 AS depth FROM admin_units WHERE code = ${code}
			UNION ALL
			SELECT a.code, a.parent_code, up.depth + 1 FROM admin_units a JOIN up ON a.code = up.up_parent
		)
		SELECT ${UNIT_COLUMNS}, up.depth FROM admin_units JOIN up ON up.up_code = admin_units.code
		WHERE up.depth > 0 ORDER BY up.depth DESC`.execute(db);
	return r.rows.map(toUnit);
}

export interface ChildUnitRow {
	code: string;
	level: AdminLevel;
	name: string;
	/** released (perturbed) count of the unit's children: domain/disclosure.ts */
	children: number;
}

export async function childUnits(db: Kysely<DB>, code: string): Promise<ChildUnitRow[]> {
	const r = await sql<ChildUnitRow>`
		SELECT a.code, a.level, a.name, coalesce(c.total_released, 0)::int AS children
		FROM admin_units a LEFT JOIN child_counts c ON c.code = a.code
		WHERE a.parent_code = ${code}
		ORDER BY a.code`.execute(db);
	return r.rows;
}

/** A unit's subdivisions by code: their codes and names only (no counts). */
export async function childUnitNames(
	db: Kysely<DB>,
	code: string
): Promise<{ code: string; name: string }[]> {
	const r = await sql<{ code: string; name: string }>`
		SELECT code, name FROM admin_units WHERE parent_code = ${code} ORDER BY code`.execute(db);
	return r.rows;
}

/** The released count of a unit's children (0 without any). */
export async function releasedTotal(db: Kysely<DB>, code: string): Promise<number> {
	const r = await sql<{ n: number }>`
		SELECT total_released AS n FROM child_counts WHERE code = ${code}`.execute(db);
	return r.rows[0]?.n ?? 0;
}

export interface AreaCounts {
	waterways: {
		total: number;
		complete: number;
		partial: number;
		none: number;
		/** segments that need the four items and lack some: what needs attention */
		requiredIncomplete: number;
		byKind: Record<string, number>;
	};
	childrenHomes: { total: number; undersized: number };
	sunshineStations: number;
	institutions: Record<string, number>;
	/** released (perturbed) counts: domain/disclosure.ts */
	children: { total: number; leftBehind: number; inDifficulty: number };
	villages: number;
}

/**
 * Counts inside an area. `sitePrefix` is used for waterways and sites (a village area counts
 * those of its township, where they are registered); children and villages use `prefix`.
 */
export async function areaCounts(
	db: Kysely<DB>,
	code: string,
	prefix: string,
	sitePrefix: string
): Promise<AreaCounts> {
	const water = await sql<{
		kind: string;
		total: number;
		complete: number;
		partial: number;
		required_incomplete: number;
	}>`
		SELECT w.kind, count(*)::int AS total,
			count(*) FILTER (WHERE coalesce(e.usable, 0) = 4)::int AS complete,
			count(*) FILTER (WHERE coalesce(e.usable, 0) BETWEEN 1 AND 3)::int AS partial,
			count(*) FILTER (WHERE sr.required AND coalesce(e.usable, 0) < 4)::int AS required_incomplete
		FROM waterways w
		LEFT JOIN (
			SELECT waterway_id, ${USABLE_ITEMS} AS usable
			FROM safety_equipment GROUP BY waterway_id
		) e ON e.waterway_id = w.id
		LEFT JOIN segment_requirements sr ON sr.waterway_id = w.id
		WHERE w.township_code LIKE ${underPrefix(sitePrefix)}
		GROUP BY w.kind`.execute(db);
	const homes = await sql<{ total: number; undersized: number }>`
		SELECT count(*)::int AS total, count(*) FILTER (WHERE area_m2 < 30)::int AS undersized
		FROM children_homes WHERE village_code LIKE ${underPrefix(sitePrefix)}`.execute(db);
	const stations = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM sunshine_stations WHERE admin_code LIKE ${underPrefix(sitePrefix)}`.execute(
		db
	);
	const inst = await sql<{ kind: string; n: number }>`
		SELECT kind, count(*)::int AS n FROM institutions WHERE admin_code LIKE ${underPrefix(sitePrefix)} GROUP BY kind`.execute(
		db
	);
	const kids = await sql<{ total: number; left_behind: number; in_difficulty: number }>`
		SELECT total_released AS total, left_behind_released AS left_behind,
			in_difficulty_released AS in_difficulty
		FROM child_counts WHERE code = ${code}`.execute(db);
	const villages = await sql<{ n: number }>`
		SELECT count(*)::int AS n FROM admin_units WHERE level = 'village' AND code LIKE ${underPrefix(prefix)}`.execute(
		db
	);

	const byKind: Record<string, number> = {};
	let total = 0;
	let complete = 0;
	let partial = 0;
	let requiredIncomplete = 0;
	for (const r of water.rows) {
		byKind[r.kind] = r.total;
		total += r.total;
		complete += r.complete;
		partial += r.partial;
		requiredIncomplete += r.required_incomplete;
	}
	const institutions: Record<string, number> = {};
	for (const r of inst.rows) institutions[r.kind] = r.n;
	const k = kids.rows[0];
	return {
		waterways: {
			total,
			complete,
			partial,
			none: total - complete - partial,
			requiredIncomplete,
			byKind
		},
		childrenHomes: homes.rows[0],
		sunshineStations: stations.rows[0].n,
		institutions,
		children: {
			total: k?.total ?? 0,
			leftBehind: k?.left_behind ?? 0,
			inDifficulty: k?.in_difficulty ?? 0
		},
		villages: villages.rows[0].n
	};
}

/** The smallest administrative unit (township or above) containing a point, if any. */
export async function unitAt(
	db: Kysely<DB>,
	lon: number,
	lat: number,
	level: AdminLevel
): Promise<string | null> {
	const r = await sql<{ code: string }>`
		SELECT code FROM admin_units
		WHERE level = ${level} AND ST_Intersects(geom, ${point(lon, lat)})
		LIMIT 1`.execute(db);
	return r.rows[0]?.code ?? null;
}

/** Whether an administrative unit with this code exists. */
export async function unitExists(db: Kysely<DB>, code: string): Promise<boolean> {
	return !!(await db
		.selectFrom('admin_units')
		.select('code')
		.where('code', '=', code)
		.executeTakeFirst());
}

export interface VillageCentre {
	code: string;
	name: string;
	township_code: string;
	/** null for a village without a centre (never nearest while another has one) */
	lon: number | null;
	lat: number | null;
}

/** The villages under `prefix` with their centres, in code order (one read for a whole export). */
export async function villageCentres(db: Kysely<DB>, prefix: string): Promise<VillageCentre[]> {
	const r = await sql<VillageCentre>`
		SELECT code, name, parent_code AS township_code, ST_X(center) AS lon, ST_Y(center) AS lat
		FROM admin_units
		WHERE level = 'village' AND code LIKE ${underPrefix(prefix)}
		ORDER BY code`.execute(db);
	return r.rows;
}
