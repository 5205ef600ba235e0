// What the planning page reads and keeps: candidate and existing sites around a jurisdiction,
// and planners' saved scenarios (migration 0009). No child is read here: demand comes from the
// released grid cells (tiles/children-cells.ts), through services/planning.ts.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { envelope, underPrefix } from '../db/postgis';
import { MIN_HOME_AREA_M2 } from './analysis-snapshot';

export interface VillageCentre {
	code: string;
	name: string;
	lon: number;
	lat: number;
}

/** Village centres of the jurisdiction: where a new children's home could go. */
export async function villageCentres(db: Kysely<DB>, prefix: string): Promise<VillageCentre[]> {
	const r = await sql<VillageCentre>`
		SELECT code, name, ST_X(center) AS lon, ST_Y(center) AS lat
		FROM admin_units WHERE level = 'village' AND code LIKE ${underPrefix(prefix)}
		ORDER BY code`.execute(db);
	return r.rows;
}

export interface HomeRow {
	id: number;
	name: string;
	village_code: string;
	area_m2: number;
	status: 'open' | 'suspended' | 'closed';
	lon: number;
	lat: number;
}

/** Children's homes of the jurisdiction, usable or not (those that are not: upgrade candidates). */
export async function homesIn(db: Kysely<DB>, prefix: string): Promise<HomeRow[]> {
	const r = await sql<HomeRow>`
		SELECT id, name, village_code, area_m2::float8 AS area_m2, status, ST_X(geom) AS lon, ST_Y(geom) AS lat
		FROM children_homes WHERE village_code LIKE ${underPrefix(prefix)} ORDER BY id`.execute(db);
	return r.rows;
}

export interface FixedSite {
	kind: 'home' | 'station';
	id: number;
	name: string;
	lon: number;
	lat: number;
}

/**
 * Usable children's homes (open, at least 30 m²) and Sunshine Stations inside a box, wherever
 * their own area: a child near a county line is served by the neighbour's home too.
 */
export async function usableSitesIn(
	db: Kysely<DB>,
	west: number,
	south: number,
	east: number,
	north: number
): Promise<FixedSite[]> {
	const box = envelope(west, south, east, north);
	const r = await sql<FixedSite>`
		SELECT 'home' AS kind, id, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM children_homes
		WHERE status = 'open' AND area_m2 >= ${MIN_HOME_AREA_M2} AND geom && ${box}
		UNION ALL
		SELECT 'station', id, name, ST_X(geom), ST_Y(geom) FROM sunshine_stations WHERE geom && ${box}
		ORDER BY 1, 2`.execute(db);
	return r.rows;
}

export interface ScenarioRow {
	id: number;
	user_id: number;
	jurisdiction: string;
	name: string;
	radius_m: number;
	k: number;
	sites: unknown;
	summary: unknown;
	created_at: Date;
}

export async function insertScenario(
	db: Kysely<DB>,
	s: Omit<ScenarioRow, 'id' | 'created_at'>
): Promise<number> {
	const r = await db
		.insertInto('planning_scenarios')
		.values({
			user_id: s.user_id,
			jurisdiction: s.jurisdiction,
			name: s.name,
			radius_m: s.radius_m,
			k: s.k,
			sites: JSON.stringify(s.sites),
			summary: JSON.stringify(s.summary)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return r.id;
}

/** A user's scenarios for one jurisdiction, newest first. */
export async function scenariosOf(
	db: Kysely<DB>,
	userId: number,
	jurisdiction: string
): Promise<ScenarioRow[]> {
	return (await db
		.selectFrom('planning_scenarios')
		.selectAll()
		.where('user_id', '=', userId)
		.where('jurisdiction', '=', jurisdiction)
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.limit(200)
		.execute()) as ScenarioRow[];
}

export async function scenarioOf(
	db: Kysely<DB>,
	id: number,
	userId: number,
	jurisdiction: string
): Promise<ScenarioRow | undefined> {
	return (await db
		.selectFrom('planning_scenarios')
		.selectAll()
		.where('id', '=', id)
		.where('user_id', '=', userId)
		.where('jurisdiction', '=', jurisdiction)
		.executeTakeFirst()) as ScenarioRow | undefined;
}

export async function deleteScenario(
	db: Kysely<DB>,
	id: number,
	userId: number,
	jurisdiction: string
): Promise<void> {
	await db
		.deleteFrom('planning_scenarios')
		.where('id', '=', id)
		.where('user_id', '=', userId)
		.where('jurisdiction', '=', jurisdiction)
		.execute();
}

export interface VillageRow {
	code: string;
	name: string;
	township_code: string;
	township_name: string;
	lon: number;
	lat: number;
	/** released (perturbed) counts, the very figures the village's area page shows */
	total: number;
	left_behind: number;
	in_difficulty: number;
	/** children's homes recorded in the village, usable or not */
	homes: number;
	/** display names of the village's active child directors (village_director accounts) */
	directors: string | null;
}

/**
 * Every village of the jurisdiction with its released counts, its homes and its child directors.
 * Counts are read from child_counts.*_released only: no child is counted here.
 */
export async function villagesWithCounts(db: Kysely<DB>, prefix: string): Promise<VillageRow[]> {
	const r = await sql<VillageRow>`
		SELECT v.code, v.name, t.code AS township_code, t.name AS township_name,
			ST_X(v.center) AS lon, ST_Y(v.center) AS lat,
			COALESCE(c.total_released, 0)::int AS total,
			COALESCE(c.left_behind_released, 0)::int AS left_behind,
			COALESCE(c.in_difficulty_released, 0)::int AS in_difficulty,
			(SELECT count(*) FROM children_homes h WHERE h.village_code = v.code)::int AS homes,
			(SELECT string_agg(u.display_name, '、' ORDER BY u.id) FROM users u
				WHERE u.role = 'village_director' AND u.active AND u.jurisdiction_code = v.code) AS directors
		FROM admin_units v
		JOIN admin_units t ON t.code = v.parent_code
		LEFT JOIN child_counts c ON c.code = v.code
		WHERE v.level = 'village' AND v.code LIKE ${underPrefix(prefix)}
		ORDER BY v.code`.execute(db);
	return r.rows;
}

export interface VillageTotalRow {
	code: string;
	lon: number;
	lat: number;
	/** released (perturbed) children count, the village's area page figure */
	total: number;
}

/** Every village of the area at its centre with its released children count (no child read). */
export async function villageTotals(db: Kysely<DB>, prefix: string): Promise<VillageTotalRow[]> {
	const r = await sql<VillageTotalRow>`
		SELECT v.code, ST_X(v.center) AS lon, ST_Y(v.center) AS lat,
			COALESCE(c.total_released, 0)::int AS total
		FROM admin_units v LEFT JOIN child_counts c ON c.code = v.code
		WHERE v.level = 'village' AND v.code LIKE ${underPrefix(prefix)}
		ORDER BY v.code`.execute(db);
	return r.rows;
}

export interface UnitTotalRow {
	code: string;
	name: string;
	level: 'prefecture' | 'county';
	/** released (perturbed) children count of the unit: the dashboard's and area page's figure */
	children: number;
}

/** The prefectures and counties inside the area, with their released children counts. */
export async function prefecturesAndCounties(
	db: Kysely<DB>,
	prefix: string
): Promise<UnitTotalRow[]> {
	const r = await sql<UnitTotalRow>`
		SELECT a.code, a.name, a.level, COALESCE(c.total_released, 0)::int AS children
		FROM admin_units a LEFT JOIN child_counts c ON c.code = a.code
		WHERE a.level IN ('prefecture', 'county') AND a.code LIKE ${underPrefix(prefix)}
		ORDER BY a.code`.execute(db);
	return r.rows;
}
