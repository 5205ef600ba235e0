// A completion rate in words: the dashboard's map tip and legend write it as the bars do.
import type { Translate } from '$lib/i18n';
import { RATE_BANDS, shownRate } from '$lib/map/colors';

/**
 * A completion rate written to one decimal ("39.6%"), the same on the dashboard, its map, its
 * bars and table and the annual report. Whole percents wrote 39.6 % as "40%" beside the "<40%"
 * colour, and the dashboard's headline 40 % beside the report's 39.6 %.
 */
export function formatRatePct(v: number): string {
	return `${(shownRate(v) * 100).toFixed(1)}%`;
}

/** Share of the segments needing items that have all four (0 when none need them). */
export function rateOf(r: { required: number; complete: number }): number {
	return r.required ? r.complete / r.required : 0;
}

/** 30%（10/33） in Chinese, 30% (10/33) in English; "no segment needs items" for 0 of 0. */
export function formatRate(r: { required: number; complete: number }, t: Translate): string {
	if (!r.required) return t('dash.tipNone');
	return `${formatRatePct(rateOf(r))}${t('punct.open')}${r.complete}/${r.required}${t('punct.close')}`;
}

/** What a subdivision's tip on the dashboard map says: its name, then its rate. */
export function areaTip(
	r: { name: string; required: number; complete: number },
	t: Translate
): { title: string; text: string } {
	return { title: r.name, text: `${t('dash.rate')}${t('punct.colon')}${formatRate(r, t)}` };
}

/**
 * The legend's words for each band of RATE_BANDS, highest first: ≥80%, 40–79.9%, <40%. Rates
 * are written to a tenth (formatRatePct), so a band ends a tenth below the next.
 */
export function bandLabels(bands: readonly { min: number }[] = RATE_BANDS): string[] {
	return bands.map((band, i) => {
		const pct = Math.round(band.min * 100);
		if (i === 0) return `≥${pct}%`;
		const above = Math.round(bands[i - 1].min * 100);
		return band.min === 0 ? `<${above}%` : `${pct}–${(above - 0.1).toFixed(1)}%`;
	});
}
