// The homes list of an emergency as a file (CSV or XLSX), for field teams without signal: the
// same rows, in the same order, as the page (services/residences.ts listResidencesByVillage,
// which audits the read as an export). The file's name and the XLSX's properties carry the
// watermark (area, list, Beijing time, user), as every other list export does.
import { translator, type Locale } from '$lib/i18n';
import type { ResidenceVillage } from './services/residences';
import type { PlacedTable } from './exports-lists';

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function homesTable(villages: readonly ResidenceVillage[], locale: Locale): PlacedTable {
	const t = translator(locale);
	return {
		placed: true,
		header: [
			t('em.homes.village'),
			t('em.area'),
			t('em.homes.ref'),
			t('em.homes.segment'),
			t('em.homes.segmentId'),
			t('em.homes.distance'),
			t('export.lon'),
			t('export.lat')
		],
		rows: villages.flatMap((v) =>
			v.homes.map((h) => [
				v.name,
				v.code,
				h.pseudonym,
				h.segment_name,
				h.segment_id,
				h.distance_m === null ? null : Math.round(h.distance_m),
				round6(h.lon),
				round6(h.lat)
			])
		)
	};
}
