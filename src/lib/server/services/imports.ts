// Imports: a file read, its columns mapped, a dry run that writes nothing, and a commit in one
// transaction that writes exactly what the dry run showed. Administrators import into their
// own jurisdiction only; a row outside it is rejected with the row and the reason. Re-importing
// the same file changes nothing (upsert by the source's own id, unchanged rows not touched).
// Derived data follows through the one change path: the writes are noted by trigger
// (migrations 0004, 0008) and applyNow applies them and tells this process at once.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { canImport, prefixOf, type Principal } from '../auth/policy';
import { Forbidden } from '../errors';
import { actorOf, appendAudit } from '../repositories/audit';
import {
	lookupHomes,
	rememberMapping,
	rememberedMapping,
	unitBox,
	upsertHomes,
	type HomeWrite
} from '../repositories/imports';
import { applyNow } from './freshness';
import type { RequestMeta } from './auth';
import { readFile, UnreadableFile, type ReadResult } from '$lib/import/read';
import type { CsvEncoding } from '$lib/import/csv';
import { KIND_FIELDS, mappingFor, type ColumnMapping, type ImportKind } from '$lib/import/kinds';
import { checkRows, type HomeRow, type RowProblem } from '$lib/import/validate';
import type { CrsChoice } from '$lib/import/coords';

/** The largest file accepted (a 300,000-row CSV of homes is about 25 MB). */
export const MAX_IMPORT_BYTES = 60 * 1024 * 1024;
/** Problems sent to the page; the counts cover all of them. */
export const MAX_PROBLEMS_SHOWN = 500;
/** Points sent for the preview map. */
export const MAX_PREVIEW_POINTS = 3000;
/** Rows checked against the database, or written, per statement. */
const BATCH = 5000;

/** A refusal the user can fix: a message key and its parameters; answered as a 400. */
export class ImportRejected extends Error {
	constructor(
		readonly key: string,
		readonly params: Record<string, string | number> = {}
	) {
		super(key);
	}
}

export interface ImportFile {
	name: string;
	bytes: Uint8Array;
}

export interface ImportOptions {
	kind: ImportKind;
	encoding: CsvEncoding;
	crs: CrsChoice;
	swap: boolean;
	/** null: the remembered mapping, else the guess */
	mapping: ColumnMapping | null;
}

export interface PreparedImport {
	kind: ImportKind;
	file: string;
	sha256: string;
	table: ReadResult;
	mapping: ColumnMapping;
	remembered: boolean;
	options: ImportOptions;
}

export type Action = 'insert' | 'update' | 'unchanged';

export interface ImportOutcome {
	sha256: string;
	file: string;
	format: string;
	encoding: string | null;
	crs: string;
	rows: number;
	inserts: number;
	updates: number;
	unchanged: number;
	rejected: number;
	swapped: number;
	problems: RowProblem[];
	problemCount: number;
	preview: { lon: number; lat: number; name: string; action: Action }[];
	committed: boolean;
}

export type Progress = (phase: 'check' | 'write', done: number, total: number) => void;

const yieldToOthers = () => new Promise<void>((r) => setImmediate(r));

/** Read the file and settle the mapping; every refusal here is a 400 that changed nothing. */
export async function prepareImport(
	db: Kysely<DB>,
	who: Principal,
	file: ImportFile | null,
	options: ImportOptions
): Promise<PreparedImport> {
	if (!canImport(who)) throw new Forbidden('imports');
	if (!file || file.bytes.length === 0) throw new ImportRejected('imp.err.noFile');
	if (file.bytes.length > MAX_IMPORT_BYTES)
		throw new ImportRejected('imp.err.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 });
	let table: ReadResult;
	try {
		table = await readFile(file.name, file.bytes, options.encoding);
	} catch (e) {
		if (e instanceof UnreadableFile) throw new ImportRejected('imp.err.unreadable');
		throw e;
	}
	if (table.records.length === 0) throw new ImportRejected('imp.err.noRows');
	const remembered = options.mapping ? null : await rememberedMapping(db, who.userId, options.kind);
	const mapping = options.mapping
		? Object.fromEntries(
				KIND_FIELDS[options.kind].map((f) => {
					const col = options.mapping?.[f.key] ?? '';
					return [f.key, table.headers.includes(col) ? col : ''];
				})
			)
		: mappingFor(options.kind, table.headers, remembered);
	return {
		kind: options.kind,
		file: file.name.slice(0, 200),
		sha256: createHash('sha256').update(file.bytes).digest('hex'),
		table,
		mapping,
		remembered: remembered !== null,
		options
	};
}

/** Required fields without a column (a location is required unless the file has geometry). */
export function missingFields(p: PreparedImport): string[] {
	const hasGeometry = p.table.format === 'geojson' || p.table.format === 'shapefile';
	return KIND_FIELDS[p.kind]
		.filter((f) => f.required || (!hasGeometry && (f.key === 'lon' || f.key === 'lat')))
		.filter((f) => !p.mapping[f.key])
		.map((f) => f.key);
}

interface Planned {
	outcome: ImportOutcome;
	writes: HomeWrite[];
}

const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;

async function plan(
	db: Kysely<DB>,
	who: Principal,
	p: PreparedImport,
	progress: Progress
): Promise<Planned> {
	const prefix = prefixOf(who);
	const box = (await unitBox(db, who.jurisdiction)) ?? undefined;
	const seen = new Map<string, number>();
	const problems: RowProblem[] = [];
	const writes: HomeWrite[] = [];
	const preview: ImportOutcome['preview'] = [];
	const count = { inserts: 0, updates: 0, unchanged: 0, swapped: 0 };
	let crs = '';
	const records = p.table.records;
	for (let i = 0; i < records.length; i += BATCH) {
		const chunk = { ...p.table, records: records.slice(i, i + BATCH) };
		const c = checkRows(p.kind, chunk, p.mapping, {
			crs: p.options.crs,
			swap: p.options.swap,
			box,
			seen
		});
		crs = c.crs;
		count.swapped += c.swapped;
		problems.push(...c.problems);
		const found = await lookupHomes(db, who.jurisdiction, prefix, c.rows);
		c.rows.forEach((row: HomeRow, j) => {
			const f = found[j];
			const reject = (field: string, key: RowProblem['key'], value: string) =>
				problems.push({
					row: row.row,
					field,
					column: p.mapping[field] ?? '',
					key,
					params: { value }
				});
			if (!f.villageOk) return reject('villageCode', 'villageUnknown', row.villageCode);
			if (!f.inside)
				return reject('lon', 'outside', `${row.lon.toFixed(6)}, ${row.lat.toFixed(6)}`);
			if (f.existing && !f.existing.inScope)
				return reject('sourceId', 'takenElsewhere', row.sourceId);
			let action: Action = 'insert';
			if (f.existing) {
				const e = f.existing;
				action =
					e.name === row.name &&
					e.villageCode === row.villageCode &&
					same(e.area_m2, row.area_m2) &&
					e.status === row.status &&
					same(e.lon, row.lon) &&
					same(e.lat, row.lat)
						? 'unchanged'
						: 'update';
			}
			count[action === 'insert' ? 'inserts' : action === 'update' ? 'updates' : 'unchanged']++;
			if (action !== 'unchanged') writes.push({ ...row });
			if (preview.length < MAX_PREVIEW_POINTS)
				preview.push({ lon: row.lon, lat: row.lat, name: row.name, action });
		});
		progress('check', Math.min(i + BATCH, records.length), records.length);
		await yieldToOthers();
	}
	problems.sort((a, b) => a.row - b.row);
	const rejectedRows = new Set(problems.map((x) => x.row)).size;
	return {
		writes,
		outcome: {
			sha256: p.sha256,
			file: p.file,
			format: p.table.format,
			encoding: p.table.encoding,
			crs,
			rows: records.length,
			...count,
			rejected: rejectedRows,
			problems: problems.slice(0, MAX_PROBLEMS_SHOWN),
			problemCount: problems.length,
			preview,
			committed: false
		}
	};
}

function checkMapping(p: PreparedImport) {
	const missing = missingFields(p);
	if (missing.length) throw new ImportRejected('imp.err.mapping', { fields: missing.join(', ') });
}

/** What the import would do. Writes nothing but the user's remembered mapping. */
export async function dryRunImport(
	db: Kysely<DB>,
	who: Principal,
	p: PreparedImport,
	progress: Progress = () => {}
): Promise<ImportOutcome> {
	checkMapping(p);
	await rememberMapping(db, who.userId, p.kind, p.mapping);
	return (await plan(db, who, p, progress)).outcome;
}

/**
 * Write what the dry run showed, all or nothing, in one transaction with its audit entry.
 * `expectSha256` is the dry run's fingerprint: another file is refused.
 */
export async function commitImport(
	db: Kysely<DB>,
	who: Principal,
	p: PreparedImport,
	expectSha256: string,
	meta: RequestMeta,
	progress: Progress = () => {}
): Promise<ImportOutcome> {
	checkMapping(p);
	if (expectSha256 !== p.sha256) throw new ImportRejected('imp.err.changed');
	const outcome = await db.transaction().execute(async (trx) => {
		const { outcome, writes } = await plan(trx, who, p, progress);
		const prefix = prefixOf(who);
		for (let i = 0; i < writes.length; i += BATCH) {
			await upsertHomes(trx, prefix, writes.slice(i, i + BATCH));
			progress('write', Math.min(i + BATCH, writes.length), writes.length);
		}
		await appendAudit(trx, {
			...actorOf(who),
			action: 'import',
			resource: `import:${p.kind}`,
			jurisdictionCode: who.jurisdiction,
			ip: meta.ip,
			userAgent: meta.userAgent,
			detail: {
				kind: p.kind,
				file: p.file,
				sha256: p.sha256,
				format: outcome.format,
				encoding: outcome.encoding,
				crs: outcome.crs,
				rows: outcome.rows,
				inserts: outcome.inserts,
				updates: outcome.updates,
				unchanged: outcome.unchanged,
				rejected: outcome.rejected
			}
		});
		return { ...outcome, committed: true };
	});
	await applyNow(db);
	return outcome;
}
