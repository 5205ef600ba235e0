// The annual report's stock figures (children, homes, stations, the four items, coverage): what
// a year's report keeps of them, and their change since the year before. Pure: the service reads
// and keeps the figures; the page and the PDF write the same rows from here.
import * as v from 'valibot';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const released = v.nullable(count);
const children = v.object({
	code: v.string(),
	name: v.string(),
	total: released,
	leftBehind: released,
	inDifficulty: released
});
const subunitItems = v.object({
	code: v.string(),
	name: v.string(),
	required: count,
	complete: count
});

/**
 * The stock part of a year's report, as kept for that year: the area's children (released,
 * protected figures, null where none was released) and its subdivisions', homes, stations,
 * the four items by subdivision, and coverage. A report of a past year shows these as they were
 * last reported in that year.
 */
export const STOCK_SCHEMA = v.object({
	children: v.object({ area: children, bySubunit: v.array(children) }),
	homes: v.object({ total: count, large: count }),
	stations: count,
	items: v.object({ required: count, complete: count, bySubunit: v.array(subunitItems) }),
	coverage: v.object({ radiusM: v.number(), villages: count, covered: count })
});
export type ReportStock = v.InferOutput<typeof STOCK_SCHEMA>;

/**
 * Kept figures read back, checked: a row written by an older version, or edited by hand, is not
 * trusted to hold every field (null: read as "no record of that year").
 */
export function parseReportStock(raw: unknown): ReportStock | null {
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			return null;
		}
	}
	const r = v.safeParse(STOCK_SCHEMA, value);
	return r.success ? r.output : null;
}

export type StockKey =
	| 'children'
	| 'leftBehind'
	| 'inDifficulty'
	| 'homes'
	| 'homesLarge'
	| 'homesLargeShare'
	| 'stations'
	| 'itemsRequired'
	| 'itemsComplete'
	| 'itemsShare'
	| 'coverageCovered'
	| 'coverageShare';

export interface StockChange {
	key: StockKey;
	kind: 'count' | 'share';
	/** a count, or a share in [0, 1]; null where there is none (not released, a share of 0) */
	now: number | null;
	before: number | null;
	/** now − before: a count, or for a share the difference of the shares */
	change: number | null;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function values(s: ReportStock): Record<StockKey, number | null> {
	return {
		children: s.children.area.total,
		leftBehind: s.children.area.leftBehind,
		inDifficulty: s.children.area.inDifficulty,
		homes: s.homes.total,
		homesLarge: s.homes.large,
		homesLargeShare: share(s.homes.large, s.homes.total),
		stations: s.stations,
		itemsRequired: s.items.required,
		itemsComplete: s.items.complete,
		itemsShare: share(s.items.complete, s.items.required),
		coverageCovered: s.coverage.covered,
		coverageShare: share(s.coverage.covered, s.coverage.villages)
	};
}

const SHARES: ReadonlySet<StockKey> = new Set(['homesLargeShare', 'itemsShare', 'coverageShare']);

/**
 * Each stock figure of the area this year beside the year before, in the report's order. A
 * figure missing on either side (a count not released, a share of nothing, no record of the
 * year before) has no change: it is not 0.
 */
export function stockChanges(now: ReportStock, before: ReportStock | null): StockChange[] {
	const a = values(now);
	const b = before ? values(before) : null;
	return (Object.keys(a) as StockKey[]).map((key) => {
		const n = a[key];
		const p = b ? b[key] : null;
		return {
			key,
			kind: SHARES.has(key) ? 'share' : 'count',
			now: n,
			before: p,
			change: n === null || p === null ? null : n - p
		};
	});
}
