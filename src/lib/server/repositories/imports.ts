// The imports' SQL: each user's remembered column mapping, the jurisdiction checks of a batch
// of rows (village known and inside, point inside the jurisdiction's boundary, the row the
// source id already names), and the upsert by source id.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';

export async function rememberedMapping(
	db: Kysely<DB>,
	userId: number,
	kind: string
): Promise<Record<string, string> | null> {
	const r = await db
		.selectFrom('import_mappings')
		.select('mapping')
		.where('user_id', '=', userId)
		.where('kind', '=', kind)
		.executeTakeFirst();
	if (!r) return null;
	// jsonb arrives parsed on one engine and as text on the other
	const m = typeof r.mapping === 'string' ? JSON.parse(r.mapping) : r.mapping;
	return m && typeof m === 'object' ? (m as Record<string, string>) : null;
}

export async function rememberMapping(
	db: Kysely<DB>,
	userId: number,
	kind: string,
	mapping: Record<string, string>
): Promise<void> {
	const json = JSON.stringify(mapping);
	await db
		.insertInto('import_mappings')
		.values({ user_id: userId, kind, mapping: json })
		.onConflict((oc) =>
			oc.columns(['user_id', 'kind']).doUpdateSet({ mapping: json, updated_at: sql`now()` })
		)
		.execute();
}

/** The jurisdiction's bounding box [w, s, e, n], or null when the unit has no geometry. */
export async function unitBox(
	db: Kysely<DB>,
	code: string
): Promise<[number, number, number, number] | null> {
	const r = await sql<{ w: number; s: number; e: number; n: number }>`
		SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
		FROM (SELECT geom::box2d AS b FROM admin_units WHERE code = ${code} AND geom IS NOT NULL) x`.execute(
		db
	);
	const b = r.rows[0];
	return b ? [Number(b.w), Number(b.s), Number(b.e), Number(b.n)] : null;
}

export interface HomeCandidate {
	sourceId: string;
	villageCode: string;
	lon: number;
	lat: number;
}

export interface HomeLookup {
	/** the village exists and lies in the jurisdiction */
	villageOk: boolean;
	/** the point lies inside the jurisdiction's boundary */
	inside: boolean;
	existing: null | {
		inScope: boolean;
		name: string;
		villageCode: string;
		area_m2: number;
		status: string;
		lon: number;
		lat: number;
	};
}

/** One answer per candidate, in order. */
export async function lookupHomes(
	db: Kysely<DB>,
	jurisdiction: string,
	prefix: string,
	rows: HomeCandidate[]
): Promise<HomeLookup[]> {
	if (rows.length === 0) return [];
	const r = await sql<{
		idx: number;
		village_ok: boolean;
		inside: boolean | null;
		home_id: number | null;
		name: string | null;
		village_code: string | null;
		area_m2: number | null;
		status: string | null;
		hlon: number | null;
		hlat: number | null;
	}>`
		WITH r AS (
			SELECT * FROM unnest(
				${rows.map((_, i) => i)}::int[], ${rows.map((x) => x.sourceId)}::text[],
				${rows.map((x) => x.villageCode)}::text[], ${rows.map((x) => x.lon)}::float8[],
				${rows.map((x) => x.lat)}::float8[]
			) AS r(idx, sid, vc, lon, lat)
		), j AS (SELECT geom FROM admin_units WHERE code = ${jurisdiction})
		SELECT r.idx, v.code IS NOT NULL AS village_ok,
			ST_Covers((SELECT geom FROM j), ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)) AS inside,
			h.id AS home_id, h.name, h.village_code, h.area_m2::float8 AS area_m2, h.status,
			ST_X(h.geom) AS hlon, ST_Y(h.geom) AS hlat
		FROM r
		LEFT JOIN admin_units v
			ON v.code = r.vc AND v.level = 'village' AND v.code LIKE ${underPrefix(prefix)}
		LEFT JOIN children_homes h ON h.source_id = r.sid
		ORDER BY r.idx`.execute(db);
	return r.rows.map((x) => ({
		villageOk: Boolean(x.village_ok),
		// a jurisdiction without a boundary is checked by its codes alone
		inside: x.inside === null ? true : Boolean(x.inside),
		existing:
			x.home_id === null
				? null
				: {
						inScope: (x.village_code ?? '').startsWith(prefix),
						name: x.name ?? '',
						villageCode: x.village_code ?? '',
						area_m2: Number(x.area_m2),
						status: x.status ?? '',
						lon: Number(x.hlon),
						lat: Number(x.hlat)
					}
	}));
}

export interface HomeWrite {
	sourceId: string;
	name: string;
	villageCode: string;
	area_m2: number;
	status: string;
	lon: number;
	lat: number;
}

/**
 * Insert or update by source id, in the caller's transaction. A row another jurisdiction holds
 * under the same id is left alone (the dry run rejected it; this guards a race).
 */
export async function upsertHomes(
	db: Kysely<DB>,
	prefix: string,
	rows: HomeWrite[]
): Promise<number> {
	if (rows.length === 0) return 0;
	const r = await sql`
		INSERT INTO children_homes (source_id, name, village_code, area_m2, status, geom)
		SELECT sid, name, vc, area::numeric(7, 1), st, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
		FROM unnest(
			${rows.map((x) => x.sourceId)}::text[], ${rows.map((x) => x.name)}::text[],
			${rows.map((x) => x.villageCode)}::text[], ${rows.map((x) => x.area_m2)}::float8[],
			${rows.map((x) => x.status)}::text[], ${rows.map((x) => x.lon)}::float8[],
			${rows.map((x) => x.lat)}::float8[]
		) AS r(sid, name, vc, area, st, lon, lat)
		ON CONFLICT (source_id) DO UPDATE SET
			name = excluded.name, village_code = excluded.village_code, area_m2 = excluded.area_m2,
			status = excluded.status, geom = excluded.geom
		WHERE children_homes.village_code LIKE ${underPrefix(prefix)}
			AND (
				(children_homes.name, children_homes.village_code, children_homes.area_m2,
					children_homes.status)
				IS DISTINCT FROM (excluded.name, excluded.village_code, excluded.area_m2, excluded.status)
				OR NOT ST_Equals(children_homes.geom, excluded.geom)
			)`.execute(db);
	return Number(r.numAffectedRows ?? 0);
}
