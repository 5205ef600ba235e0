// "Near a place" for emergency staff: what lies inside a drawn area or within a distance of one
// segment, inside a jurisdiction (code prefix). Children appear only as their villages' released
// figures (child_counts.*_released), never counted here from residences.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema';

export type PlaceQuery =
	{ kind: 'area'; wkt: string } | { kind: 'segment'; segmentId: number; radiusM: number };

/** Whether a point column lies in the place: inside the area, or within the distance on the sphere. */
function inPlace(place: PlaceQuery, point: RawBuilder<unknown>): RawBuilder<boolean> {
	if (place.kind === 'area')
		return sql<boolean>`ST_Intersects(ST_GeomFromText(${place.wkt}, 4326), ${point})`;
	return sql<boolean>`EXISTS (SELECT 1 FROM waterways s WHERE s.id = ${place.segmentId}
		AND ST_DWithin(s.geom::geography, (${point})::geography, ${place.radiusM}, false))`;
}

/** A segment's place in the ladder (to scope it), or undefined for an id that names none. */
export async function segmentTownship(
	db: Kysely<DB>,
	id: number
): Promise<{ township: string; name: string } | undefined> {
	const r = await sql<{ township: string; name: string }>`
		SELECT township_code AS township, name FROM waterways WHERE id = ${id}`.execute(db);
	return r.rows[0];
}

/**
 * Whether a drawn area touches a unit: null when the unit has no boundary to test against
 * (then only the code prefix scopes what is found).
 */
export async function areaTouchesUnit(
	db: Kysely<DB>,
	wkt: string,
	code: string
): Promise<boolean | null> {
	const r = await sql<{ touches: boolean | null }>`
		SELECT CASE WHEN geom IS NULL THEN NULL
			ELSE ST_Intersects(geom, ST_GeomFromText(${wkt}, 4326)) END AS touches
		FROM admin_units WHERE code = ${code}`.execute(db);
	return r.rows[0]?.touches ?? null;
}

export interface PlaceInstitutionRow {
	id: number;
	kind: string;
	name: string;
	admin_code: string;
	lon: number;
	lat: number;
}

export async function institutionsInPlace(
	db: Kysely<DB>,
	prefix: string,
	place: PlaceQuery,
	limit: number
): Promise<PlaceInstitutionRow[]> {
	const r = await sql<PlaceInstitutionRow>`
		SELECT i.id, i.kind, i.name, i.admin_code, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat
		FROM institutions i
		WHERE i.admin_code LIKE ${prefix + '%'} AND ${inPlace(place, sql`i.geom`)}
		ORDER BY i.kind, i.name, i.id LIMIT ${limit}`.execute(db);
	return r.rows.map((x) => ({ ...x, id: Number(x.id), lon: Number(x.lon), lat: Number(x.lat) }));
}

export interface PlaceHazardRow {
	id: number;
	item: string;
	/** the target's checklist and campaign: the item's words (the campaign's own, else default) */
	checklist: string;
	campaign_id: number;
	state: string;
	severity: string | null;
	deadline: Date | null;
	target: string;
	campaign: string;
	lon: number;
	lat: number;
}

/** Hazards not yet closed (销号) whose target lies in the place. */
export async function openHazardsInPlace(
	db: Kysely<DB>,
	prefix: string,
	place: PlaceQuery,
	limit: number
): Promise<PlaceHazardRow[]> {
	const r = await sql<PlaceHazardRow>`
		SELECT h.id, h.item, t.checklist, t.campaign_id, h.state, h.severity, h.deadline,
			t.name AS target, c.name AS campaign, ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
		FROM hazards h
		JOIN campaign_targets t ON t.id = h.target_id
		JOIN campaigns c ON c.id = t.campaign_id
		WHERE h.state <> 'closed' AND t.area_code LIKE ${prefix + '%'}
			AND ${inPlace(place, sql`t.geom`)}
		ORDER BY h.id LIMIT ${limit}`.execute(db);
	return r.rows.map((x) => ({
		...x,
		id: Number(x.id),
		campaign_id: Number(x.campaign_id),
		lon: Number(x.lon),
		lat: Number(x.lat),
		deadline: x.deadline === null ? null : new Date(x.deadline)
	}));
}

export interface PlaceVillageRow {
	code: string;
	name: string;
	/** released figures; null when the village has no row of counts */
	total: number | null;
	left_behind: number | null;
	in_difficulty: number | null;
}

/** Villages whose centre lies in the place, with the released figures their area page shows. */
export async function villagesInPlace(
	db: Kysely<DB>,
	prefix: string,
	place: PlaceQuery,
	limit: number
): Promise<PlaceVillageRow[]> {
	const r = await sql<PlaceVillageRow>`
		SELECT a.code, a.name, cc.total_released AS total, cc.left_behind_released AS left_behind,
			cc.in_difficulty_released AS in_difficulty
		FROM admin_units a
		LEFT JOIN child_counts cc ON cc.code = a.code
		WHERE a.level = 'village' AND a.code LIKE ${prefix + '%'}
			AND ${inPlace(place, sql`a.center`)}
		ORDER BY a.code LIMIT ${limit}`.execute(db);
	return r.rows;
}
