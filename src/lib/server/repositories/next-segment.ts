// "Next segment" after a check: the nearest segments that still lack some of the four items,
// in great-circle metres (PostGIS geography, use_spheroid = false: the sphere Turf uses).
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { underPrefix, USABLE_ITEMS } from '../db/postgis';

export interface NextSegment {
	id: number;
	name: string;
	kind: string;
	usable: number;
	distanceM: number;
}

/**
 * The `limit` segments nearest to segment `fromId` (line to line) that need the four items and
 * do not have them all, inside `sitePrefix`, and, with `chiefId`, assigned to that river chief;
 * never `fromId` itself, nor the ids in `exclude`. Nearest first, then by id.
 */
export async function nearestIncompleteSegments(
	db: Kysely<DB>,
	q: { fromId: number; sitePrefix: string; chiefId?: number; exclude?: number[]; limit: number }
): Promise<NextSegment[]> {
	const exclude = [q.fromId, ...(q.exclude ?? [])];
	const r = await sql<{ id: number; name: string; kind: string; usable: number; d: number }>`
		WITH f AS (SELECT geom::geography AS g FROM waterways WHERE id = ${q.fromId})
		SELECT w.id::float8 AS id, w.name, w.kind, u.usable,
			ST_Distance(w.geom::geography, f.g, false) AS d
		FROM waterways w
		JOIN segment_requirements sr ON sr.waterway_id = w.id AND sr.required
		CROSS JOIN f
		CROSS JOIN LATERAL (
			SELECT (${USABLE_ITEMS})::int AS usable FROM safety_equipment se WHERE se.waterway_id = w.id
		) u
		WHERE w.township_code LIKE ${underPrefix(q.sitePrefix)}
			AND NOT (w.id = ANY(${exclude}::bigint[]))
			AND u.usable < 4
			${q.chiefId === undefined ? sql`` : sql`AND w.river_chief_id = ${q.chiefId}`}
		ORDER BY d, w.id
		LIMIT ${q.limit}`.execute(db);
	return r.rows.map((x) => ({
		id: Number(x.id),
		name: x.name,
		kind: x.kind,
		usable: Number(x.usable),
		distanceM: Number(x.d)
	}));
}
