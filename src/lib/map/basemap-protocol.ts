// MapLibre reads `pmtiles://` URLs (the operator's basemap, see basemap-style.ts) through the
// pmtiles reader, which asks the app for byte ranges of the one archive file.
import * as maplibregl from 'maplibre-gl';
import { Protocol } from 'pmtiles';

let protocol: Protocol | undefined;

/** Registered once per page, before the first map is made. */
export function registerBasemapProtocol(): void {
	if (protocol) return;
	protocol = new Protocol();
	maplibregl.addProtocol('pmtiles', protocol.tile);
}
