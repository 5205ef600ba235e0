// Which open hazard is drawn on top where dots overlap: the worse one. A serious hazard under
// three general ones a few pixels apart showed as one light dot (QA, on screen and on paper).
// Pure: the live map's sort key and the paper still's drawing order come from here.
export const SEVERITY_KEYS = ['ungraded', 'general', 'major', 'serious'] as const;
export type SeverityKey = (typeof SEVERITY_KEYS)[number];

/** Higher is drawn later, so on top. */
export const severityRank = (k: SeverityKey): number => SEVERITY_KEYS.indexOf(k);

/** MapLibre's circle-sort-key for a feature's `severity` property (higher on top). */
export const HAZARD_SORT_KEY = [
	'match',
	['get', 'severity'],
	...SEVERITY_KEYS.slice(1).flatMap((k) => [k, severityRank(k)]),
	0
] as const;

/** The points in drawing order: the least severe first, the most severe last (on top). */
export function inDrawingOrder<T>(points: readonly T[], keyOf: (p: T) => SeverityKey): T[] {
	return points
		.map((p, i) => ({ p, i, r: severityRank(keyOf(p)) }))
		.sort((a, b) => a.r - b.r || a.i - b.i)
		.map((x) => x.p);
}
