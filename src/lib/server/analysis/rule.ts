// The four-item rule, fast: for every segment and every kind of thing that makes a segment need
// the items (children's homes, villages, schools, …), how many lie within the distance and how
// near the nearest is. Same question and same answer as the PostGIS rule in
// repositories/segment-rule.ts (parity tested, metres on the same sphere), but a grid walk in
// memory instead of six geography joins. This module reads what the rule needs from the
// database; the analysis worker answers the same from its snapshot (Analysis.segmentRule), and
// ruleRows turns either answer into rows.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { buildKindGrid, measureRule, residencesFromWkb, shapesFromWkb } from './kernel.mjs';
import { radiusToDegrees } from '$lib/geo/proximity';
import { BOX_LATITUDE } from '../repositories/segment-rule';
import { RULE_KIND_ORDER, type RuleKind } from '$lib/domain/equipment';

// every source as (id, geom); villages have no id of their own, so their 12-digit code stands in
// (exact in a float8), which keeps "each point once" true when boxes overlap below
export const POINT_SOURCES: Record<RuleKind, string> = {
	children: `SELECT id, residence AS geom FROM children`,
	village: `SELECT code::bigint AS id, center AS geom FROM admin_units WHERE level = 'village'`,
	school: `SELECT id, geom FROM institutions WHERE kind = 'school'`,
	kindergarten: `SELECT id, geom FROM institutions WHERE kind = 'kindergarten'`,
	children_home: `SELECT id, geom FROM children_homes WHERE status = 'open'`,
	sunshine_station: `SELECT id, geom FROM sunshine_stations`
};

async function wkb(db: Kysely<DB>, query: ReturnType<typeof sql>): Promise<Uint8Array | null> {
	const r = await query.execute(db);
	const v = (r.rows[0] as { wkb: Uint8Array | null } | undefined)?.wkb ?? null;
	return v ? new Uint8Array(v) : null;
}

/** Which segments to compute: every one in a jurisdiction prefix, or a list of ids. */
export type RuleTarget = { prefix: string } | { ids: number[] };

export interface RuleRow {
	waterwayId: number;
	kinds: RuleKind[];
	children: number;
	nearestM: number | null;
	nearestKind: RuleKind | null;
}

/**
 * The rule for the target segments, computed in memory from one read of the data: the
 * segments, then each kind of point inside the segments' boxes grown by the radius. The seven
 * reads are sent at once: on a pool they run side by side on the server, on one connection
 * (a transaction, the embedded engine) they queue there. Then every kind goes into one grid and
 * one pass measures them all (measureRule). Each read sees its own snapshot, as separate statements do in a
 * READ COMMITTED transaction; a change that lands meanwhile is noted in data_changes and brings
 * the rule up to date again.
 */
export async function computeRuleFast(
	db: Kysely<DB>,
	target: RuleTarget,
	radiusM: number
): Promise<RuleRow[]> {
	const { dLon: boxLon, dLat: boxLat } = radiusToDegrees(radiusM, BOX_LATITUDE);
	const segWhere =
		'prefix' in target
			? sql`township_code LIKE ${target.prefix + '%'}`
			: sql`id = ANY(${target.ids}::bigint[])`;
	// a jurisdiction: one box around all its segments; a few segments: a box around each
	// (through the GiST index), every point once however many boxes hold it
	const from = (kind: RuleKind) =>
		'prefix' in target
			? sql`(${sql.raw(POINT_SOURCES[kind])}) p
				WHERE p.geom && (SELECT ST_Expand(ST_Extent(geom)::geometry, ${boxLon}, ${boxLat})
					FROM waterways WHERE ${segWhere})`
			: sql`(SELECT DISTINCT ON (p.id) p.id, p.geom FROM (${sql.raw(POINT_SOURCES[kind])}) p
				JOIN waterways w ON w.id = ANY(${target.ids}::bigint[])
					AND p.geom && ST_Expand(w.geom, ${boxLon}, ${boxLat})) p`;
	// plain 2D geometry (half the bytes of ids carried in z/m) and the ids as text alongside
	const segRead = sql<{ wkb: Uint8Array | null; ids: string | null }>`
		SELECT ST_AsBinary(ST_Collect(geom ORDER BY id)) AS wkb, string_agg(id::text, ',' ORDER BY id) AS ids
		FROM waterways WHERE ${segWhere}`.execute(db);
	const pointReads = RULE_KIND_ORDER.map((kind) =>
		wkb(db, sql`SELECT ST_AsBinary(ST_Collect(p.geom)) AS wkb FROM ${from(kind)}`)
	);
	// awaited one by one below; a failure is thrown there, not reported as unhandled here
	for (const r of [segRead, ...pointReads]) r.catch(() => {});
	const segRow = (await segRead).rows[0];
	const segs = shapesFromWkb(segRow?.wkb ? new Uint8Array(segRow.wkb) : null);
	if (segRow?.ids) segs.id = Float64Array.from(segRow.ids.split(','), Number);
	// every kind in one grid, each point tagged with its kind's number
	const parts = await Promise.all(pointReads.map(async (r) => residencesFromWkb(await r)));
	const total = parts.reduce((a, p) => a + p.lon.length, 0);
	const lon = new Float64Array(total);
	const lat = new Float64Array(total);
	const kindOf = new Uint8Array(total);
	let at = 0;
	parts.forEach((p, k) => {
		lon.set(p.lon, at);
		lat.set(p.lat, at);
		kindOf.fill(k, at, at + p.lon.length);
		at += p.lon.length;
	});
	const { grid, kindOf: bySlot } = buildKindGrid(lon, lat, kindOf);
	const which = Int32Array.from({ length: segs.id.length }, (_, i) => i);
	const m = measureRule(grid, bySlot, RULE_KIND_ORDER.length, segs, which, radiusM);
	return ruleRows(segs.id, m);
}

/** What measureRule gives (kinds numbered as in RULE_KIND_ORDER), as one row per segment. */
export function ruleRows(
	ids: ArrayLike<number>,
	m: { count: Int32Array; nearest: Float64Array; nearestKind: Int8Array }
): RuleRow[] {
	const kinds = RULE_KIND_ORDER.length;
	const children = RULE_KIND_ORDER.indexOf('children');
	const rows: RuleRow[] = [];
	for (let j = 0; j < ids.length; j++) {
		const near: RuleKind[] = [];
		for (let k = 0; k < kinds; k++) if (m.count[j * kinds + k] > 0) near.push(RULE_KIND_ORDER[k]);
		const any = near.length > 0;
		rows.push({
			waterwayId: ids[j],
			kinds: near,
			children: m.count[j * kinds + children],
			nearestM: any ? m.nearest[j] : null,
			nearestKind: any && m.nearestKind[j] >= 0 ? RULE_KIND_ORDER[m.nearestKind[j]] : null
		});
	}
	return rows;
}
