// Decoding WKB (as returned by ST_AsBinary / ST_AsEWKB) into the kernel's flat arrays
// (types.d.ts): points and linestrings, with optional Z and M.

/**
 * @typedef {import('./types').Points} Points
 * @typedef {import('./types').Shapes} Shapes
 */

/**
 * Decode a WKB MultiPoint or MultiLineString (ISO or EWKB flags, any byte order) into flat
 * arrays: `start` holds vertex offsets per part; `dims` are the ordinates per vertex (x, y, and
 * z/m when present).
 * @param {Uint8Array | null | undefined} bytes
 * @returns {{ start: Int32Array, coords: Float64Array, dims: number }}
 */
export function decodeWkbCollection(bytes) {
	if (!bytes || bytes.byteLength === 0)
		return { start: new Int32Array(1), coords: new Float64Array(0), dims: 2 };
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let o = 0;
	/** @returns {{ le: boolean, type: number, dims: number }} */
	const header = () => {
		const le = view.getUint8(o) === 1;
		let t = view.getUint32(o + 1, le);
		o += 5;
		let dims = 2;
		if (t & 0x80000000) dims++;
		if (t & 0x40000000) dims++;
		const hasSrid = (t & 0x20000000) !== 0;
		t &= 0x0fffffff;
		if (t >= 1000) {
			const kind = Math.floor(t / 1000);
			dims = kind === 3 ? 4 : 3;
			t %= 1000;
		}
		if (hasSrid) o += 4;
		return { le, type: t, dims };
	};
	const top = header();
	if (top.type !== 4 && top.type !== 5 && top.type !== 7)
		throw new Error(`unsupported WKB type ${top.type}`);
	const parts = view.getUint32(o, top.le);
	o += 4;
	// first pass: count vertices
	const save = o;
	let total = 0;
	for (let i = 0; i < parts; i++) {
		const h = header();
		const n = h.type === 1 ? 1 : view.getUint32(o, h.le);
		if (h.type !== 1) o += 4;
		if (h.type !== 1 && h.type !== 2) throw new Error(`unsupported WKB part type ${h.type}`);
		o += n * h.dims * 8;
		total += n;
	}
	o = save;
	const dims = top.dims;
	const start = new Int32Array(parts + 1);
	const coords = new Float64Array(total * dims);
	let v = 0;
	for (let i = 0; i < parts; i++) {
		const h = header();
		const n = h.type === 1 ? 1 : view.getUint32(o, h.le);
		if (h.type !== 1) o += 4;
		start[i] = v;
		for (let k = 0; k < n; k++) {
			for (let d = 0; d < h.dims; d++) {
				if (d < dims) coords[v * dims + d] = view.getFloat64(o, h.le);
				o += 8;
			}
			v++;
		}
	}
	start[parts] = v;
	return { start, coords, dims };
}

/**
 * Residences from a WKB MultiPoint ZM whose z is the child's id and m the village code.
 * @param {Uint8Array | null | undefined} wkb
 * @returns {Points}
 */
export function residencesFromWkb(wkb) {
	const { start, coords, dims } = decodeWkbCollection(wkb);
	const n = start.length - 1;
	const lon = new Float64Array(n);
	const lat = new Float64Array(n);
	const id = new Float64Array(n);
	const code = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		const b = start[i] * dims;
		lon[i] = coords[b];
		lat[i] = coords[b + 1];
		id[i] = dims > 2 ? coords[b + 2] : i;
		code[i] = dims > 3 ? coords[b + 3] : 0;
	}
	return { lon, lat, id, code };
}

/**
 * Residences from several WKB collections, concatenated in the order given.
 * @param {(Uint8Array | null)[]} parts
 */
export function residencesFromWkbParts(parts) {
	const decoded = parts.map((w) => residencesFromWkb(w));
	const n = decoded.reduce((a, d) => a + d.lon.length, 0);
	const out = {
		lon: new Float64Array(n),
		lat: new Float64Array(n),
		id: new Float64Array(n),
		code: new Float64Array(n)
	};
	let at = 0;
	for (const d of decoded) {
		out.lon.set(d.lon, at);
		out.lat.set(d.lat, at);
		out.id.set(d.id, at);
		out.code.set(d.code, at);
		at += d.lon.length;
	}
	return out;
}

/**
 * Shapes (segments or facility points) from a WKB collection whose every vertex carries z = id
 * and m = administrative code; `flags` is one character '0'/'1' per shape in the same order.
 * @param {Uint8Array | null | undefined} wkb
 * @param {string} [flags]
 * @returns {Shapes}
 */
export function shapesFromWkb(wkb, flags = '') {
	const { start, coords, dims } = decodeWkbCollection(wkb);
	const n = start.length - 1;
	const nv = start[n];
	const x = new Float64Array(nv);
	const y = new Float64Array(nv);
	for (let v = 0; v < nv; v++) {
		x[v] = coords[v * dims];
		y[v] = coords[v * dims + 1];
	}
	const id = new Float64Array(n);
	const code = new Float64Array(n);
	const flag = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const b = start[i] * dims;
		id[i] = dims > 2 ? coords[b + 2] : i;
		code[i] = dims > 3 ? coords[b + 3] : 0;
		flag[i] = flags.charCodeAt(i) === 49 ? 1 : 0;
	}
	return { start, x, y, id, code, flag };
}
