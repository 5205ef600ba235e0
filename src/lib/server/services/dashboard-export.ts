// The dashboard's tables as files: the same figures as the screen for the same user and area
// (scoped by the same services: dashboard() and exposure() refuse an area outside the user's
// jurisdiction), counts of children as released there, and each export audited like the
// segment list's.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Principal } from '../auth/policy';
import type { RequestMeta } from './auth';
import { actorOf, appendAudit } from '../repositories/audit';
import { dashboard } from './waterways';
import { exposure } from './exposure';
import {
	completionRows,
	sortCompletion,
	sortExposure,
	type CompletionKey,
	type ExposureKey,
	type SortSpec
} from '$lib/domain/table-sort';
import { completionTable, exposureTable, type DashboardTable } from '../exports-dashboard';
import type { Table } from '../exports';
import { withCentres, type ExportFormat, type PlacedTable } from '../exports-lists';
import { unitCentres } from '../repositories/report';
import type { Locale } from '$lib/i18n';

export async function dashboardTableFor(
	db: Kysely<DB>,
	who: Principal,
	table: DashboardTable,
	areaCode: string,
	spec: SortSpec<string> | undefined,
	locale: Locale,
	meta: RequestMeta,
	format: ExportFormat = 'xlsx',
	file?: string
): Promise<{ table: PlacedTable; area: { code: string; name: string } }> {
	let out: Table;
	// the rows' units in the order of the table: each row's place for the GeoJSON
	let codes: string[];
	let area: { code: string; name: string };
	if (table === 'completion') {
		const d = await dashboard(db, who, areaCode);
		area = d.area;
		const rows = sortCompletion(
			completionRows(d.bySubunit),
			spec as SortSpec<CompletionKey> | undefined
		);
		codes = rows.map((r) => r.code);
		out = completionTable(rows, undefined, locale, true);
	} else {
		const e = await exposure(db, who, areaCode);
		area = e.area;
		const rows = sortExposure(
			e.bySubunit.map((r) => ({ ...r })),
			spec as SortSpec<ExposureKey> | undefined
		);
		codes = rows.map((r) => r.code);
		out = exposureTable(rows, undefined, e.coverageM, locale, true);
	}
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: `dashboard.${table}.${format}`,
		jurisdictionCode: area.code,
		detail: { rows: out.rows.length, ...(file ? { file } : {}) },
		...meta
	});
	const placed = withCentres(out, codes, await unitCentres(db, codes), locale);
	return { table: placed, area: { code: area.code, name: area.name } };
}
