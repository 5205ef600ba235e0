// The planner's coverage results as a file: one row per village (CSV, XLSX, GeoJSON at the
// village centre) or per township (CSV, XLSX), the very figures the /planning page shows
// (services/planning.ts villageCoverage): released counts by category and their sums, never a
// count of its own. The watermark is the list exports' (exports-lists.ts).
import { translator, type Locale } from '$lib/i18n';
import { REACHES, type AreaCoverage, type VillageCoverage } from '$lib/domain/planning';
import type { PlacedTable } from './exports-lists';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const CATS = ['total', 'leftBehind', 'inDifficulty'] as const;

export function villageCoverageTable(
	villages: readonly VillageCoverage[],
	townships: readonly AreaCoverage[],
	locale: Locale
): PlacedTable {
	const t = translator(locale);
	const yes = t('plan.yes');
	const no = t('plan.no');
	const townName = new Map(townships.map((x) => [x.code, x.name]));
	return {
		placed: true,
		header: [
			t('plan.village'),
			t('plan.ref'),
			t('plan.township'),
			...CATS.map((c) => t(`plan.cat.${c}`)),
			`${t('plan.nearest')} (m)`,
			...REACHES.map((r) => `${t('plan.covered')} · ${t('plan.reach', { m: r })}`),
			t('plan.homes'),
			t('plan.director'),
			t('plan.flag.extra'),
			t('plan.lon'),
			t('plan.lat')
		],
		rows: villages.map((v) => [
			v.name,
			v.code,
			townName.get(v.township) ?? v.township,
			...CATS.map((c) => v.counts[c]),
			v.nearestM,
			...v.covered.map((c) => (c ? yes : no)),
			v.homes,
			v.directors.join('、'),
			v.needsExtraDirector ? yes : no,
			round6(v.lon),
			round6(v.lat)
		])
	};
}

export function townshipCoverageTable(areas: readonly AreaCoverage[], locale: Locale): PlacedTable {
	const t = translator(locale);
	return {
		placed: false,
		header: [
			t('plan.township'),
			t('plan.ref'),
			// sums of the villages' released counts, not the township's own released figure (the
			// dashboard's): the header says so, since the two differ by the villages' rounding
			...CATS.map((c) => `${t(`plan.cat.${c}`)}${t('plan.villageSum')}`),
			...REACHES.flatMap((r) =>
				CATS.map(
					(c) => `${t('plan.covered')} · ${t(`plan.cat.${c}`)} · ${t('plan.reach', { m: r })}`
				)
			)
		],
		rows: areas.map((a) => [
			a.name,
			a.code,
			...CATS.map((c) => a.all[c]),
			...a.covered.flatMap((cv) => CATS.map((c) => cv[c]))
		])
	};
}
