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

/**
 * The width of a line of text in px at `fontPx`, estimated from its characters so that it is
 * never much less than drawn: a Chinese character (or any full-width one) takes a whole em, a
 * Latin capital, a digit or a symbol about 0.6–0.9 em, narrow punctuation a third. The bar
 * charts had fixed margins, and a long name (恩施土家族苗族自治州) or a large count
 * ("39.6% (1,533/3,895)") ran off the drawing.
 */
export function textWidthPx(text: string, fontPx: number): number {
	let em = 0;
	for (const ch of text) {
		const c = ch.codePointAt(0) ?? 0;
		if (
			(c >= 0x1100 && c <= 0x115f) ||
			(c >= 0x2e80 && c <= 0xa4cf) ||
			(c >= 0xac00 && c <= 0xd7a3) ||
			(c >= 0xf900 && c <= 0xfaff) ||
			(c >= 0xfe30 && c <= 0xfe4f) ||
			(c >= 0xff00 && c <= 0xff60) ||
			(c >= 0xffe0 && c <= 0xffe6) ||
			c >= 0x20000
		)
			em += 1;
		else if ('MW%@'.includes(ch)) em += 0.9;
		else if (/[A-Zmw]/.test(ch)) em += 0.7;
		else if (/[0-9a-z#$&+<=>?~_–—…]/.test(ch)) em += 0.6;
		else em += 0.35; // space, . , : ; ' ( ) / | ! i l and the like
	}
	return Math.ceil(em * fontPx);
}

/** Air between a label and the bar beside it, and between the text and the drawing's edge. */
export const LABEL_GAP_PX = 6;
const EDGE_PX = 4;

/**
 * The margins of a horizontal bar chart `width` px wide: the names' column on the left as wide
 * as the longest name, the values' column on the right as wide as the longest value, so every
 * text lies inside the drawing. Where that leaves the bars less than `minPlotPx` (a phone), the
 * values are written short first (a rate without its counts, which the table below gives), and
 * then a name wider than a third of the chart is cut with "…" (the row's title gives it whole).
 */
export function barLabelLayout(o: {
	width: number;
	fontPx: number;
	names: readonly string[];
	/** each row's value in full and short */
	values: readonly { full: string; short: string }[];
	minPlotPx: number;
}): { left: number; right: number; names: string[]; short: boolean } {
	const wide = (ss: readonly string[]) => Math.max(0, ...ss.map((s) => textWidthPx(s, o.fontPx)));
	const leftOf = (ss: readonly string[]) => EDGE_PX + wide(ss) + LABEL_GAP_PX;
	const rightOf = (ss: readonly string[]) => LABEL_GAP_PX + wide(ss) + EDGE_PX;
	const roomy = (l: number, r: number) => o.width - l - r >= o.minPlotPx;
	let names = [...o.names];
	let left = leftOf(names);
	const full = rightOf(o.values.map((v) => v.full));
	if (roomy(left, full)) return { left, right: full, names, short: false };
	const right = rightOf(o.values.map((v) => v.short));
	if (!roomy(left, right)) {
		const maxText = Math.max(o.fontPx, Math.floor(o.width / 3) - LABEL_GAP_PX - EDGE_PX);
		names = names.map((n) => cut(n, maxText, o.fontPx));
		left = leftOf(names);
	}
	return { left, right, names, short: true };
}

/** `text` cut with "…" to at most `maxPx` wide. */
function cut(text: string, maxPx: number, fontPx: number): string {
	if (textWidthPx(text, fontPx) <= maxPx) return text;
	const chars = [...text];
	while (chars.length > 1 && textWidthPx(chars.join('') + '…', fontPx) > maxPx) chars.pop();
	return chars.join('') + '…';
}
