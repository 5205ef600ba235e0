// The released (perturbed) children count of every grid cell of a jurisdiction, every level
// (7..17). Cells are summed over the viewer's townships, so a cell on a border counts other
// children for a county than for the province: each jurisdiction's cells are released on their
// own, bottom-up from the finest level (releaseFromParts), so that no cell can be pinned from
// its four sub-cells at the next zoom. Computed once per jurisdiction and change of the
// children (childrenVersion), then read by every tile of that jurisdiction.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	childCellSums,
	childrenVersion,
	COARSEST_CELL_LEVEL,
	FINEST_CELL_LEVEL,
	type ChildCellSumRow
} from '../repositories/children';
import { releaseFromParts, type ReleasedNode } from '$lib/domain/disclosure';

export type ReleasedCells = Map<string, number>;

export function cellId(level: number, x: number, y: number): string {
	return `${level}/${x}/${y}`;
}

type CellRow = ChildCellSumRow;

/** Release every cell of the rows given (all levels of one jurisdiction). */
export function releaseCells(rows: CellRow[]): ReleasedCells {
	const byLevel = new Map<number, CellRow[]>();
	for (const r of rows) {
		const list = byLevel.get(r.level) ?? [];
		list.push(r);
		byLevel.set(r.level, list);
	}
	const released: ReleasedCells = new Map();
	// the results of the level below, grouped by their parent cell
	let below = new Map<string, { count: number; result: ReleasedNode }[]>();
	for (let level = FINEST_CELL_LEVEL; level >= COARSEST_CELL_LEVEL; level--) {
		const next = new Map<string, { count: number; result: ReleasedNode }[]>();
		for (const c of byLevel.get(level) ?? []) {
			const result = releaseFromParts(c.total, c.key, below.get(cellId(level, c.x, c.y)) ?? []);
			released.set(cellId(level, c.x, c.y), result.released);
			const parent = cellId(level - 1, c.x >> 1, c.y >> 1);
			const list = next.get(parent) ?? [];
			list.push({ count: c.total, result });
			next.set(parent, list);
		}
		below = next;
	}
	return released;
}

const cache = new Map<string, { version: string; cells: Promise<ReleasedCells> }>();
const MAX_JURISDICTIONS = 64;

/**
 * The released cells of the jurisdiction `prefix` (a code prefix pattern), kept until the children
 * change (childrenVersion).
 */
export async function releasedCellsFor(db: Kysely<DB>, prefix: string): Promise<ReleasedCells> {
	const version = await childrenVersion(db);
	const hit = cache.get(prefix);
	if (hit && hit.version === version) return hit.cells;
	const cells = childCellSums(db, prefix).then(releaseCells);
	if (cache.size >= MAX_JURISDICTIONS) cache.delete(cache.keys().next().value!);
	cache.set(prefix, { version, cells });
	cells.catch(() => cache.delete(prefix));
	return cells;
}
