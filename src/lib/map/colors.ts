// The map's colours: one definition, shared by the style, the legends, the charts and the
// badges, so a colour means the same on every screen (UX.md "map manners"). Colour-blind-safe.

export const COLORS = {
	// a segment's four items: all there, some missing, none (or never checked)
	complete: '#1a9e8f',
	partial: '#e69f00',
	none: '#b8306b',
	// 儿童之家 (children's homes, a village facility), ringed red when under the required area
	home: '#f28e2b',
	homeUndersized: '#d62728',
	station: '#ffc000',
	school: '#3b6fb6',
	kindergarten: '#56b4e9',
	welfare: '#8e5ea2',
	rescue_protection: '#7a5230',
	workstation: '#3c8d40',
	cellRamp: ['#f2e6f7', '#d9b8e8', '#b57fd1', '#8a4bb3', '#5b2a86'],
	boundary: '#6b6b6b',
	background: '#f4f2ec',
	// a child's exact home: near-black with a white ring, a colour no segment state, facility or
	// count uses (it was magenta, read as "all items missing")
	residence: '#1b1b1f',
	residenceRing: '#ffffff',
	water: '#7fb2d9',
	// the planning map: a site's reach, the cells new sites newly cover, and uncovered demand
	// (a dark red no segment state or facility uses)
	reach: '#1b7837',
	newlyCovered: '#d95f02',
	uncovered: '#99000d'
} as const;

/** The states a segment is coloured by (a segment line's colour is one of these). */
export const SEGMENT_STATE_COLORS = [COLORS.complete, COLORS.partial, COLORS.none] as const;

/**
 * Completion-rate bands of an area (share of its segments needing items that have all four),
 * highest first: the dashboard's bars, its choropleth and their legend use the same three.
 */
export const RATE_BANDS = [
	{ min: 0.8, color: COLORS.complete },
	{ min: 0.4, color: COLORS.partial },
	{ min: 0, color: COLORS.none }
] as const;

/**
 * A completion rate as it is written (formatRatePct): to a tenth of a percent. The colour is
 * chosen from this, not from the exact share, so a figure and its colour agree (39.96 % reads
 * "40.0%" and is coloured 40–79.9 %).
 */
export function shownRate(v: number): number {
	return Math.round(v * 1000) / 1000;
}

/** The colour of a completion rate in [0, 1], by the rate as written (shownRate). */
export function rateColor(v: number): string {
	const shown = shownRate(v);
	return (RATE_BANDS.find((b) => shown >= b.min) ?? RATE_BANDS[RATE_BANDS.length - 1]).color;
}

/** Class breaks (children per cell) for the graduated cells, one per colour of the ramp. */
export const CELL_BREAKS = [1, 5, 20, 50, 150] as const;
