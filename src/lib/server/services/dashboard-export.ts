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
	type CompletionKey,
	type ExposureKey,
	type SortSpec
} from '$lib/domain/table-sort';
import { completionTable, exposureTable, type DashboardTable } from '../exports-dashboard';
import type { Table } from '../exports';
import type { Locale } from '$lib/i18n';

export async function dashboardTableFor(
	db: Kysely<DB>,
	who: Principal,
	table: DashboardTable,
	areaCode: string,
	spec: SortSpec<string> | undefined,
	locale: Locale,
	meta: RequestMeta
): Promise<{ table: Table; area: { code: string; name: string } }> {
	let out: Table;
	let area: { code: string; name: string };
	if (table === 'completion') {
		const d = await dashboard(db, who, areaCode);
		area = d.area;
		out = completionTable(
			completionRows(d.bySubunit),
			spec as SortSpec<CompletionKey> | undefined,
			locale
		);
	} else {
		const e = await exposure(db, who, areaCode);
		area = e.area;
		out = exposureTable(
			e.bySubunit.map((r) => ({ ...r })),
			spec as SortSpec<ExposureKey> | undefined,
			e.coverageM,
			locale
		);
	}
	await appendAudit(db, {
		...actorOf(who),
		action: 'export',
		resource: `dashboard.${table}.xlsx`,
		jurisdictionCode: area.code,
		detail: { rows: out.rows.length },
		...meta
	});
	return { table: out, area: { code: area.code, name: area.name } };
}
