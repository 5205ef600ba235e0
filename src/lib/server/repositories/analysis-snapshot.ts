// The analysis engine's reads (the Analysis class in src/lib/server/analysis): one snapshot
// of what the analyses need, as a few compact binary values rather than hundreds of thousands
// of rows: the web server's thread only moves bytes, and the worker decodes them. Every
// residence and segment vertex carries its id (z) and administrative code (m) inside the
// geometry, so ids and scope travel with the coordinates; the four-item rule's other points
// carry their kind instead of a code.
import { sql, type Kysely } from 'kysely';
import { USABLE_ITEMS } from './equipment';
import type { DB } from '../db/schema';
import { underPrefix } from '../db/postgis';
import { POINT_SOURCES } from './segment-rule';
import { RULE_KIND_ORDER } from '$lib/domain/equipment';
import type { SnapshotPayload } from '../analysis/messages';

/** Usable children's homes: open and at least this large (the plan's standard). */
export const MIN_HOME_AREA_M2 = 30;

function bytes(v: unknown): Uint8Array | null {
	if (v === null || v === undefined) return null;
	if (v instanceof Uint8Array) return v;
	throw new Error('expected a bytea value');
}

/**
 * The snapshot's parts that are costly to read, and the source tables (as noted in data_changes,
 * migration 0004) whose changes move each. The segments' item flags, the facilities (a few
 * thousand points, and a home's area is not noted) are read every time: they are cheap.
 */
export const SNAPSHOT_PARTS = {
	residences: ['children'],
	segments: ['waterways'],
	rulePoints: ['admin_units', 'institutions', 'children_homes', 'sunshine_stations']
} as const;
export type SnapshotPart = keyof typeof SNAPSHOT_PARTS;
export type PartVersions = Record<SnapshotPart, string>;

/**
 * One marker per costly part: the changes of its sources still noted (count and newest id) and
 * those applied so far (migration 0024). A part whose marker is unchanged holds the same rows.
 * Read before the snapshot, like analysisDataVersion.
 */
export async function snapshotPartVersions(db: Kysely<DB>): Promise<PartVersions> {
	const r = await sql<{ k: string; v: string }>`
		SELECT 'noted:' || source AS k, count(*) || '.' || max(id) AS v FROM data_changes GROUP BY source
		UNION ALL
		SELECT key, value FROM app_meta WHERE key LIKE 'applied:%'`.execute(db);
	const seen = new Map(r.rows.map((x) => [x.k, x.v]));
	const markerOf = (sources: readonly string[]) =>
		sources
			.map((t) => `${seen.get(`noted:${t}`) ?? '0'}/${seen.get(`applied:${t}`) ?? '0'}`)
			.join(',');
	return Object.fromEntries(
		Object.entries(SNAPSHOT_PARTS).map(([part, sources]) => [part, markerOf(sources)])
	) as PartVersions;
}

/**
 * Read the snapshot; the parts in `keep` are left out (null), for a worker that still holds
 * them. The segment flags are always read: a check changes them and nothing else.
 */
export async function readSnapshot(
	db: Kysely<DB>,
	keep: ReadonlySet<SnapshotPart> = new Set()
): Promise<SnapshotPayload> {
	const { residences, residenceKeys } = keep.has('residences')
		? { residences: null, residenceKeys: [] }
		: await readResidences(db);
	const geometry = keep.has('segments')
		? sql`NULL::bytea`
		: sql`ST_AsBinary(ST_Collect(ST_Force4D(w.geom, w.id::float8, w.township_code::float8) ORDER BY w.id))`;
	const seg = await sql<{ wkb: Uint8Array | null; flags: string | null }>`
		SELECT ${geometry} AS wkb,
			string_agg(CASE WHEN coalesce(e.usable, 0) < 4 THEN '1' ELSE '0' END, '' ORDER BY w.id) AS flags
		FROM waterways w
		LEFT JOIN (
			SELECT waterway_id, ${USABLE_ITEMS} AS usable
			FROM safety_equipment GROUP BY waterway_id
		) e ON e.waterway_id = w.id`.execute(db);
	const fac = await sql<{ wkb: Uint8Array | null }>`
		SELECT ST_AsBinary(ST_Collect(g ORDER BY k, id)) AS wkb FROM (
			SELECT 0 AS k, id, ST_MakePoint(ST_X(geom), ST_Y(geom), id::float8, village_code::float8) AS g
			FROM children_homes WHERE status = 'open' AND area_m2 >= ${MIN_HOME_AREA_M2}
			UNION ALL
			SELECT 1, id, ST_MakePoint(ST_X(geom), ST_Y(geom), id::float8, admin_code::float8)
			FROM sunshine_stations
		) f`.execute(db);
	const rulePoints = keep.has('rulePoints') ? null : await readRulePoints(db);
	return {
		residences,
		residenceKeys,
		segments: keep.has('segments') ? null : bytes(seg.rows[0]?.wkb),
		segmentFlags: seg.rows[0]?.flags ?? '',
		facilities: bytes(fac.rows[0]?.wkb),
		rulePoints,
		ruleKinds: RULE_KIND_ORDER.length,
		childrenKind: RULE_KIND_ORDER.indexOf('children'),
		kept: [...keep]
	};
}

async function readRulePoints(db: Kysely<DB>): Promise<Uint8Array | null> {
	const ruleSources = RULE_KIND_ORDER.map((kind, k) =>
		kind === 'children'
			? null
			: sql`SELECT ST_MakePoint(ST_X(geom), ST_Y(geom), id::float8, ${k}::float8) AS g
				FROM (${sql.raw(POINT_SOURCES[kind])}) p`
	).filter((q) => q !== null);
	const rule = await sql<{ wkb: Uint8Array | null }>`
		SELECT ST_AsBinary(ST_Collect(g)) AS wkb FROM (${sql.join(ruleSources, sql` UNION ALL `)}) r`.execute(
		db
	);
	return bytes(rule.rows[0]?.wkb);
}

async function readResidences(
	db: Kysely<DB>
): Promise<{ residences: (Uint8Array | null)[]; residenceKeys: string[] }> {
	const residences: (Uint8Array | null)[] = [];
	const residenceKeys: string[] = [];
	// sorted by village code, then id: a jurisdiction prefix is then one contiguous range. Read
	// one prefecture at a time: the embedded engine answers one query at a time, and tiles and
	// pages queue between these short reads instead of waiting for one long one.
	const prefectures = await sql<{ p: string }>`
		SELECT DISTINCT left(code, 4) AS p FROM admin_units WHERE level = 'village' ORDER BY 1`.execute(db);
	for (const { p } of prefectures.rows) {
		// the record keys (domain/disclosure.ts) in the same order, to release what is counted
		const res = await sql<{ wkb: Uint8Array | null; keys: string | null }>`
			SELECT ST_AsBinary(ST_Collect(
				ST_MakePoint(ST_X(residence), ST_Y(residence), id::float8, village_code::float8)
				ORDER BY village_code, id)) AS wkb,
				string_agg(record_key::text, ',' ORDER BY village_code, id) AS keys
			FROM children WHERE village_code LIKE ${underPrefix(p)}`.execute(db);
		residences.push(bytes(res.rows[0]?.wkb));
		residenceKeys.push(res.rows[0]?.keys ?? '');
	}
	return { residences, residenceKeys };
}

/**
 * A cheap version of the data the analyses read; a change means the snapshot is stale.
 * The data version (moved by trigger, migration 0008, by every equipment write) and the changes
 * noted but not yet applied (migration 0004: children, waterways, sites and village centres are
 * noted at once, and move the data version when applied). Read before the snapshot, so a change
 * that lands during the read shows as a new version.
 */
export async function analysisDataVersion(db: Kysely<DB>): Promise<string> {
	const r = await sql<{ v: string }>`
		SELECT concat_ws('/',
			(SELECT value FROM app_meta WHERE key = 'data_version'),
			(SELECT count(*) FROM data_changes), (SELECT max(id) FROM data_changes)) AS v`.execute(db);
	return r.rows[0]?.v ?? '';
}
