// How a target's reason and a hazard's item read, in the page's language.
import { formatCount, formatDate, formatDistance, type Locale, type Translate } from '$lib/i18n';
import type { TargetReason } from '$lib/domain/campaign';

export function reasonText(r: TargetReason, t: Translate, locale: Locale): string {
	switch (r.code) {
		case 'near_water':
			return t('why.near_water', {
				water: r.water,
				d: formatDistance(r.distanceM, locale),
				limit: r.limitM
			});
		case 'institution':
			return t('why.institution', { limit: r.limitM });
		case 'incomplete':
			return t('why.incomplete', { usable: r.usable });
		case 'every_home':
			return t('why.every_home');
		case 'every_station':
			return t('why.every_station');
		case 'children_near_water':
			return t('why.children_near_water', { n: formatCount(r.children, locale), limit: r.limitM });
		case 'field':
			return t('why.field', { kind: t(`fk.${r.fieldKind}`) });
	}
}

/**
 * Where a target is, as a worker's list says it beside its name: a waterway segment by its
 * township and its number (编号, as /waterways shows it), since a river is cut into many segments
 * of one name ("长江" three times in one township); any other target by its own area (its
 * village, or the county for a county-level institution).
 */
export function targetPlace(
	tg: { kind: string; areaName: string; sourceId: number | null },
	t: Translate
): string {
	return tg.kind === 'segment' && tg.sourceId !== null
		? `${tg.areaName} · ${t('ww.segmentNo', { id: tg.sourceId })}`
		: tg.areaName;
}

/**
 * A target's name in a desk's table (the bulletin, the dashboard): a segment with its number, as
 * a river is cut into many segments of one name (17 rows of "河流" in one county's bulletin could
 * not be told apart, QA).
 */
export function targetLabel(name: string, segmentNo: number | null, t: Translate): string {
	return segmentNo === null ? name : `${name} · ${t('ww.segmentNo', { id: segmentNo })}`;
}

/**
 * A target's nearest water as the worker's list and the target's page say it. A waterway
 * segment's target is the water itself (stored as its own name at 0 m, which read as "最近水域：
 * 长江 0 米", QA): it says so instead.
 */
export function nearestWaterText(
	tg: { kind: string; nearestWater: string | null; nearestWaterM: number | null },
	t: Translate,
	locale: Locale
): string {
	if (tg.kind === 'segment') return t('cp.isWater');
	return tg.nearestWater !== null && tg.nearestWaterM !== null
		? `${tg.nearestWater} ${formatDistance(tg.nearestWaterM, locale)}`
		: t('cp.noWaterNear');
}

/**
 * The label of a checklist item: the administrator's own wording when the campaign's checklist
 * gives one, else `cl.<checklist>.<item>`, or the item's own key if unknown.
 */
export function itemLabel(
	checklist: string,
	item: string,
	t: Translate,
	label?: string | null
): string {
	if (label) return label;
	const key = `cl.${checklist}.${item}`;
	const text = t(key as 'cl.home.gas');
	return text === undefined || text === key ? item : text;
}

/**
 * Which checklist a check answered: version 0 is the built-in list before any administrator
 * edited it, which nobody knows as "version 0".
 */
export function checklistVersionText(version: number, t: Translate): string {
	return version === 0 ? t('ckl.answeredDefault') : t('ckl.answered', { n: version });
}

/**
 * A hazard's deadline as every page shows it: stored as the instant its last day ends (Beijing
 * midnight after it), shown as that last day (2026年12月13日), under the heading 整改期限（含当日）.
 */
export function deadlineText(deadline: string | Date, locale: Locale): string {
	return formatDate(new Date(new Date(deadline).getTime() - 1), locale);
}
