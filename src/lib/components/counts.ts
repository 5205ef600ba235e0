// How a child count that may be hidden reads, wherever it is shown (text, chart labels,
// tooltips): the number; "<5" when it is under 5; "—" when it is hidden only so that a smaller
// one cannot be worked out from the total (it may be 5 or more, so "<5" would be false).
import { formatCount, type Locale, type Translate } from '$lib/i18n';
import type { SuppressedCount } from '$lib/domain/children';

export function countText(c: SuppressedCount, t: Translate, locale: Locale): string {
	if (!c.suppressed) return formatCount(c.count, locale);
	return c.protects ? t('count.protected') : t('map.suppressed');
}

/** Why a count is hidden, for a tooltip; undefined when it shows. */
export function countTitle(c: SuppressedCount, t: Translate): string | undefined {
	if (!c.suppressed) return undefined;
	return c.protects ? t('count.protectedTitle') : t('count.suppressedTitle');
}
