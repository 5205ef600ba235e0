// Seeds the demo province (or a fixture area) into an empty database: the real administrative
// units and waterways from geodata/dist, then the synthetic children and sites. Rows go in as
// arrays through unnest(), thousands per statement, so 300k+ children load in seconds on both
// engines. The whole seed is one transaction: a crash leaves an empty database, not half a one.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema';
import { loadAdminUnits, loadSegments, unitsForArea, type GeoAdminUnit } from './geodata';
import {
	pickSunshineTownships,
	synthChildren,
	synthCountyInstitutions,
	synthEquipment,
	synthHome,
	synthStation,
	synthTownshipInstitutions,
	type SynthInstitution
} from './synthesize';
import { refreshChildAggregates } from '../repositories/children';
import { KEY_MODULUS } from '$lib/domain/disclosure';
import { runSegmentRule } from '../services/segment-rule';

const BATCH = 10_000;

export interface SeedSummary {
	area: string;
	adminUnits: number;
	waterways: number;
	children: number;
	childrenHomes: number;
	sunshineStations: number;
	institutions: number;
	ms: number;
}

async function inBatches<T>(rows: T[], fn: (chunk: T[]) => Promise<unknown>): Promise<void> {
	for (let i = 0; i < rows.length; i += BATCH) await fn(rows.slice(i, i + BATCH));
}

export async function seededArea(db: Kysely<DB>): Promise<string | null> {
	const row = await db
		.selectFrom('app_meta')
		.select('value')
		.where('key', '=', 'seed_area')
		.executeTakeFirst();
	return row?.value ?? null;
}

/**
 * The demo's record keys (domain/disclosure.ts) come from the synthetic pseudonym, so that the
 * demo releases the same figures on every engine and machine; real records get the column's
 * random default.
 */
function demoRecordKey(pseudonym: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < pseudonym.length; i++) h = Math.imul(h ^ pseudonym.charCodeAt(i), 0x01000193);
	return (h >>> 0) % KEY_MODULUS;
}

export async function seedDemo(
	db: Kysely<DB>,
	projectRoot: string,
	area: string,
	log: (msg: string) => void = () => {}
): Promise<SeedSummary> {
	const t0 = performance.now();
	const allUnits = loadAdminUnits(projectRoot);
	const units = unitsForArea(allUnits, area);
	if (!units.some((u) => u.code.startsWith(area))) {
		throw new Error(`SEED_AREA ${area} matches no administrative unit in geodata/dist`);
	}
	const segments = loadSegments(projectRoot).filter((s) => s.township.startsWith(area));
	const villages = units.filter((u) => u.level === 'village' && u.code.startsWith(area));
	const townships = units.filter((u) => u.level === 'township' && u.code.startsWith(area));
	const counties = units.filter((u) => u.level === 'county' && u.code.startsWith(area));

	return db.transaction().execute(async (trx) => {
		log(`seeding ${units.length} administrative units`);
		for (const level of ['province', 'prefecture', 'county', 'township', 'village'] as const) {
			await insertUnits(
				trx,
				units.filter((u) => u.level === level)
			);
		}

		log(`seeding ${segments.length} waterway segments`);
		await inBatches(segments, async (chunk) => {
			const ids = await sql<{ id: number }>`
				INSERT INTO waterways (kind, name, county_code, township_code, geom, length_m, synthetic)
				SELECT k, n, c, t, g, ST_Length(g::geography), s
				FROM (
					SELECT k, n, c, t, ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326) AS g, s, ord
					FROM unnest(${chunk.map((s) => s.kind)}::text[], ${chunk.map((s) => s.name)}::text[],
						${chunk.map((s) => s.county)}::text[], ${chunk.map((s) => s.township)}::text[],
						${chunk.map((s) => JSON.stringify({ type: 'LineString', coordinates: s.geom }))}::text[],
						${chunk.map((s) => s.synthetic)}::boolean[])
						WITH ORDINALITY AS x(k, n, c, t, gj, s, ord)
				) src
				ORDER BY ord
				RETURNING id`.execute(trx);
			const wid: number[] = [];
			const item: string[] = [];
			const status: string[] = [];
			chunk.forEach((seg, i) => {
				const eq = synthEquipment(seg);
				for (const [k, v] of Object.entries(eq)) {
					wid.push(ids.rows[i].id);
					item.push(k);
					status.push(v);
				}
			});
			await sql`
				INSERT INTO safety_equipment (waterway_id, item, status, checked_at, inspected_at)
				SELECT w, i, s, at, at
				FROM unnest(${wid}::bigint[], ${item}::text[], ${status}::text[]) AS x(w, i, s),
					LATERAL (SELECT CASE WHEN s = 'unknown' THEN NULL
						ELSE timestamptz '2026-05-15 09:00+08' END AS at) a`.execute(trx);
		});

		log(`seeding synthetic children for ${villages.length} villages`);
		let childCount = 0;
		const homes = [];
		let buffer: ReturnType<typeof synthChildren> = [];
		const flush = async () => {
			if (!buffer.length) return;
			await sql`
				INSERT INTO children (pseudonym, village_code, birth_date, categories, residence, synthetic,
					record_key)
				SELECT p, v, b::date, string_to_array(c, ','), ST_SetSRID(ST_MakePoint(x, y), 4326), true, k
				FROM unnest(${buffer.map((c) => c.pseudonym)}::text[], ${buffer.map((c) => c.village)}::text[],
					${buffer.map((c) => c.birthDate)}::text[], ${buffer.map((c) => c.categories.join(','))}::text[],
					${buffer.map((c) => c.lon)}::float8[], ${buffer.map((c) => c.lat)}::float8[],
					${buffer.map((c) => demoRecordKey(c.pseudonym))}::int[])
					AS t(p, v, b, c, x, y, k)`.execute(trx);
			childCount += buffer.length;
			buffer = [];
		};
		// a village has no polygon of its own: its points stay in its township's
		const townshipGeom = new Map(units.map((u) => [u.code, u.geom]));
		for (const v of villages) {
			const area = v.parent ? townshipGeom.get(v.parent) : null;
			buffer.push(...synthChildren(v, area));
			const home = synthHome(v, area);
			if (home) homes.push(home);
			if (buffer.length >= BATCH) await flush();
		}
		await flush();

		await inBatches(homes, (chunk) =>
			sql`
				INSERT INTO children_homes (name, village_code, area_m2, geom, synthetic)
				SELECT n, v, a, ST_SetSRID(ST_MakePoint(x, y), 4326), true
				FROM unnest(${chunk.map((h) => h.name)}::text[], ${chunk.map((h) => h.code)}::text[],
					${chunk.map((h) => h.areaM2)}::numeric[], ${chunk.map((h) => h.lon)}::float8[],
					${chunk.map((h) => h.lat)}::float8[]) AS t(n, v, a, x, y)`.execute(trx)
		);

		const villagesByTownship = new Map<string, GeoAdminUnit[]>();
		for (const v of villages) {
			const k = v.parent ?? '';
			villagesByTownship.set(k, [...(villagesByTownship.get(k) ?? []), v]);
		}
		const institutions: SynthInstitution[] = [
			...counties.flatMap(synthCountyInstitutions),
			...townships.flatMap((t) =>
				synthTownshipInstitutions(t, villagesByTownship.get(t.code) ?? [])
			)
		];
		await inBatches(institutions, (chunk) =>
			sql`
				INSERT INTO institutions (kind, name, admin_code, capacity, geom, synthetic)
				SELECT k, n, c, cap, ST_SetSRID(ST_MakePoint(x, y), 4326), true
				FROM unnest(${chunk.map((i) => i.kind)}::text[], ${chunk.map((i) => i.name)}::text[],
					${chunk.map((i) => i.code)}::text[], ${chunk.map((i) => i.capacity)}::int[],
					${chunk.map((i) => i.lon)}::float8[], ${chunk.map((i) => i.lat)}::float8[])
					AS t(k, n, c, cap, x, y)`.execute(trx)
		);

		const stationTownships = new Set(pickSunshineTownships(allUnits));
		const stations = townships.filter((t) => stationTownships.has(t.code)).map(synthStation);
		if (stations.length) {
			await sql`
				INSERT INTO sunshine_stations (name, admin_code, services, geom, synthetic)
				SELECT n, c, '文体活动 · 课业辅导 · 心理关爱（购买服务）', ST_SetSRID(ST_MakePoint(x, y), 4326), true
				FROM unnest(${stations.map((s) => s.name)}::text[], ${stations.map((s) => s.code)}::text[],
					${stations.map((s) => s.lon)}::float8[], ${stations.map((s) => s.lat)}::float8[])
					AS t(n, c, x, y)`.execute(trx);
		}

		await giveSourceIds(trx);

		log('computing child aggregates');
		await refreshChildAggregates(trx);

		// the seeded item states are the first entries of each slot's history
		await sql`
			INSERT INTO equipment_events (waterway_id, item, status, at)
			SELECT waterway_id, item, status, checked_at FROM safety_equipment WHERE checked_at IS NOT NULL`.execute(
			trx
		);
		log('computing which segments need the four items');
		const rule = await runSegmentRule(trx, area);
		log(`  ${rule.required} of ${rule.segments} segments lie near children or child sites`);
		// the triggers noted every row just loaded; the rule and the counts above cover them all
		await sql`DELETE FROM data_changes`.execute(trx);

		await trx
			.insertInto('app_meta')
			.values({ key: 'seed_area', value: area })
			.onConflict((oc) => oc.column('key').doUpdateSet({ value: area }))
			.execute();
		await sql`ANALYZE`.execute(trx);

		const summary: SeedSummary = {
			area,
			adminUnits: units.length,
			waterways: segments.length,
			children: childCount,
			childrenHomes: homes.length,
			sunshineStations: stations.length,
			institutions: institutions.length,
			ms: Math.round(performance.now() - t0)
		};
		log(`seeded ${JSON.stringify(summary)}`);
		return summary;
	});
}

/**
 * The source ids an import upserts by, for the demo's sites and segments: 'tongan-<kind>-<id>',
 * as migration 0029 gives rows of older databases, so a file exported from the app goes back in
 * unchanged. The source id is no input of the derived data: the triggers noting such changes
 * are held off rather than join every seeded row's old and new version to find nothing.
 */
async function giveSourceIds(trx: Transaction<DB>): Promise<void> {
	const kinds = [
		['children_homes', 'home'],
		['sunshine_stations', 'station'],
		['institutions', 'institution'],
		['waterways', 'segment']
	] as const;
	for (const [table, kind] of kinds) {
		const trigger = sql.raw(`${table}_changes_upd`);
		await sql`ALTER TABLE ${sql.table(table)} DISABLE TRIGGER ${trigger}`.execute(trx);
		await sql`
			UPDATE ${sql.table(table)} SET source_id = ${`tongan-${kind}-`}::text || id::text
			WHERE source_id IS NULL`.execute(trx);
		await sql`ALTER TABLE ${sql.table(table)} ENABLE TRIGGER ${trigger}`.execute(trx);
	}
}

/**
 * A production database without demo data still needs the real administrative ladder
 * (names, codes, boundaries): jurisdictions and accounts hang from it.
 */
export async function seedAdminUnitsIfEmpty(
	db: Kysely<DB>,
	projectRoot: string,
	log: (m: string) => void
): Promise<void> {
	if (await db.selectFrom('admin_units').select('code').limit(1).executeTakeFirst()) return;
	const units = loadAdminUnits(projectRoot);
	log(`loading ${units.length} administrative units (real names, codes and boundaries)`);
	await db.transaction().execute(async (trx) => {
		for (const level of ['province', 'prefecture', 'county', 'township', 'village'] as const) {
			await insertUnits(
				trx,
				units.filter((u) => u.level === level)
			);
		}
	});
}

async function insertUnits(trx: Transaction<DB>, units: GeoAdminUnit[]): Promise<void> {
	await inBatches(units, (chunk) =>
		sql`
			INSERT INTO admin_units (code, level, name, parent_code, geom, center, synthetic_geom)
			SELECT c, l, n, p,
				CASE WHEN g IS NULL THEN NULL ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)) END,
				ST_SetSRID(ST_MakePoint(x, y), 4326),
				l IN ('township', 'village')
			FROM unnest(${chunk.map((u) => u.code)}::text[], ${chunk.map((u) => u.level)}::text[],
				${chunk.map((u) => u.name)}::text[], ${chunk.map((u) => u.parent)}::text[],
				${chunk.map((u) => (u.geom ? JSON.stringify(u.geom) : null))}::text[],
				${chunk.map((u) => u.center[0])}::float8[], ${chunk.map((u) => u.center[1])}::float8[])
				AS t(c, l, n, p, g, x, y)`.execute(trx)
	);
}
