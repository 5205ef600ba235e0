// The filters and the fill the map changes while it is open (the selected area, the highlighted
// segment, a list's segments, the dashboard's choropleth). The style starts with them, and the
// map components set them again when the page asks for another value.
import type { ExpressionSpecification, FilterSpecification } from 'maplibre-gl';
import { tileGet } from '$lib/domain/tile-contract';
import { rateColor } from './colors';

/**
 * The fill of the units below the province without a choropleth: none. An opacity of exactly 0
 * is not drawn at all (a fill the size of the screen per level is costly without a GPU), and
 * the units are still found under a click or tap.
 */
export const ADMIN_FILL = { color: 'rgba(0,0,0,0)', opacity: 0 } as const;

/** The administrative fill colouring units by a value in [0, 1]; null when there is none. */
export function choroplethFill(
	values: Record<string, number> | null | undefined
): { color: ExpressionSpecification; opacity: number } | null {
	if (!values || !Object.keys(values).length) return null;
	const cases: string[] = [];
	for (const [code, v] of Object.entries(values)) {
		cases.push(code, rateColor(v));
	}
	return {
		color: [
			'match',
			tileGet('boundary', 'code'),
			...cases,
			'rgba(0,0,0,0)'
		] as unknown as ExpressionSpecification,
		opacity: 0.45
	};
}

/** The outline of the selected area. */
export function selectedAreaFilter(code: string): FilterSpecification {
	return ['==', tileGet('boundary', 'code'), code];
}

// Whole rivers merged for low zooms carry a `segments` count and a feature number that is not
// a segment id: they are never a highlighted or listed segment.
const isSegment: ExpressionSpecification = ['!', ['has', 'segments']];

/** The highlighted waterway segment (none: -1). */
export function highlightFilter(id: number | null | undefined): FilterSpecification {
	return ['all', isSegment, ['==', ['id'], id ?? -1]];
}

/** Only these segments, or every segment (undefined, i.e. no filter). */
export function waterwayFilter(ids: number[] | null | undefined): FilterSpecification | undefined {
	return ids ? ['all', isSegment, ['in', ['id'], ['literal', ids]]] : undefined;
}
