// Scoping by administrative code prefix: residences are sorted by village code, so a
// jurisdiction prefix is one contiguous index range.

/**
 * The numeric range [lo, hi) of 12-digit codes that start with `prefix`.
 * @param {string} prefix
 */
export function codeRange(prefix) {
	if (!/^\d{1,12}$/.test(prefix)) throw new Error(`bad prefix ${prefix}`);
	const scale = 10 ** (12 - prefix.length);
	const p = Number(prefix);
	return { lo: p * scale, hi: (p + 1) * scale };
}

/**
 * Index range of the residences (sorted by code) inside a prefix.
 * @param {Float64Array} code @param {string} prefix
 */
export function prefixSlice(code, prefix) {
	const { lo, hi } = codeRange(prefix);
	/** @param {number} v */
	const lower = (v) => {
		let a = 0,
			b = code.length;
		while (a < b) {
			const m = (a + b) >>> 1;
			if (code[m] < v) a = m + 1;
			else b = m;
		}
		return a;
	};
	return { from: lower(lo), to: lower(hi) };
}
