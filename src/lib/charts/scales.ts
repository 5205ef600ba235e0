// The scales both bar charts share: shares (0..1) along x between the label column on the left
// and the value labels on the right, one band per row down y.
import { format, scaleBand, scaleLinear } from 'd3';

export function shareBarScales(o: {
	width: number;
	left: number;
	right: number;
	codes: string[];
	top: number;
	bottom: number;
	padding: number;
}) {
	return {
		x: scaleLinear()
			.domain([0, 1])
			.range([o.left, o.width - o.right]),
		y: scaleBand<string>().domain(o.codes).range([o.top, o.bottom]).padding(o.padding)
	};
}

/** Pixels between two count labels at least: an 11 px figure and the air above it. */
export const COUNT_TICK_GAP_PX = 18;

const wholeNumber = format('d');

/**
 * The ticks of a count axis `rangePx` pixels long (from 0 to `domainMax`): whole numbers only (a
 * count of 0.6 hazards reads as a mistake), each written once, and as many as the axis has room
 * for, so that no two labels come closer than `gapPx` (at a fixed count of four, a short axis
 * ran its labels together, and a small range asked d3 for more ticks than there are whole
 * numbers). The count follows the range in pixels; d3 picks the round steps.
 */
export function countTicks(
	domainMax: number,
	rangePx: number,
	gapPx = COUNT_TICK_GAP_PX
): { value: number; label: string }[] {
	const top = Math.max(1, Math.floor(domainMax));
	const length = Math.abs(rangePx);
	const scale = scaleLinear()
		.domain([0, Math.max(1, domainMax)])
		.range([0, length]);
	const room = Math.max(1, Math.floor(length / gapPx) + 1);
	for (let count = Math.min(room, top); count >= 1; count--) {
		const values = scale.ticks(count).filter((v) => Number.isInteger(v));
		// d3 may give a tick or two more than asked: keep a set only when its labels fit apart
		const apart = values.every((v, i) => i === 0 || scale(v) - scale(values[i - 1]) >= gapPx);
		// and a figure above the 0 whenever there is room for one
		if (apart && values.length <= room && (values.length > 1 || room < 2)) return labelled(values);
	}
	// no round step fits (45 on 40 px: 0, 20, 40 are too close, 0, 50 runs off): the two ends
	return labelled(scale(top) >= gapPx ? [0, top] : [0]);
}

function labelled(values: number[]): { value: number; label: string }[] {
	const seen = new Set<string>();
	const out: { value: number; label: string }[] = [];
	for (const value of values) {
		const label = wholeNumber(value);
		if (!seen.has(label)) out.push({ value, label: (seen.add(label), label) });
	}
	return out;
}

/**
 * Which of a day axis's two end labels are written: the first day always, the last only when it
 * is another day and both fit in the plot's width side by side (a one-day series, or a narrow
 * chart, wrote the two dates over each other).
 */
export function dayEnds(days: number, plotPx: number, labelPx: number): number[] {
	if (days <= 0) return [];
	return days > 1 && plotPx >= 2 * labelPx + 8 ? [0, days - 1] : [0];
}

/**
 * Label positions along an axis (pixels, in the order given) moved apart by at least `gap` and
 * kept within [top, bottom]: each keeps its place where it can, and those that would collide are
 * pushed down, and back up from the bottom when they would leave the plot. When they cannot all
 * fit, they are spread evenly over it.
 */
export function spreadLabels(ys: readonly number[], gap: number, top: number, bottom: number) {
	const order = ys.map((y, i) => ({ y: Math.min(bottom, Math.max(top, y)), i }));
	order.sort((a, b) => a.y - b.y || a.i - b.i);
	const n = order.length;
	if (n > 1 && (n - 1) * gap > bottom - top)
		order.forEach((o, k) => (o.y = top + ((bottom - top) * k) / (n - 1)));
	else {
		for (let k = 1; k < n; k++) order[k].y = Math.max(order[k].y, order[k - 1].y + gap);
		if (n) order[n - 1].y = Math.min(order[n - 1].y, bottom);
		for (let k = n - 2; k >= 0; k--) order[k].y = Math.min(order[k].y, order[k + 1].y - gap);
	}
	const out = new Array<number>(n);
	for (const o of order) out[o.i] = o.y;
	return out;
}

/** The narrowest bar drawn for a value above zero, in px (or pt): a small figure stays visible. */
export const MIN_BAR_PX = 3;

/**
 * Bar lengths for figures compared year on year, each figure on its own scale: the larger of its
 * two values fills `plotPx`. Figures of very different sizes share a chart (one campaign,
 * thousands of targets); on one shared scale the small ones drew as nothing. A value above zero
 * is never shorter than MIN_BAR_PX; zero draws no bar. Each bar carries its value as text.
 */
export function pairBarLengths(
	rows: readonly { now: number; before: number }[],
	plotPx: number
): { now: number; before: number }[] {
	const len = (v: number, max: number) =>
		v > 0 ? Math.max(MIN_BAR_PX, (Math.min(v, max) / max) * plotPx) : 0;
	return rows.map((r) => {
		const max = Math.max(r.now, r.before, 1);
		return { now: len(r.now, max), before: len(r.before, max) };
	});
}
