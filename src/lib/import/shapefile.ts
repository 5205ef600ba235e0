// A zipped shapefile (.shp, .shx, .dbf, .prj, optional .cpg). shpjs reads it and reprojects
// from the .prj to EPSG:4326 with proj4 (CGCS2000 is taken as WGS84 at map scale, as the
// schema does); its attribute table becomes the cells.
import shp from 'shpjs';
import { tableFromFeatures } from './geojson';
import type { SourceTable } from './table';
import { UnreadableFile } from './xlsx';

export async function readShapefileZip(bytes: Uint8Array): Promise<SourceTable> {
	let out: unknown;
	try {
		out = await shp(bytes);
	} catch {
		throw new UnreadableFile('shapefile');
	}
	// a zip with several layers gives an array: the first layer is read
	const fc = (Array.isArray(out) ? out[0] : out) as { features?: unknown[] } | undefined;
	if (!fc || !Array.isArray(fc.features)) throw new UnreadableFile('shapefile');
	return tableFromFeatures(fc.features);
}
