// shpjs ships no types: the one call used here
declare module 'shpjs' {
	export default function shp(input: ArrayBuffer | Uint8Array): Promise<unknown>;
}
