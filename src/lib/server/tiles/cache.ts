// A small LRU of encoded tiles. Keys carry the data version, so a write that bumps the version
// makes every older tile unreachable without a scan.
export class TileCache {
	private map = new Map<string, Uint8Array>();
	constructor(private readonly maxEntries = 4000) {}

	get(key: string): Uint8Array | undefined {
		const v = this.map.get(key);
		if (v) {
			this.map.delete(key);
			this.map.set(key, v);
		}
		return v;
	}

	set(key: string, value: Uint8Array): void {
		this.map.delete(key);
		this.map.set(key, value);
		while (this.map.size > this.maxEntries) {
			const oldest = this.map.keys().next().value as string;
			this.map.delete(oldest);
		}
	}

	clear(): void {
		this.map.clear();
	}

	get size(): number {
		return this.map.size;
	}
}
