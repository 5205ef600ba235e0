// The administrative ladder and its 12-digit statistical codes (2-4-6-9-12). A jurisdiction is
// a code prefix: everything whose code starts with it lies inside.

export const ADMIN_LEVELS = ['province', 'prefecture', 'county', 'township', 'village'] as const;
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

const PREFIX_LENGTH: Record<AdminLevel, number> = {
	province: 2,
	prefecture: 4,
	county: 6,
	township: 9,
	village: 12
};

export function isAdminCode(code: string): boolean {
	return /^\d{12}$/.test(code);
}

/** The level a 12-digit code denotes, from its trailing zeros. */
export function levelOfCode(code: string): AdminLevel {
	if (!isAdminCode(code)) throw new Error(`not a 12-digit administrative code: ${code}`);
	if (code.slice(2) === '0000000000') return 'province';
	if (code.slice(4) === '00000000') return 'prefecture';
	if (code.slice(6) === '000000') return 'county';
	if (code.slice(9) === '000') return 'township';
	return 'village';
}

/** The code prefix that contains everything inside the unit. */
export function jurisdictionPrefix(code: string, level: AdminLevel = levelOfCode(code)): string {
	return code.slice(0, PREFIX_LENGTH[level]);
}

/**
 * The township part of a code or code prefix (its first nine digits; a shorter prefix is kept
 * whole). Waterways and public sites are registered to townships, so this is the prefix they
 * are found by from a village's code.
 */
export function townshipPrefix(codeOrPrefix: string): string {
	return codeOrPrefix.slice(0, PREFIX_LENGTH.township);
}

/** The prefecture part of a code or code prefix (its first four digits). */
export function prefecturePrefix(codeOrPrefix: string): string {
	return codeOrPrefix.slice(0, PREFIX_LENGTH.prefecture);
}

export function padCode(prefix: string): string {
	return prefix.padEnd(12, '0');
}

export function childLevel(level: AdminLevel): AdminLevel | null {
	const i = ADMIN_LEVELS.indexOf(level);
	return i < ADMIN_LEVELS.length - 1 ? ADMIN_LEVELS[i + 1] : null;
}
