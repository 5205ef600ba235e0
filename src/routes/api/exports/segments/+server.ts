// The segment list as a file, scoped to the user's jurisdiction and filters: CSV (UTF-8 with
// BOM, formula-safe, opens correctly in Excel), XLSX, or GeoJSON (each segment's line, with
// the point on it as properties). The
// same filters and the same kept rows as the list page, so the file holds what the user was
// looking at; its name says which area and filters, who exported it and when. Written as it is
// read: the rows and the
// villages their places are found among are kept per data version, so the file streams out
// without a query per chunk.
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import {
	auditSegmentExport,
	riverChiefsFor,
	segmentsForExport,
	type SegmentQuery
} from '$lib/server/services/waterways';
import { findUnit } from '$lib/server/services/areas';
import {
	contentDisposition,
	csvMark,
	csvStream,
	geojsonStream,
	segmentFileName,
	segmentTable,
	shapeFeatures,
	xlsxStream,
	type FourItem
} from '$lib/server/exports';
import { translator } from '$lib/i18n';
import { parseQuery, segmentFilters } from '$lib/server/validation';

const Query = v.object({
	...segmentFilters,
	format: v.optional(v.picklist(['csv', 'xlsx', 'geojson']), 'csv')
});

/** Rows whose places are read in one query while the file is written. */
const CHUNK = 2000;

const CONTENT_TYPE = {
	csv: 'text/csv; charset=utf-8',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	geojson: 'application/geo+json'
} as const;

export const GET: RequestHandler = async (event) => {
	const { user, scope } = signedIn(event.locals);
	const { url, locals } = event;
	const t = translator(locals.locale);
	const p = parseQuery(Query, url, locals.locale);
	const format = p.format;
	const q: SegmentQuery = {
		// as on the list page: a river chief starts on their own segments
		mine: p.mine ? p.mine === '1' : user.principal.role === 'river_chief',
		chief: p.chief,
		kind: p.kind,
		township: p.township,
		completeness: p.completeness,
		requiredOnly: p.required === '1'
	};
	const { db } = await database();
	// the list's own rows (which items each lacks comes from the same rows), and their places
	const { rows, missing, places, lines } = await segmentsForExport(db, user.principal, q);
	const header = segmentTable([], new Map(), locals.locale).header;
	const chunk = async (part: typeof rows) =>
		segmentTable(
			part,
			new Map<number, readonly FourItem[]>(part.map((r) => [r.id, missing(r)])),
			locals.locale,
			await places(part)
		);
	async function* tables() {
		for (let i = 0; i < rows.length; i += CHUNK) yield await chunk(rows.slice(i, i + CHUNK));
	}
	async function* rowChunks() {
		for await (const t of tables()) yield t.rows;
	}
	async function* featureChunks() {
		for (let i = 0; i < rows.length; i += CHUNK) {
			const part = rows.slice(i, i + CHUNK);
			const [t, shapes] = await Promise.all([chunk(part), lines(part)]);
			// the segment's line (its shape, what an import of waterways reads); the point on it
			// stays in the properties, as in the CSV and XLSX
			yield shapeFeatures(t, 0, header.length - 2, header.length - 1, shapes);
		}
	}
	const mark = { user: user.principal.username, at: new Date() };

	// names for the file: from the rows where they are there, else from the database (in scope)
	const area = await findUnit(db, user.principal.jurisdiction);
	let township: { code: string; name: string } | undefined;
	if (q.township && /^\d{12}$/.test(q.township)) {
		const name =
			rows[0]?.township_name ??
			(q.township.startsWith(scope.sitePrefix) ? (await findUnit(db, q.township))?.name : null);
		township = { code: q.township, name: name ?? q.township };
	}
	let chief: { id: number; name: string } | undefined;
	if (!q.mine && q.chief && Number.isSafeInteger(q.chief)) {
		const name =
			rows[0]?.river_chief_name ??
			(await riverChiefsFor(db, user.principal)).find((c) => c.id === q.chief)?.name;
		chief = { id: q.chief, name: name ?? `#${q.chief}` };
	}
	const file = segmentFileName(
		{
			areaCode: user.principal.jurisdiction,
			areaName: area?.name ?? user.principal.jurisdiction,
			mine: q.mine ?? false,
			township,
			chief,
			kind: q.kind,
			completeness: q.completeness,
			requiredOnly: q.requiredOnly ?? false
		},
		locals.locale,
		format,
		mark.at,
		mark.user
	);

	await auditSegmentExport(db, user.principal, format, rows.length, requestMeta(event), {
		file: file.name,
		query: q
	});
	const body =
		format === 'csv'
			? csvStream(header, rowChunks(), csvMark(mark, locals.locale))
			: format === 'xlsx'
				? xlsxStream(header, rowChunks(), t('export.segments'), mark, locals.locale)
				: geojsonStream(featureChunks(), mark);
	return new Response(body, {
		headers: {
			'Content-Type': CONTENT_TYPE[format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
};
