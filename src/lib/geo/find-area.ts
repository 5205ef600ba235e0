// Whether a field find lies in the worker's area, on the phone and without signal: the server
// accepts a find only where one of the worker's townships (or a child director's village)
// holds it (ST_Intersects, the boundary itself counting as inside), and a phone that queued one
// outside learnt so only after it reconnected. The same test here, on the boundary the page
// brought (services/field.ts `fieldFindArea`), refuses it at once; the server still decides.
import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';

export type FindArea = Polygon | MultiPolygon;

/** The boundary as the server sent it (GeoJSON text), or null when it is not usable. */
export function parseFindArea(text: string | null | undefined): FindArea | null {
	if (!text) return null;
	try {
		const g = JSON.parse(text) as { type?: unknown; coordinates?: unknown };
		if ((g.type === 'Polygon' || g.type === 'MultiPolygon') && Array.isArray(g.coordinates))
			return g as FindArea;
	} catch {
		// not GeoJSON: the server decides alone
	}
	return null;
}

/**
 * true: inside (or on the boundary); false: outside; null: no boundary to test against, so the
 * find goes to the server, which answers on upload.
 */
export function insideFindArea(
	lonLat: readonly [number, number],
	area: FindArea | null
): boolean | null {
	if (!area) return null;
	return booleanPointInPolygon([lonLat[0], lonLat[1]], area, { ignoreBoundary: false });
}
