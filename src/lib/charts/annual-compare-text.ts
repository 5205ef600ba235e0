// The annual report's "main figures compared with last year" as rows of words, the same on the
// page and in the server's PDF: counts with thousands separators, shares to a tenth as every
// rate in the app, a share's change in percentage points, and "—" where a figure has none.
import { formatCount, type Locale, type Translate } from '$lib/i18n';
import type { StockChange, StockKey } from '$lib/domain/annual-compare';
import { formatRatePct } from './rate';
import { shownRate } from '$lib/map/colors';

export interface StockChangeRow {
	key: StockKey;
	name: string;
	now: string;
	before: string;
	change: string;
}

function nameOf(key: StockKey, t: Translate, radiusM: number): string {
	switch (key) {
		case 'children':
			return t('annual.col.total');
		case 'leftBehind':
			return t('annual.col.leftBehind');
		case 'inDifficulty':
			return t('annual.col.inDifficulty');
		case 'homes':
			return t('annual.homes');
		case 'homesLarge':
			return t('annual.homesLarge');
		case 'homesLargeShare':
			return t('annual.homesLargeShare');
		case 'stations':
			return t('annual.stations');
		case 'itemsRequired':
			return t('annual.itemsRequired');
		case 'itemsComplete':
			return t('annual.itemsComplete');
		case 'itemsShare':
			return t('annual.itemsShare');
		case 'coverageCovered':
			return t('annual.coverageCovered', { m: radiusM });
		case 'coverageShare':
			return t('annual.coverageShareFull', { m: radiusM });
	}
}

export function stockChangeRows(
	changes: readonly StockChange[],
	t: Translate,
	locale: Locale,
	radiusM: number
): StockChangeRow[] {
	const none = t('annual.none');
	const value = (c: StockChange, v: number | null) =>
		v === null ? none : c.kind === 'share' ? formatRatePct(v) : formatCount(v, locale);
	const change = (c: StockChange) => {
		if (c.change === null) return none;
		if (c.kind === 'count')
			return c.change > 0 ? `+${formatCount(c.change, locale)}` : formatCount(c.change, locale);
		// the difference of the two shares as written (to a tenth), so the three cells agree
		const n = Math.round((shownRate(c.now!) - shownRate(c.before!)) * 1000) / 10;
		return t('annual.pp', { n: n > 0 ? `+${n.toFixed(1)}` : n.toFixed(1) });
	};
	return changes.map((c) => ({
		key: c.key,
		name: nameOf(c.key, t, radiusM),
		now: value(c, c.now),
		before: value(c, c.before),
		change: change(c)
	}));
}
