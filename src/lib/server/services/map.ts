// Map use cases: area summaries for drill-down, feature details, vector tiles. Each takes the
// viewer's scope (a jurisdiction prefix) and refuses anything outside it. Child data here is
// counts only; exact residences go through services/residences.ts and the audit log.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import {
	ancestors,
	areaCounts,
	childUnits,
	type AdminUnitRow,
	type AreaCounts,
	type ChildUnitRow
} from '../repositories/areas';
import { findUnit } from './areas';
import { featureDetail, type FeatureDetail, type FeatureLayer } from '../repositories/features';

/** The layers a feature's details are asked for by. */
export { FEATURE_LAYERS } from '../repositories/features';
import { renderTile, type TileSource } from '../tiles/sources';
import { TileCache } from '../tiles/cache';
import { warmTiles } from '../tiles/warm';
import { jurisdictionPrefix, isAdminCode, townshipPrefix } from '$lib/domain/admin';
import { NotFoundError } from '../errors';
import { inScope, inSiteScope, PROVINCE_SCOPE, type Scope } from '../auth/scope';
import { cacheVersion, onChange } from './freshness';

export interface AreaSummary {
	unit: AdminUnitRow;
	ancestors: AdminUnitRow[];
	/** where the area's waterways and sites are registered: a village's are its township's */
	sitesArea: { code: string; name: string };
	/** subdivisions with their released children counts (domain/disclosure.ts) */
	children: ChildUnitRow[];
	counts: AreaCounts;
}

const summaryCache = new Map<string, AreaSummary>();

export async function areaSummary(
	db: Kysely<DB>,
	scope: Scope,
	code: string
): Promise<AreaSummary> {
	if (!isAdminCode(code) || !inScope(scope, code)) throw new NotFoundError(code);
	// the summary depends on the viewer (ancestors above their jurisdiction are left out)
	const cacheKey = `${scope.prefix}|${code}`;
	const hit = summaryCache.get(cacheKey);
	if (hit) return hit;
	const unit = await findUnit(db, code);
	if (!unit) throw new NotFoundError(code);
	const [up, kids, counts] = await Promise.all([
		ancestors(db, code),
		childUnits(db, code),
		areaCounts(
			db,
			code,
			jurisdictionPrefix(code, unit.level),
			townshipPrefix(jurisdictionPrefix(code, unit.level))
		)
	]);
	const township = unit.level === 'village' ? up.find((a) => a.level === 'township') : undefined;
	const summary: AreaSummary = {
		unit,
		sitesArea: township
			? { code: township.code, name: township.name }
			: { code: unit.code, name: unit.name },
		// the viewer may not drill above their own jurisdiction
		ancestors: up.filter((a) => inScope(scope, a.code) || a.code === scope.jurisdiction),
		// released counts, perturbed once per change of the children (child_counts): the same
		// figure here, on the dashboard, in tiles and in exports
		children: kids,
		counts
	};
	if (summaryCache.size > 500) summaryCache.clear();
	summaryCache.set(cacheKey, summary);
	return summary;
}

export async function feature(
	db: Kysely<DB>,
	scope: Scope,
	layer: FeatureLayer,
	id: number
): Promise<FeatureDetail> {
	const f = await featureDetail(db, layer, id);
	if (!f || !inSiteScope(scope, f.adminCode)) throw new NotFoundError(`${layer}/${id}`);
	return f;
}

const tiles = new TileCache();
// a change drops every cached tile and summary; tile keys also carry the version, so a tile
// rendered from data read before the change is never kept under the new one
onChange(() => {
	tiles.clear();
	summaryCache.clear();
});

/**
 * Render the province's first-view tiles (zooms 6–7) into the cache, in the background after
 * start: the first visitor then does not pay the engine's first touch of every table.
 */
export async function warmFirstView(db: Kysely<DB>): Promise<number> {
	const province = await findUnit(db, PROVINCE_SCOPE.prefix.padEnd(12, '0'));
	if (!province) return 0;
	return warmTiles((s, z, x, y) => tile(db, PROVINCE_SCOPE, s, z, x, y), province.bbox, [6, 7]);
}

/** A vector tile of the viewer's jurisdiction: nothing outside it is drawn. */
export async function tile(
	db: Kysely<DB>,
	scope: Scope,
	source: TileSource,
	z: number,
	x: number,
	y: number
): Promise<Uint8Array> {
	const key = `${cacheVersion()}/${scope.prefix}/${scope.sitePrefix}/${source}/${z}/${x}/${y}`;
	const hit = tiles.get(key);
	if (hit) return hit;
	const body = await renderTile(db, scope, source, z, x, y);
	tiles.set(key, body);
	return body;
}
