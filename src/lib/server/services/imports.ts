// Imports: a file read, its columns mapped, a dry run that writes nothing, and a commit that
// writes exactly what the dry run showed, all or nothing. The commit checks the rows again and
// stages the ones to write (import_staging, migration 0022) batch by batch, each its own short
// statement with a turn for other requests between them, so a colleague's page does not wait
// for a 300,000-row file even on the embedded engine's single session; then it applies the stage
// in one short transaction of set-based statements with its audit entry. Administrators import into their
// own jurisdiction only; a row outside it is rejected with the row and the reason. Re-importing
// the same file changes nothing (upsert by the source's own id, unchanged rows not touched).
// Derived data follows through the one change path: the writes are noted by trigger
// (migrations 0004, 0008) and applyNow applies them and tells this process at once.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { canImport, prefixOf, residenceAccess, type Principal } from '../auth/policy';
import { Forbidden } from '../errors';
import { actorOf, appendAudit } from '../repositories/audit';
import {
	applyChiefs,
	applyChildren,
	applyEquipment,
	applyPoints,
	applySegments,
	dropStage,
	lookupChiefs,
	lookupChildren,
	lookupEquipment,
	lookupPoints,
	lookupSegments,
	POINT_KINDS,
	STAGE_BATCH,
	stageRows,
	stagedChief,
	stagedChild,
	stagedEquipment,
	stagedPoint,
	stagedSegment,
	type ChildWrite,
	type EquipmentWrite,
	type KindLookup,
	type PointKind,
	type SegmentWrite
} from '../repositories/import-kinds';
import {
	analyze,
	analyzeWritten,
	deadRows,
	IMPORT_WRITES,
	rememberMapping,
	rememberedMapping,
	STAGE_TABLE,
	unitBox,
	vacuum
} from '../repositories/imports';
import {
	attachShadow,
	attachedShadows,
	createShadow,
	detachedShadows,
	dropShadow,
	fillShadow,
	moveShadowSlice,
	shadowOf,
	ShadowNotes
} from '../repositories/import-shadow';
import { isSingleSession } from '../db/engine';
import { applyNow } from './freshness';
import type { RequestMeta } from './auth';
import { openFile, UnreadableFile, type OpenedFile } from '$lib/import/read';
import type { CsvEncoding } from '$lib/import/csv';
import {
	KIND_FIELDS,
	KIND_PLACEMENT,
	mappingFor,
	type ColumnMapping,
	type ImportKind
} from '$lib/import/kinds';
import { checkRows, type ImportRow, type RowProblem } from '$lib/import/validate';
import { jurisdictionPrefix } from '$lib/domain/admin';
import { guessCrs, toWgs84, type CrsChoice } from '$lib/import/coords';
import {
	CANDIDATES,
	decideCrs,
	sampleStride,
	tally,
	type Candidate,
	type CrsDetection,
	type Misfits
} from '$lib/import/crs-detect';
import type { SourceRecord } from '$lib/import/table';
import { CLAIM_TABLES, claimDistances, type ClaimKind } from '../repositories/import-crs';

/** The largest file accepted (a 300,000-row CSV of homes is about 25 MB). */
export const MAX_IMPORT_BYTES = 60 * 1024 * 1024;
/** Problems sent to the page; the counts cover all of them. */
export const MAX_PROBLEMS_SHOWN = 500;
/** Points sent for the preview map. */
export const MAX_PREVIEW_POINTS = 3000;
/** Rows checked against the database per statement: short enough that a page's query waiting
 * behind one on the embedded engine's single session is not kept long. */
const BATCH = 2000;

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
	/** the file's records, read again from its bytes for each pass, not held (table.ts) */
	table: OpenedFile;
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
	/** what reading changed in rows still imported (full-width digits folded), row by row */
	notes: RowProblem[];
	noteCount: number;
	/** where each row goes; a roster's rows as villages with a count for roles without homes */
	preview: { lon: number; lat: number; name: string; action: Action; count?: number }[];
	/** how the coordinate system was told from the points, when the user left it to detection */
	crsDetection: CrsDetection | null;
	committed: boolean;
}

export type Progress = (phase: 'check' | 'write', done: number, total: number) => void;

const yieldToOthers = () => new Promise<void>((r) => setImmediate(r));

/**
 * On the embedded engine, from how many new children a commit writes them beside the table
 * first (repositories/import-shadow.ts), and how many rows each short statement moves. Below
 * it, the one transaction is short anyway. A setting, not a constant: tests lower it.
 */
export const SHADOW = { fromRows: 20_000, sliceRows: 2_000 };

/**
 * The statistics target of the embedded engine's analysis after an import: a sample of 3,000
 * rows (PostgreSQL's default before 8.4) instead of 30,000. The analysis holds the one session:
 * with 300,000 new children attached beside the table, `ANALYZE children` (the table, and the
 * table with what is attached) was the longest wait of a colleague during the bench's import,
 * 7.7 s under load, and 0.4 s at 10; on 300,000 children alone it took 675-890 ms at the default
 * and 75 ms at 10, the row count within 0.01 %.
 */
export const EMBEDDED_STATISTICS_TARGET = 10;

/** Each database's commits (and the moves after one), one at a time: the embedded engine only. */
const turns = new WeakMap<object, Promise<unknown>>();
function inTurn<T>(db: Kysely<DB>, f: () => Promise<T>): Promise<T> {
	if (!isSingleSession(db)) return f();
	const run = (turns.get(db) ?? Promise.resolve()).then(f);
	turns.set(
		db,
		run.catch(() => {})
	);
	return run;
}

/**
 * Finish what a large commit on the embedded engine left to do: move the rows of every attached
 * shadow into `children` (slice by slice, other users' queries between the slices) and drop it,
 * and drop the shadows of commits that died before their transaction. In turn with the
 * commits; after a crash, at the start sweep (import-cleanup.ts).
 */
export function settleImports(db: Kysely<DB>): Promise<void> {
	if (!isSingleSession(db)) return Promise.resolve();
	return inTurn(db, () => settleShadows(db));
}

async function settleShadows(db: Kysely<DB>): Promise<void> {
	let moved = false;
	for (const shadow of await attachedShadows(db)) {
		while ((await moveShadowSlice(db, shadow, SHADOW.sliceRows)) > 0) await yieldToOthers();
		await dropShadow(db, shadow);
		moved = true;
	}
	for (const shadow of await detachedShadows(db)) await dropShadow(db, shadow);
	// The commit's analysis counted the new children beside the table; `children` alone, as it
	// is planned once the shadow is gone, still had its statistics from before they came
	if (moved) await analyze(db, 'children', EMBEDDED_STATISTICS_TARGET);
}

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
	let table: OpenedFile;
	try {
		table = await openFile(file.name, file.bytes, options.encoding);
	} catch (e) {
		if (e instanceof UnreadableFile) throw new ImportRejected('imp.err.unreadable');
		throw e;
	}
	if (table.count === 0) throw new ImportRejected('imp.err.noRows');
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
	const needsPoint = KIND_PLACEMENT[p.kind] === 'point' && !hasGeometry;
	return KIND_FIELDS[p.kind]
		.filter((f) => f.required || (needsPoint && (f.key === 'lon' || f.key === 'lat')))
		.filter((f) => !p.mapping[f.key])
		.map((f) => f.key);
}

/** Where the check sends each batch's rows to write (the commit stages them), with their lookups. */
type Sink = (rows: ImportRow[], found: KindLookup[]) => Promise<void>;

const str = (x: unknown) => (typeof x === 'string' ? x : '');

/**
 * What a kind's rows do against the database: one verdict per row, a row to write as staged
 * (given its verdict), and the set-based apply of a commit's stage.
 */
interface KindStore {
	look(db: Kysely<DB>, who: Principal, prefix: string, rows: ImportRow[]): Promise<KindLookup[]>;
	stage(row: ImportRow, found: KindLookup): object;
	apply(trx: Kysely<DB>, who: Principal, prefix: string, stage: string): Promise<void>;
}

const childWrite = (r: ImportRow): ChildWrite => ({
	sourceId: r.sourceId,
	villageCode: str(r.villageCode),
	birthDate: str(r.birthDate),
	categories: Array.isArray(r.categories) ? (r.categories as string[]) : [],
	lon: r.lon,
	lat: r.lat
});
const segmentWrite = (r: ImportRow): SegmentWrite => ({
	sourceId: r.sourceId,
	name: str(r.name),
	kind: str(r.kind),
	townshipCode: str(r.townshipCode),
	line: r.line ?? []
});
/** A check time as typed is the county's wall clock (China Standard Time). */
const chinaTime = (d: string) => (d.length === 10 ? `${d} 00:00+08` : `${d}+08`);
const equipmentWrite = (r: ImportRow): EquipmentWrite => ({
	sourceId: r.sourceId,
	item: str(r.item),
	status: str(r.status),
	checkedAt: str(r.checkedAt) ? chinaTime(str(r.checkedAt)) : null
});

/** The field each problem key names, for the row's message. */
const PROBLEM_FIELD: Record<string, string> = {
	unitUnknown: 'adminCode',
	villageUnknown: 'villageCode',
	outside: 'lon',
	notInArea: 'lon',
	takenElsewhere: 'sourceId',
	tooShort: 'geometry',
	segmentUnknown: 'sourceId',
	chiefUnknown: 'chief',
	chiefElsewhere: 'chief',
	stale: 'checkedAt'
};

/** A point kind: its rows go to the table-driven lookup and apply as they are. */
const pointStore = (k: PointKind): KindStore => ({
	look: (db, who, prefix, rows) => lookupPoints(db, k, who.jurisdiction, prefix, rows),
	stage: (row) => stagedPoint(k, row),
	apply: (trx, _who, prefix, stage) => applyPoints(trx, k, prefix, stage)
});

/** A kind with its own SQL, fed the rows as its write shape. */
function shapedStore<W>(
	toWrite: (r: ImportRow) => W,
	lookup: (
		db: Kysely<DB>,
		jurisdiction: string,
		prefix: string,
		rows: W[]
	) => Promise<KindLookup[]>,
	staged: (w: W) => object,
	apply: (db: Kysely<DB>, prefix: string, stage: string) => Promise<void>
): KindStore {
	return {
		look: (db, who, prefix, rows) => lookup(db, who.jurisdiction, prefix, rows.map(toWrite)),
		stage: (row) => staged(toWrite(row)),
		apply: (trx, _who, prefix, stage) => apply(trx, prefix, stage)
	};
}

const STORES: Record<ImportKind, KindStore> = {
	children_homes: pointStore(POINT_KINDS.children_homes),
	sunshine_stations: pointStore(POINT_KINDS.sunshine_stations),
	institutions: pointStore(POINT_KINDS.institutions),
	children: shapedStore(childWrite, lookupChildren, stagedChild, applyChildren),
	waterways: shapedStore(segmentWrite, lookupSegments, stagedSegment, applySegments),
	river_chiefs: {
		async look(db, _who, prefix, rows) {
			const found = await lookupChiefs(
				db,
				prefix,
				rows.map((r) => ({ sourceId: r.sourceId, chief: str(r.chief) }))
			);
			// the chief looks after the segment's area: a segment outside theirs is refused
			return found.map((f) =>
				!f.problem &&
				f.townshipCode &&
				f.userJurisdiction &&
				!f.townshipCode.startsWith(jurisdictionPrefix(f.userJurisdiction).slice(0, 9))
					? { ...f, problem: 'chiefElsewhere', problems: ['chiefElsewhere'] }
					: f
			);
		},
		// the chief the check found; the apply checks again that they are still one
		stage: (row, found) => stagedChief({ sourceId: row.sourceId, userId: Number(found.userId) }),
		apply: (trx, _who, prefix, stage) => applyChiefs(trx, prefix, stage)
	},
	equipment: {
		look: (db, _who, prefix, rows) => lookupEquipment(db, prefix, rows.map(equipmentWrite)),
		stage: (row) => stagedEquipment(equipmentWrite(row)),
		apply: (trx, who, prefix, stage) => applyEquipment(trx, prefix, who.userId, stage)
	}
};

/** The preview's label: a name, or the segment and what changes on it (a child has none). */
function previewName(kind: ImportKind, row: ImportRow): string {
	if (kind === 'children') return '';
	if (kind === 'river_chiefs') return `${row.sourceId} · ${str(row.chief)}`;
	if (kind === 'equipment') return row.key;
	return str(row.name);
}

/** A problem the database found for a row, under the field it concerns and with its value. */
function lookupProblem(
	kind: ImportKind,
	mapping: ColumnMapping,
	row: ImportRow,
	f: KindLookup,
	problem: string
): RowProblem {
	const placement = KIND_PLACEMENT[kind];
	let field = PROBLEM_FIELD[problem] ?? 'sourceId';
	if (kind === 'waterways' && problem === 'unitUnknown') field = 'townshipCode';
	if (placement === 'line' && problem === 'outside') field = 'geometry';
	const value =
		problem === 'outside' || problem === 'notInArea'
			? `${(f.lon ?? row.lon).toFixed(6)}, ${(f.lat ?? row.lat).toFixed(6)}`
			: field === 'sourceId'
				? row.sourceId
				: str(row[field]);
	return {
		row: row.row,
		field,
		column: mapping[field] ?? '',
		key: problem as RowProblem['key'],
		params: { value }
	};
}

/** Fields whose failure already explains a database problem on a location. */
const PLACE_FIELDS = new Set(['lon', 'lat', 'geometry']);

/**
 * What the database finds wrong with rows the per-row checks already rejected, leaving out
 * what a failed field already explains (an unknown village for a malformed code, a place for a
 * failed coordinate): the row is reported whole in one dry run.
 */
async function heldProblems(
	db: Kysely<DB>,
	who: Principal,
	prefix: string,
	p: PreparedImport,
	held: { row: ImportRow; failed: string[] }[]
): Promise<RowProblem[]> {
	if (held.length === 0) return [];
	const found = await STORES[p.kind].look(
		db,
		who,
		prefix,
		held.map((h) => h.row)
	);
	return held.flatMap((h, j) => {
		const failed = new Set(h.failed);
		const placeFailed = h.failed.some((x) => PLACE_FIELDS.has(x));
		return found[j].problems
			.map((key) => lookupProblem(p.kind, p.mapping, h.row, found[j], key))
			.filter(
				(x) =>
					!failed.has(x.field) &&
					!(placeFailed && (PLACE_FIELDS.has(x.field) || x.key === 'tooShort'))
			);
	});
}

/**
 * The problems sent: the first MAX_PROBLEMS_SHOWN, in row order, and the rest of the last row's
 * (a row is shown with all its problems or not at all). Cut in place.
 */
function keepShown(problems: RowProblem[]): void {
	let shown = Math.min(problems.length, MAX_PROBLEMS_SHOWN);
	while (shown > 0 && shown < problems.length && problems[shown].row === problems[shown - 1].row)
		shown++;
	problems.length = shown;
}

/** Check every row, batch by batch; the rows to write go to `sink` as each batch is checked. */
async function plan(
	db: Kysely<DB>,
	who: Principal,
	p: PreparedImport,
	progress: Progress,
	sink: Sink | null
): Promise<ImportOutcome> {
	const prefix = prefixOf(who);
	const box = (await unitBox(db, who.jurisdiction)) ?? undefined;
	const seen = new Map<string, number>();
	// the problems and notes sent (the first rows'), and how many there are: a file whose every
	// row is wrong (a wrong column mapped) holds no 300,000 problems while it is checked
	const problems: RowProblem[] = [];
	const notes: RowProblem[] = [];
	let problemCount = 0;
	let noteCount = 0;
	let rejectedRows = 0;
	const preview: ImportOutcome['preview'] = [];
	const count = { inserts: 0, updates: 0, unchanged: 0, swapped: 0 };
	const store = STORES[p.kind];
	// exact homes on the preview only for the roles whose duty they are (policy.ts)
	const exactHomes = residenceAccess(who, who.jurisdiction, new Date()).allowed;
	const villagePoints = new Map<string, ImportOutcome['preview'][number]>();
	let crs = '';
	let done = 0;
	const total = p.table.count;
	const { headers, headerRow } = p.table;
	const crsDetection =
		p.options.crs === 'auto' && isClaimKind(p.kind)
			? await detectCrs(db, prefix, p, p.kind, box)
			: null;
	for await (const records of p.table.batches(BATCH)) {
		const c = checkRows(p.kind, { headers, headerRow, records }, p.mapping, {
			crs: crsDetection?.crs ?? p.options.crs,
			swap: p.options.swap,
			box,
			seen
		});
		crs = c.crs;
		count.swapped += c.swapped;
		const found: RowProblem[] = [
			...c.problems,
			...(await heldProblems(db, who, prefix, p, c.held))
		];
		noteCount += c.notes.length;
		if (notes.length < MAX_PROBLEMS_SHOWN)
			notes.push(...c.notes.slice(0, MAX_PROBLEMS_SHOWN - notes.length));
		const looked = await store.look(db, who, prefix, c.rows);
		const writes: ImportRow[] = [];
		const writesFound: KindLookup[] = [];
		c.rows.forEach((row, j) => {
			const f = looked[j];
			if (f.problems.length) {
				for (const key of f.problems) found.push(lookupProblem(p.kind, p.mapping, row, f, key));
				return;
			}
			const action: Action = !f.exists ? 'insert' : f.same ? 'unchanged' : 'update';
			count[action === 'insert' ? 'inserts' : action === 'update' ? 'updates' : 'unchanged']++;
			if (action !== 'unchanged') {
				writes.push(row);
				writesFound.push(f);
			}
			if (p.kind === 'children' && !exactHomes) {
				// a village point and a count per action: never a child's home
				const at = `${str(row.villageCode)}/${action}`;
				const v = villagePoints.get(at);
				if (v) v.count = (v.count ?? 0) + 1;
				else if (
					f.villageLon !== null &&
					f.villageLon !== undefined &&
					villagePoints.size < MAX_PREVIEW_POINTS
				)
					villagePoints.set(at, {
						lon: f.villageLon,
						lat: Number(f.villageLat),
						name: str(row.villageCode),
						action,
						count: 1
					});
			} else if (preview.length < MAX_PREVIEW_POINTS && f.lon !== null && f.lat !== null)
				preview.push({ lon: f.lon, lat: f.lat, name: previewName(p.kind, row), action });
		});
		if (sink) await sink(writes, writesFound);
		// by row, a row's problems together (the sort is stable: the file's order within a row);
		// a batch's rows all come after the batch before's, so the list stays in row order
		found.sort((a, b) => a.row - b.row);
		problemCount += found.length;
		rejectedRows += new Set(found.map((x) => x.row)).size;
		if (problems.length < MAX_PROBLEMS_SHOWN) problems.push(...found);
		keepShown(problems);
		done += records.length;
		progress('check', done, total);
		await yieldToOthers();
	}
	preview.push(...villagePoints.values());
	return {
		sha256: p.sha256,
		file: p.file,
		format: p.table.format,
		encoding: p.table.encoding,
		crs,
		rows: done,
		...count,
		rejected: rejectedRows,
		problems,
		problemCount,
		notes,
		noteCount,
		preview,
		crsDetection,
		committed: false
	};
}

const isClaimKind = (k: ImportKind): k is ClaimKind => k in CLAIM_TABLES;

/** The field naming the unit each kind's rows lie in. */
const UNIT_FIELD: Record<ClaimKind, string> = {
	children_homes: 'villageCode',
	children: 'villageCode',
	sunshine_stations: 'adminCode',
	institutions: 'adminCode',
	waterways: 'townshipCode'
};

/**
 * The coordinate system of a file left to detection, from a sample of its rows spread through
 * it (crs-detect.ts): one more read of the file, which keeps only every n-th record, and one
 * SQL statement over the sample, whatever the file's size. A segment is held to its claim by
 * its middle vertex.
 */
async function detectCrs(
	db: Kysely<DB>,
	prefix: string,
	p: PreparedImport,
	kind: ClaimKind,
	box: [number, number, number, number] | undefined
): Promise<CrsDetection> {
	const stride = sampleStride(p.table.count);
	const picked: SourceRecord[] = [];
	let i = 0;
	for await (const records of p.table.batches(BATCH)) {
		for (const r of records) if (i++ % stride === 0) picked.push(r);
		await yieldToOthers();
	}
	const { headers, headerRow } = p.table;
	// read as they stand (WGS84 converts nothing); each candidate converts them below
	const sample = checkRows(kind, { headers, headerRow, records: picked }, p.mapping, {
		crs: 'wgs84',
		swap: p.options.swap,
		box
	}).rows;
	const unitField = UNIT_FIELD[kind];
	const points = sample.flatMap((row, idx) => {
		const at = row.line ? row.line[row.line.length >> 1] : [row.lon, row.lat];
		if (!at || !Number.isFinite(at[0]) || !Number.isFinite(at[1])) return [];
		return CANDIDATES.map((candidate) => {
			const [lon, lat] = toWgs84(at[0], at[1], candidate);
			return { idx, candidate, sourceId: row.sourceId, unitCode: str(row[unitField]), lon, lat };
		});
	});
	const found = await claimDistances(db, kind, prefix, points);
	const byRecord = new Map<number, Misfits>();
	const byUnit = new Map<number, Misfits>();
	const blank = (): Misfits => ({ wgs84: null, gcj02: null, bd09: null });
	for (const f of found) {
		const c = f.candidate as Candidate;
		if (!byRecord.has(f.idx)) byRecord.set(f.idx, blank());
		if (!byUnit.has(f.idx)) byUnit.set(f.idx, blank());
		byRecord.get(f.idx)![c] = f.recordM;
		byUnit.get(f.idx)![c] = f.unitM;
	}
	const hint = guessCrs([p.mapping.lon ?? '', p.mapping.lat ?? '']);
	const sampled = new Set(points.map((x) => x.idx)).size;
	return decideCrs(
		hint,
		sampled,
		tally('record', [...byRecord.values()]),
		tally('unit', [...byUnit.values()])
	);
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
	return plan(db, who, p, progress, null);
}

/**
 * Write what the dry run showed, all or nothing. The rows are checked again and staged outside
 * any transaction (nothing reads the stage); then one transaction applies the stage with the
 * audit entry, or nothing at all. Many new children on the embedded engine are first written
 * beside the table, where nobody reads them, and that transaction attaches them
 * (repositories/import-shadow.ts). A commit that dies before it leaves only staged rows and an
 * unattached shadow, removed by age and at start (import-cleanup.ts). `expectSha256` is the
 * dry run's fingerprint: another file is refused.
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
	const stage = randomUUID();
	let shadow: string | null = null;
	try {
		return await inTurn(db, async () => {
			// a shadow still attached by the commit before (its rows not all moved yet) first:
			// the upserts below look for source ids in `children` itself
			await settleShadows(db);
			return await commitInTurn(db, who, p, meta, progress, stage, (s) => (shadow = s));
		});
	} finally {
		// the rows of an attached shadow move into `children` after the answer, in turn
		if (shadow)
			settleImports(db).catch((e) =>
				console.warn(`[tongan] moving imported children: ${(e as Error).message}`)
			);
	}
}

/**
 * After a commit, the tables it wrote get their statistics at once (repositories/imports.ts,
 * analyzeWritten). On the embedded engine, which has no autovacuum, the rows the commit left
 * dead (the old version of each updated row, every staged row) are reclaimed first: they stayed
 * for good before, the tables and their indexes growing with each re-import. A table with no
 * dead row is not vacuumed: a first vacuum of a large table just filled would hold the one
 * session for seconds and reclaim nothing. PostgreSQL's autovacuum does this itself, when the
 * server has it on.
 */
async function tidyWritten(db: Kysely<DB>, kind: ImportKind): Promise<void> {
	if (!isSingleSession(db)) return analyzeWritten(db, kind);
	const written = IMPORT_WRITES[kind] ?? [];
	const dead = await deadRows(db, [...written, STAGE_TABLE]);
	for (const t of [...written, STAGE_TABLE]) if ((dead.get(t) ?? 0) > 0) await vacuum(db, t);
	for (const t of written) await analyze(db, t, EMBEDDED_STATISTICS_TARGET);
}

async function commitInTurn(
	db: Kysely<DB>,
	who: Principal,
	p: PreparedImport,
	meta: RequestMeta,
	progress: Progress,
	stage: string,
	attached: (shadow: string) => void
): Promise<ImportOutcome> {
	const prefix = prefixOf(who);
	const store = STORES[p.kind];
	const ms = { check: 0, beside: 0, apply: 0, derived: 0 };
	let t0 = performance.now();
	let shadow: string | null = null;
	let committed = false;
	try {
		let staged = 0;
		const outcome = await plan(db, who, p, progress, async (rows, found) => {
			for (let i = 0; i < rows.length; i += STAGE_BATCH) {
				const part = rows.slice(i, i + STAGE_BATCH);
				await stageRows(
					db,
					stage,
					staged,
					part.map((r, j) => store.stage(r, found[i + j]))
				);
				staged += part.length;
				if (i + STAGE_BATCH < rows.length) await yieldToOthers();
			}
		});
		ms.check = performance.now() - t0;
		t0 = performance.now();
		// many new children on the embedded engine: written beside the table first, in short
		// statements, so the transaction below only attaches them
		const notes = new ShadowNotes();
		if (p.kind === 'children' && isSingleSession(db) && outcome.inserts >= SHADOW.fromRows) {
			shadow = shadowOf(stage);
			await createShadow(db, shadow);
			for (let i = 0; i < staged; i += SHADOW.sliceRows) {
				notes.add(await fillShadow(db, shadow, stage, i, i + SHADOW.sliceRows));
				progress('write', Math.min(i + SHADOW.sliceRows, staged), staged);
				await yieldToOthers();
			}
		}
		ms.beside = performance.now() - t0;
		t0 = performance.now();
		const done = await db.transaction().execute(async (trx) => {
			if (!shadow) progress('write', 0, staged);
			await store.apply(trx, who, prefix, stage);
			if (shadow) {
				await attachShadow(trx, shadow);
				await notes.write(trx);
			}
			progress('write', staged, staged);
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
		committed = true;
		if (shadow) attached(shadow);
		ms.apply = performance.now() - t0;
		t0 = performance.now();
		await dropStage(db, stage);
		// before the derived data, whose counts are planned on these tables' statistics
		await tidyWritten(db, p.kind);
		await applyNow(db);
		ms.derived = performance.now() - t0;
		console.log(
			`[tongan] import of ${outcome.rows} ${p.kind}: check and stage ${Math.round(ms.check)} ms, ` +
				(shadow ? `written beside the table ${Math.round(ms.beside)} ms, ` : '') +
				`apply ${Math.round(ms.apply)} ms, derived data ${Math.round(ms.derived)} ms`
		);
		return done;
	} catch (e) {
		// the stage of a failed commit goes now; one that cannot be removed goes by age. A shadow
		// never attached goes too (attached, its rows are committed and stay).
		await dropStage(db, stage).catch(() => {});
		if (shadow && !committed) await dropShadow(db, shadow).catch(() => {});
		throw e;
	}
}
