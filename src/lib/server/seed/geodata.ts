// Reads the committed, compact Hubei demo data (geodata/dist, built by `npm run geodata:build`).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import type { AdminLevel } from '$lib/domain/admin';
import type { WaterwayKind } from '$lib/domain/equipment';

export interface GeoAdminUnit {
	code: string;
	level: AdminLevel;
	name: string;
	parent: string | null;
	geom: GeoJSON.Polygon | GeoJSON.MultiPolygon | null;
	center: [number, number];
}

export interface GeoSegment {
	kind: WaterwayKind;
	name: string;
	county: string;
	township: string;
	geom: [number, number][];
	synthetic: boolean;
}

function readGz<T>(file: string): T {
	return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as T;
}

export function loadAdminUnits(projectRoot: string): GeoAdminUnit[] {
	return readGz<{ units: GeoAdminUnit[] }>(path.join(projectRoot, 'geodata/dist/admin.json.gz'))
		.units;
}

export function loadSegments(projectRoot: string): GeoSegment[] {
	return readGz<{ segments: GeoSegment[] }>(
		path.join(projectRoot, 'geodata/dist/waterways.json.gz')
	).segments;
}

/** Units inside the area prefix, plus the ancestors the area hangs from. */
export function unitsForArea(units: GeoAdminUnit[], area: string): GeoAdminUnit[] {
	return units.filter((u) => u.code.startsWith(area) || area.startsWith(trimCode(u.code)));
}

function trimCode(code: string): string {
	// province 42 → "42", prefecture 4210 → "4210", … : the unit's own prefix
	const t = code.replace(/0+$/, '');
	const lengths = [2, 4, 6, 9, 12];
	const len = lengths.find((l) => l >= t.length) ?? 12;
	return code.slice(0, len);
}
