declare module 'vt-pbf' {
	interface Options {
		version?: number;
		extent?: number;
	}
	const vtpbf: {
		fromGeojsonVt(layers: Record<string, unknown>, options?: Options): Uint8Array;
	};
	export default vtpbf;
}
