// The administrative ladder as routes read it: a unit, its subdivisions, the way up. Plain reads
// with nothing to decide, so they pass through from the repository; a route never reaches a
// repository itself (the lint's layers: routes → services → repositories → db).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { childUnitNames, findUnit as readUnit, type AdminUnitRow } from '../repositories/areas';

export { ancestors, childUnits, type AdminUnitRow, type ChildUnitRow } from '../repositories/areas';

/** Units kept per database (one in the app; tests open several). */
const keptUnits = new WeakMap<Kysely<DB>, Map<string, AdminUnitRow>>();
const KEPT_UNITS_MAX = 50_000;

/**
 * One administrative unit, kept once read. The units are reference data: the seed writes them
 * before the app serves anyone and nothing in the app changes them, while every page asked
 * for the viewer's unit (its name in the header, its box for the map) on every request. A
 * unit not found is not kept (the seed may not have run yet). The row is shared: never change it.
 */
export async function findUnit(db: Kysely<DB>, code: string): Promise<AdminUnitRow | null> {
	let kept = keptUnits.get(db);
	if (!kept) keptUnits.set(db, (kept = new Map()));
	const hit = kept.get(code);
	if (hit) return hit;
	const unit = await readUnit(db, code);
	if (unit) {
		// the province has 28,652 units: a bound only against unforeseen codes
		if (kept.size >= KEPT_UNITS_MAX) kept.clear();
		kept.set(code, unit);
	}
	return unit;
}

const keptSubdivisions = new WeakMap<
	Kysely<DB>,
	Map<string, readonly { code: string; name: string }[]>
>();

/**
 * A unit's subdivisions (codes and names, in code order), kept once read like the units: the
 * segment list's area filter offers them on every request.
 */
export async function subdivisionNames(
	db: Kysely<DB>,
	code: string
): Promise<readonly { code: string; name: string }[]> {
	let kept = keptSubdivisions.get(db);
	if (!kept) keptSubdivisions.set(db, (kept = new Map()));
	const hit = kept.get(code);
	if (hit) return hit;
	const rows = await childUnitNames(db, code);
	if (rows.length) {
		if (kept.size >= KEPT_UNITS_MAX) kept.clear();
		kept.set(code, rows);
	}
	return rows;
}
