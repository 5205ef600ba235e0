// The segment list as a file, scoped to the user's jurisdiction and filters: CSV (UTF-8 with
// BOM, formula-safe, opens correctly in Excel) or XLSX.
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { segmentsFor } from '$lib/server/services/waterways';
import { actorOf, appendAudit } from '$lib/server/repositories/audit';
import { segmentTable, toCsv, toXlsx } from '$lib/server/exports';
import { translator } from '$lib/i18n';

export const GET: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const { url, locals } = event;
	const t = translator(locals.locale);
	const format = url.searchParams.get('format') ?? 'csv';
	if (format !== 'csv' && format !== 'xlsx')
		error(400, { message: t('error.badRequest') + 'format=csv|xlsx' });
	const { db } = await database();
	const rows = await segmentsFor(db, user.principal, {
		mine: url.searchParams.get('mine') === '1',
		kind: url.searchParams.get('kind') ?? undefined,
		township: url.searchParams.get('township') ?? undefined,
		completeness: url.searchParams.get('completeness') ?? undefined,
		requiredOnly: url.searchParams.get('required') === '1'
	});
	const table = segmentTable(rows, locals.locale);
	await appendAudit(db, {
		...actorOf(user.principal),
		action: 'export',
		resource: `segments.${format}`,
		jurisdictionCode: user.principal.jurisdiction,
		detail: { rows: rows.length },
		...requestMeta(event)
	});
	const stamp = new Date().toISOString().slice(0, 10);
	const name = `segments-${user.principal.jurisdiction}-${stamp}.${format}`;
	const body = format === 'csv' ? Buffer.from(toCsv(table), 'utf8') : await toXlsx(table);
	return new Response(new Uint8Array(body), {
		headers: {
			'Content-Type':
				format === 'csv'
					? 'text/csv; charset=utf-8'
					: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'Content-Disposition': `attachment; filename="${name}"`,
			'Cache-Control': 'no-store'
		}
	});
};
