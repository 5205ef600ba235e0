// The answer of every list export route: the file named and watermarked for its user and time,
// its one audit row written first, and never cached. The routes differ only in what they read.
import type { RequestEvent } from '@sveltejs/kit';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { SessionUser } from '../services/auth';
import { auditListExport } from '../services/list-exports';
import { contentDisposition } from '../exports';
import {
	CONTENT_TYPES,
	listFileName,
	tableBody,
	type ExportFormat,
	type PlacedTable
} from '../exports-lists';
import { requestMeta } from './guard';

export interface ListFile {
	/** the audit log's resource, e.g. `campaigns.targets` (the format is added to it) */
	resource: string;
	format: ExportFormat;
	area: { code: string; name: string };
	/** the file's subject, in the user's language and in ASCII for old browsers */
	what: { name: string; ascii: string };
	/** the XLSX sheet's name */
	sheet: string;
	table: PlacedTable;
}

export async function listFileResponse(
	db: Kysely<DB>,
	event: Pick<RequestEvent, 'getClientAddress' | 'request' | 'locals'>,
	user: SessionUser,
	f: ListFile
): Promise<Response> {
	const mark = { user: user.principal.username, at: new Date() };
	const file = listFileName(f.area, f.what, f.format, mark);
	await auditListExport(
		db,
		user.principal,
		f.resource,
		f.format,
		f.area.code,
		{ file: file.name, rows: f.table.rows.length },
		requestMeta(event)
	);
	return new Response(tableBody(f.table, f.format, f.sheet, mark, event.locals.locale), {
		headers: {
			'Content-Type': CONTENT_TYPES[f.format],
			'Content-Disposition': contentDisposition(file.name, file.ascii),
			'Cache-Control': 'no-store'
		}
	});
}
