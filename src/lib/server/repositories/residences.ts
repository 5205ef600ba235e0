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
