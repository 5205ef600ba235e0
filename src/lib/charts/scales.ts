// The scales both bar charts share: shares (0..1) along x between the label column on the left
// and the value labels on the right, one band per row down y.
import { scaleBand, scaleLinear } from 'd3';

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

/**
 * The gridline values of a count axis: whole numbers only (a count of 0.6 hazards reads as a
 * mistake), and never more ticks than there are whole numbers on the axis.
 */
export function countTicks(domainMax: number, most: number): number[] {
	const top = Math.max(1, Math.floor(domainMax));
	return scaleLinear()
		.domain([0, domainMax])
		.ticks(Math.min(most, top))
		.filter((v) => Number.isInteger(v));
}
