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

/** The flood-season campaign figures of the annual report, in the order every table lists them. */
export const CAMPAIGN_FIGURES = [
	'campaigns',
	'targets',
	'visited',
	'found',
	'fixed',
	'closed'
] as const;
export type CampaignFigure = (typeof CAMPAIGN_FIGURES)[number];

/** A campaign figure's name: "专项行动次数", then the names the page's columns use. */
export const campaignFigureName = (k: CampaignFigure, t: Translate): string =>
	t(k === 'campaigns' ? 'annual.campaignsCount' : `annual.${k}`);

/**
 * The campaign figures compared with last year as the Excel, CSV and PDF write them: the
 * headings (item, this year, last year, change) and a row of numbers per figure.
 */
export function campaignFigureTable(
	now: Readonly<Record<CampaignFigure, number>>,
	before: Readonly<Record<CampaignFigure, number>>,
	years: { year: number; last: number },
	t: Translate
): {
	header: string[];
	rows: { key: CampaignFigure; name: string; now: number; before: number; change: number }[];
} {
	return {
		header: [
			t('annual.col.item'),
			t('annual.col.thisYear', { year: years.year }),
			t('annual.col.thisYear', { year: years.last }),
			t('annual.col.change')
		],
		rows: CAMPAIGN_FIGURES.map((key) => ({
			key,
			name: campaignFigureName(key, t),
			now: now[key],
			before: before[key],
			change: now[key] - before[key]
		}))
	};
}
