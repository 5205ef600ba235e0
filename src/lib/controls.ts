// Control characters in typed text. No one types them into a name or a note, and PostgreSQL text
// cannot hold a NUL at all: a value with one reached the database as a 500 (the e2e fuzz found it
// on sign-in). Input is read without them at the edge, tab and line breaks kept (a note has lines).

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** `s` without C0 control characters (tab, LF and CR kept) and without DEL. */
export const withoutControls = (s: string): string => s.replace(CONTROLS, '');

/**
 * A parsed body or query (strings, lists, plain objects) with every string read without control
 * characters; anything else (a File, a number) as it is.
 */
export function inputWithoutControls(x: unknown): unknown {
	if (typeof x === 'string') return withoutControls(x);
	if (Array.isArray(x)) return x.map(inputWithoutControls);
	if (x !== null && typeof x === 'object') {
		const proto = Object.getPrototypeOf(x);
		if (proto !== Object.prototype && proto !== null) return x;
		const out: Record<string, unknown> = Object.create(proto);
		for (const [k, v] of Object.entries(x)) out[k] = inputWithoutControls(v);
		return out;
	}
	return x;
}
