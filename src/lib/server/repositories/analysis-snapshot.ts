// The analysis engine's reads (the Analysis class in src/lib/server/analysis): one snapshot
// of what the analyses need, as a few compact binary values rather than hundreds of thousands
// of rows: the web server's thread only moves bytes, and the worker decodes them. Every
// residence and segment vertex carries its id (z) and administrative code (m) inside the
// geometry, so ids and scope travel with the coordinates; the four-item rule's other points
// carry their kind instead of a code.
import { sql, type Kysely } from 'kysely';
import { USABLE_ITEMS } from './equipment';
import type { DB } from '../db/schema';
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
 * The snapshot's parts, and what moves each: the source tables whose changes are noted in
 * data_changes (migration 0004), and the tables whose every writing statement is counted
 * (migration 0028: the item states, and a home's floor area, which is not noted). A part whose
 * marker is unchanged holds the same rows and is not read again: after a children's import only
 * the residences are.
 */
export const SNAPSHOT_PARTS = {
	residences: { noted: ['children'], written: [] },
	segments: { noted: ['waterways'], written: [] },
	// one flag per segment in segment order: new segments mean new flags too
	flags: { noted: ['waterways'], written: ['safety_equipment'] },
	facilities: {
		noted: ['children_homes', 'sunshine_stations'],
		written: ['children_homes', 'sunshine_stations']
	},
	rulePoints: {
		noted: ['admin_units', 'institutions', 'children_homes', 'sunshine_stations'],
		written: []
	}
} as const satisfies Record<string, { noted: readonly string[]; written: readonly string[] }>;
export type SnapshotPart = keyof typeof SNAPSHOT_PARTS;
export type PartVersions = Record<SnapshotPart, string>;

/**
 * One marker per part. For a noted source, every change ever noted: those still waiting plus
 * those applied so far (migration 0024). Applying a change moves it from one to the other and
 * leaves the sum alone, so a part read while its changes waited is not read again when they are
 * applied (the data did not change; after a 300,000-row import the residences were read twice).
 * Read before the snapshot, like analysisDataVersion.
 */
export async function snapshotPartVersions(db: Kysely<DB>): Promise<PartVersions> {
	const r = await sql<{ k: string; v: string }>`
		SELECT 'noted:' || source AS k, count(*)::text AS v FROM data_changes GROUP BY source
		UNION ALL
		SELECT key, value FROM app_meta WHERE key LIKE 'applied:%' OR key LIKE 'written:%'`.execute(db);
	const seen = new Map(r.rows.map((x) => [x.k, Number(x.v)]));
	const noted = (t: string) => (seen.get(`noted:${t}`) ?? 0) + (seen.get(`applied:${t}`) ?? 0);
	return Object.fromEntries(
		Object.entries(SNAPSHOT_PARTS).map(([part, { noted: n, written: w }]) => [
			part,
			[...n.map(noted), ...w.map((t) => seen.get(`written:${t}`) ?? 0)].join(',')
		])
	) as PartVersions;
}

/**
 * Read the snapshot; the parts in `keep` are left out (null), for a worker that still holds
 * them.
 */
export async function readSnapshot(
	db: Kysely<DB>,
	keep: ReadonlySet<SnapshotPart> = new Set()
): Promise<SnapshotPayload> {
	const { residences, residenceKeys } = keep.has('residences')
		? { residences: null, residenceKeys: [] }
		: await readResidences(db, SNAPSHOT_READ.sliceRows);
	let segments: Uint8Array | null = null;
	let segmentFlags = '';
	if (!keep.has('segments') || !keep.has('flags')) {
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
		segments = keep.has('segments') ? null : bytes(seg.rows[0]?.wkb);
		segmentFlags = seg.rows[0]?.flags ?? '';
	}
	const facilities = keep.has('facilities')
		? null
		: bytes(
				(
					await sql<{ wkb: Uint8Array | null }>`
						SELECT ST_AsBinary(ST_Collect(g ORDER BY k, id)) AS wkb FROM (
							SELECT 0 AS k, id, ST_MakePoint(ST_X(geom), ST_Y(geom), id::float8, village_code::float8) AS g
							FROM children_homes WHERE status = 'open' AND area_m2 >= ${MIN_HOME_AREA_M2}
							UNION ALL
							SELECT 1, id, ST_MakePoint(ST_X(geom), ST_Y(geom), id::float8, admin_code::float8)
							FROM sunshine_stations
						) f`.execute(db)
				).rows[0]?.wkb
			);
	const rulePoints = keep.has('rulePoints') ? null : await readRulePoints(db);
	return {
		residences,
		residenceKeys,
		segments,
		segmentFlags,
		facilities,
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

/**
 * Children per statement of the residences' read. The embedded engine answers one statement at
 * a time: a prefecture after a large import (600,000 children in one statement) held every other
 * user's page for seconds. A setting, not a constant: tests lower it.
 */
export const SNAPSHOT_READ = { sliceRows: 20_000 };

async function readResidences(
	db: Kysely<DB>,
	sliceRows: number
): Promise<{ residences: (Uint8Array | null)[]; residenceKeys: string[] }> {
	const residences: (Uint8Array | null)[] = [];
	const residenceKeys: string[] = [];
	// sorted by village code, then id: a jurisdiction prefix is then one contiguous range. Read in
	// ranges of whole villages holding about `sliceRows` children each (a village is never split,
	// so the order holds across slices), one short statement each: tiles and pages queue between
	// them instead of waiting for one long one.
	const villages = await sql<{ vc: string; n: number }>`
		SELECT village_code AS vc, count(*)::int AS n FROM children GROUP BY 1 ORDER BY 1`.execute(db);
	const ranges: { from: string; to: string }[] = [];
	let rows = 0;
	for (const { vc, n } of villages.rows) {
		const last = ranges.at(-1);
		if (!last || rows + n > sliceRows) {
			ranges.push({ from: vc, to: vc });
			rows = 0;
		} else last.to = vc;
		rows += n;
	}
	for (const { from, to } of ranges) {
		// the record keys (domain/disclosure.ts) in the same order, to release what is counted
		const res = await sql<{ wkb: Uint8Array | null; keys: string | null }>`
			SELECT ST_AsBinary(ST_Collect(
				ST_MakePoint(ST_X(residence), ST_Y(residence), id::float8, village_code::float8)
				ORDER BY village_code, id)) AS wkb,
				string_agg(record_key::text, ',' ORDER BY village_code, id) AS keys
			FROM children WHERE village_code BETWEEN ${from} AND ${to}`.execute(db);
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
