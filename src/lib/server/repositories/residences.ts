// Exact residence points. Only services/residences.ts calls this, after the policy allowed it
// and with the audit entry written in the same transaction.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema';

export interface ResidencePoint {
	pseudonym: string;
	lon: number;
	lat: number;
}

/** Residences inside a unit (code prefix). Deliberately no categories, ages or names. */
export async function residencesIn(
	db: Kysely<DB>,
	prefix: string,
	limit: number
): Promise<ResidencePoint[]> {
	const r = await sql<ResidencePoint>`
		SELECT pseudonym, ST_X(residence) AS lon, ST_Y(residence) AS lat
		FROM children WHERE village_code LIKE ${prefix + '%'}
		ORDER BY pseudonym LIMIT ${limit}`.execute(db);
	return r.rows;
}

export interface ResidenceListRow {
	village_code: string;
	village_name: string;
	pseudonym: string;
	lon: number;
	lat: number;
	segment_id: number | null;
	segment_name: string | null;
	distance_m: number | null;
}

/**
 * Residences inside a unit, by village, each with its nearest waterway segment and the distance
 * to it on the sphere. The index's planar order (degrees) picks a few candidates; the spherical
 * distance decides among them, so a segment a little further in longitude is not mistaken for
 * the nearest at Hubei's latitude.
 */
export async function residenceListIn(
	db: Kysely<DB>,
	prefix: string,
	limit: number
): Promise<ResidenceListRow[]> {
	const r = await sql<ResidenceListRow>`
		SELECT c.village_code, coalesce(a.name, c.village_code) AS village_name, c.pseudonym,
			ST_X(c.residence) AS lon, ST_Y(c.residence) AS lat,
			n.id AS segment_id, n.name AS segment_name, n.distance_m
		FROM children c
		LEFT JOIN admin_units a ON a.code = c.village_code
		LEFT JOIN LATERAL (
			SELECT k.id, k.name, ST_Distance(k.geom::geography, c.residence::geography) AS distance_m
			FROM (SELECT w.id, w.name, w.geom FROM waterways w
				ORDER BY w.geom <-> c.residence LIMIT 8) k
			ORDER BY distance_m, k.id LIMIT 1
		) n ON true
		WHERE c.village_code LIKE ${prefix + '%'}
		ORDER BY c.village_code, c.pseudonym LIMIT ${limit}`.execute(db);
	return r.rows.map((x) => ({
		...x,
		lon: Number(x.lon),
		lat: Number(x.lat),
		segment_id: x.segment_id === null ? null : Number(x.segment_id),
		distance_m: x.distance_m === null ? null : Number(x.distance_m)
	}));
}
