// Details of one map feature for the side panel. Sites and waterways are public facilities;
// a village's children appear only as released (perturbed) counts.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { EquipmentItem, EquipmentStatus } from '$lib/domain/equipment';

export const FEATURE_LAYERS = ['waterway', 'home', 'station', 'institution'] as const;
export type FeatureLayer = (typeof FEATURE_LAYERS)[number];

export interface Placed {
	/** administrative code the feature belongs to (for the jurisdiction check) */
	adminCode: string;
	adminPath: string[];
	lon: number;
	lat: number;
	synthetic: boolean;
}

export interface WaterwayDetail extends Placed {
	layer: 'waterway';
	id: number;
	kind: string;
	name: string;
	lengthM: number;
	/** checkedAt: the time of the state; inspectedAt: the last inspection (a rescue is none) */
	slots: {
		item: EquipmentItem;
		status: EquipmentStatus;
		checkedAt: string | null;
		inspectedAt: string | null;
	}[];
}
export interface HomeDetail extends Placed {
	layer: 'home';
	id: number;
	name: string;
	areaM2: number;
	status: string;
}
export interface StationDetail extends Placed {
	layer: 'station';
	id: number;
	name: string;
	services: string;
}
export interface InstitutionDetail extends Placed {
	layer: 'institution';
	id: number;
	kind: string;
	name: string;
	capacity: number | null;
}
export type FeatureDetail = WaterwayDetail | HomeDetail | StationDetail | InstitutionDetail;

async function adminPath(db: Kysely<DB>, code: string): Promise<string[]> {
	const r = await sql<{ name: string }>`
		WITH RECURSIVE up AS (
			SELECT code, parent_code, name, 0 AS depth FROM admin_units WHERE code = ${code}
			UNION ALL
			SELECT a.code, a.parent_code, a.name, up.depth + 1 FROM admin_units a JOIN up ON a.code = up.parent_code
		)
		SELECT name FROM up ORDER BY depth DESC`.execute(db);
	return r.rows.map((x) => x.name);
}

export async function featureDetail(
	db: Kysely<DB>,
	layer: FeatureLayer,
	id: number
): Promise<FeatureDetail | null> {
	switch (layer) {
		case 'waterway': {
			const r = await sql<{
				id: number;
				kind: string;
				name: string;
				length_m: number;
				township_code: string;
				synthetic: boolean;
				lon: number;
				lat: number;
			}>`
				SELECT id, kind, name, length_m, township_code, synthetic,
					ST_X(ST_LineInterpolatePoint(geom, 0.5)) AS lon, ST_Y(ST_LineInterpolatePoint(geom, 0.5)) AS lat
				FROM waterways WHERE id = ${id}`.execute(db);
			const w = r.rows[0];
			if (!w) return null;
			const slots = await db
				.selectFrom('safety_equipment')
				.select(['item', 'status', 'checked_at', 'inspected_at'])
				.where('waterway_id', '=', id)
				.execute();
			const order = ['sign', 'buoy', 'rope', 'pole', 'barrier'];
			return {
				layer,
				id: w.id,
				kind: w.kind,
				name: w.name,
				lengthM: Math.round(w.length_m),
				adminCode: w.township_code,
				adminPath: await adminPath(db, w.township_code),
				lon: w.lon,
				lat: w.lat,
				synthetic: w.synthetic,
				slots: slots
					.sort((a, b) => order.indexOf(a.item) - order.indexOf(b.item))
					.map((s) => ({
						item: s.item,
						status: s.status,
						checkedAt: s.checked_at ? new Date(s.checked_at).toISOString() : null,
						inspectedAt: s.inspected_at ? new Date(s.inspected_at).toISOString() : null
					}))
			};
		}
		case 'home': {
			const r = await sql<{
				id: number;
				name: string;
				area_m2: number;
				status: string;
				village_code: string;
				synthetic: boolean;
				lon: number;
				lat: number;
			}>`
				SELECT id, name, area_m2::float8 AS area_m2, status, village_code, synthetic, ST_X(geom) AS lon, ST_Y(geom) AS lat
				FROM children_homes WHERE id = ${id}`.execute(db);
			const h = r.rows[0];
			if (!h) return null;
			return {
				layer,
				id: h.id,
				name: h.name,
				areaM2: h.area_m2,
				status: h.status,
				adminCode: h.village_code,
				adminPath: await adminPath(db, h.village_code),
				lon: h.lon,
				lat: h.lat,
				synthetic: h.synthetic
			};
		}
		case 'station': {
			const r = await sql<{
				id: number;
				name: string;
				services: string;
				admin_code: string;
				synthetic: boolean;
				lon: number;
				lat: number;
			}>`
				SELECT id, name, services, admin_code, synthetic, ST_X(geom) AS lon, ST_Y(geom) AS lat
				FROM sunshine_stations WHERE id = ${id}`.execute(db);
			const s = r.rows[0];
			if (!s) return null;
			return {
				layer,
				id: s.id,
				name: s.name,
				services: s.services,
				adminCode: s.admin_code,
				adminPath: await adminPath(db, s.admin_code),
				lon: s.lon,
				lat: s.lat,
				synthetic: s.synthetic
			};
		}
		case 'institution': {
			const r = await sql<{
				id: number;
				kind: string;
				name: string;
				capacity: number | null;
				admin_code: string;
				synthetic: boolean;
				lon: number;
				lat: number;
			}>`
				SELECT id, kind, name, capacity, admin_code, synthetic, ST_X(geom) AS lon, ST_Y(geom) AS lat
				FROM institutions WHERE id = ${id}`.execute(db);
			const s = r.rows[0];
			if (!s) return null;
			return {
				layer,
				id: s.id,
				kind: s.kind,
				name: s.name,
				capacity: s.capacity,
				adminCode: s.admin_code,
				adminPath: await adminPath(db, s.admin_code),
				lon: s.lon,
				lat: s.lat,
				synthetic: s.synthetic
			};
		}
	}
}
