// The four-item rule, measured in memory: for every segment and every kind of thing that makes a
// segment need the items (children's homes, villages, schools, …), how many lie within the
// distance and how near the nearest is. Same question and same answer as the PostGIS rule
// (repositories/segment-rule.ts, runRuleInPostgis; parity tested, metres on the same
// sphere), but a grid walk in memory instead of six geography joins. No database here: the
// service (services/segment-rule.ts) reads what the rule needs through the repository and
// measures it with measureRuleInput; the analysis worker answers the same from its snapshot
// (Analysis.segmentRule), and ruleRows turns either answer into rows.
import { buildKindGrid } from './kernel/grids.mjs';
import { measureRule } from './kernel/rule.mjs';
import { residencesFromWkb, shapesFromWkb } from './kernel/wkb.mjs';
import { RULE_KIND_ORDER, type RuleKind } from '$lib/domain/equipment';

export interface RuleRow {
	waterwayId: number;
	kinds: RuleKind[];
	children: number;
	nearestM: number | null;
	nearestKind: RuleKind | null;
}

/**
 * The rule for segments read from the database: the segments (WKB, with their ids alongside)
 * and each kind's points (WKB, in RULE_KIND_ORDER). Every kind goes into one grid and one pass
 * measures them all (measureRule).
 */
export function measureRuleInput(
	input: { segments: Uint8Array | null; ids: string | null; points: (Uint8Array | null)[] },
	radiusM: number
): RuleRow[] {
	const segs = shapesFromWkb(input.segments);
	if (input.ids) segs.id = Float64Array.from(input.ids.split(','), Number);
	// every kind in one grid, each point tagged with its kind's number
	const parts = input.points.map((w) => residencesFromWkb(w));
	const total = parts.reduce((a, p) => a + p.lon.length, 0);
	const lon = new Float64Array(total);
	const lat = new Float64Array(total);
	const kindOf = new Uint8Array(total);
	let at = 0;
	parts.forEach((p, k) => {
		lon.set(p.lon, at);
		lat.set(p.lat, at);
		kindOf.fill(k, at, at + p.lon.length);
		at += p.lon.length;
	});
	const { grid, kindOf: bySlot } = buildKindGrid(lon, lat, kindOf);
	const which = Int32Array.from({ length: segs.id.length }, (_, i) => i);
	const m = measureRule(grid, bySlot, RULE_KIND_ORDER.length, segs, which, radiusM);
	return ruleRows(segs.id, m);
}

/** What measureRule gives (kinds numbered as in RULE_KIND_ORDER), as one row per segment. */
export function ruleRows(
	ids: ArrayLike<number>,
	m: { count: Int32Array; nearest: Float64Array; nearestKind: Int8Array }
): RuleRow[] {
	const kinds = RULE_KIND_ORDER.length;
	const children = RULE_KIND_ORDER.indexOf('children');
	const rows: RuleRow[] = [];
	for (let j = 0; j < ids.length; j++) {
		const near: RuleKind[] = [];
		for (let k = 0; k < kinds; k++) if (m.count[j * kinds + k] > 0) near.push(RULE_KIND_ORDER[k]);
		const any = near.length > 0;
		rows.push({
			waterwayId: ids[j],
			kinds: near,
			children: m.count[j * kinds + children],
			nearestM: any ? m.nearest[j] : null,
			nearestKind: any && m.nearestKind[j] >= 0 ? RULE_KIND_ORDER[m.nearestKind[j]] : null
		});
	}
	return rows;
}
