// GeoJSON from the river-chief platform: a FeatureCollection (or one Feature). Every feature
// becomes a record with its properties as cells and its geometry checked; a broken feature is
// reported with its number, never dropped silently, and never stops the others.
import { geometryProblem } from './geometry';
import type { SourceRecord, SourceTable } from './table';
import { hasFullWidthDigits, normalizeCell, scientificDigits } from './text';
import { UnreadableFile } from './xlsx';

export function tableFromFeatures(features: unknown[]): SourceTable {
	const headers: string[] = [];
	const seen = new Set<string>();
	const records: SourceRecord[] = [];
	features.forEach((f, i) => {
		const row = i + 1;
		if (!f || typeof f !== 'object' || (f as { type?: unknown }).type !== 'Feature') {
			records.push({ row, cells: {}, geometry: null, readProblem: 'feature' });
			return;
		}
		const props = (f as { properties?: unknown }).properties;
		// without a prototype, as table.ts's records: a property named __proto__ is a cell too
		const cells: Record<string, string> = Object.create(null);
		const widened: string[] = [];
		const scientific: Record<string, string> = {};
		if (props && typeof props === 'object' && !Array.isArray(props)) {
			for (const [k, v] of Object.entries(props)) {
				const key = normalizeCell(k);
				if (!key) continue;
				if (!seen.has(key)) {
					seen.add(key);
					headers.push(key);
				}
				cells[key] = typeof v === 'object' && v !== null ? JSON.stringify(v) : normalizeCell(v);
				if (hasFullWidthDigits(v)) widened.push(key);
				if (scientificDigits(v)) scientific[key] = String(v).trim();
			}
		}
		const geometry = (f as { geometry?: unknown }).geometry as GeoJSON.Geometry | null;
		const problem = geometryProblem(geometry);
		records.push({
			row,
			cells,
			geometry: problem ? null : geometry,
			readProblem: problem ?? undefined,
			...(widened.length ? { widened } : {}),
			...(Object.keys(scientific).length ? { scientific } : {})
		});
	});
	return { headers, records, headerRow: 0 };
}

export function readGeoJson(text: string): SourceTable {
	let doc: unknown;
	try {
		doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	} catch {
		throw new UnreadableFile('geojson');
	}
	if (!doc || typeof doc !== 'object') throw new UnreadableFile('geojson');
	const d = doc as { type?: unknown; features?: unknown };
	if (d.type === 'FeatureCollection' && Array.isArray(d.features))
		return tableFromFeatures(d.features);
	if (d.type === 'Feature') return tableFromFeatures([doc]);
	throw new UnreadableFile('geojson');
}
