// shpjs ships no types: the calls used here
declare module 'shpjs' {
	export default function shp(input: ArrayBuffer | Uint8Array): Promise<unknown>;
	/** a .dbf's records, its text decoded as `encoding` (a TextDecoder label) */
	export function parseDbf(
		dbf: ArrayBuffer | Uint8Array | DataView,
		encoding?: string
	): Record<string, unknown>[];
}
