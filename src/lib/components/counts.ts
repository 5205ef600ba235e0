// How a count of children reads wherever it is shown (text, chart labels, tooltips): the
// released number, perturbed by at most ±3 (domain/disclosure.ts), with a tooltip that says so.
// 0 is exact.
import { formatCount, type Locale, type Translate } from '$lib/i18n';

export function countText(n: number, locale: Locale): string {
	return formatCount(n, locale);
}

/** The tooltip of a released count: that it is perturbed; undefined for an exact 0. */
export function countTitle(n: number, t: Translate): string | undefined {
	return n > 0 ? t('count.perturbedTitle') : undefined;
}
