// The import endpoint, one POST per step: `read` (columns and the remembered or guessed
// mapping), `dryRun` (what would change; writes nothing) and `commit` (writes it, all or
// nothing). The file is either in the form or, as the page sends it, named by its upload over
// tus (`upload`, services/import-uploads.ts), removed once committed. A bad file or request is a 400 in the user's language before anything runs; the
// dry run and the commit then stream their progress as NDJSON lines, the last one the outcome.
import { error, json } from '@sveltejs/kit';
import * as v from 'valibot';
import type { RequestHandler } from './$types';
import { database } from '$lib/server/db';
import { requestMeta, signedIn } from '$lib/server/http/guard';
import { orHttpError } from '$lib/server/http/errors';
import {
	commitImport,
	dryRunImport,
	ImportRejected,
	MAX_IMPORT_BYTES,
	missingFields,
	prepareImport,
	type ImportOutcome
} from '$lib/server/services/imports';
import { dropUpload, importUploadDir, uploadedFile } from '$lib/server/services/import-uploads';
import { env } from '$lib/server/env';
import { IMPORT_KINDS, KIND_FIELDS } from '$lib/import/kinds';
import { IMPORT_UPLOAD_ID } from '$lib/import/upload';
import { CSV_ENCODINGS } from '$lib/import/csv';
import { CRS_CHOICES } from '$lib/import/coords';
import { inputWithoutControls } from '$lib/controls';
import { problemText, rejectedRow } from '$lib/import/messages';
import { detectionText } from '$lib/import/crs-detect';
import { isMessageKey, translator, type Locale } from '$lib/i18n';

const Form = v.object({
	step: v.picklist(['read', 'dryRun', 'commit']),
	kind: v.picklist(IMPORT_KINDS),
	encoding: v.optional(v.picklist(CSV_ENCODINGS), 'auto'),
	crs: v.optional(v.picklist(CRS_CHOICES), 'auto'),
	swap: v.optional(v.picklist(['0', '1']), '0'),
	mapping: v.optional(
		v.pipe(
			v.string(),
			v.maxLength(4000),
			v.parseJson(),
			v.record(v.pipe(v.string(), v.maxLength(30)), v.pipe(v.string(), v.maxLength(300))),
			// a column named with a control character (a NUL cannot be stored as the kept mapping)
			v.transform((m) => inputWithoutControls(m) as Record<string, string>)
		)
	),
	sha256: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))),
	upload: v.optional(v.pipe(v.string(), v.regex(IMPORT_UPLOAD_ID)))
});

function refuse(locale: Locale, key: string, params?: Record<string, string | number>): never {
	const t = translator(locale);
	error(400, { message: isMessageKey(key) ? t(key, params) : key });
}

export const POST: RequestHandler = async (event) => {
	const { user } = signedIn(event.locals);
	const locale = event.locals.locale;
	const t = translator(locale);
	const length = Number(event.request.headers.get('content-length') ?? 0);
	if (length > MAX_IMPORT_BYTES + 1024 * 1024)
		refuse(locale, 'imp.err.tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 });
	let form: FormData;
	try {
		form = await event.request.formData();
	} catch {
		refuse(locale, 'imp.err.bad', { detail: 'multipart/form-data' });
	}
	const fields: Record<string, unknown> = {};
	for (const k of ['step', 'kind', 'encoding', 'crs', 'swap', 'mapping', 'sha256', 'upload']) {
		const x = form.get(k);
		if (typeof x === 'string' && x !== '') fields[k] = x;
	}
	const parsed = v.safeParse(Form, fields);
	if (!parsed.success)
		refuse(locale, 'imp.err.bad', {
			detail: parsed.issues.map((i) => v.getDotPath(i) ?? i.message).join(', ')
		});
	const input = parsed.output;
	const sent = form.get('file');
	const dir = importUploadDir(env().uploadDir);
	const { db } = await database();
	const prepared = await orHttpError(locale, async () => {
		try {
			const file =
				sent instanceof File && sent.size > 0
					? { name: sent.name, bytes: new Uint8Array(await sent.arrayBuffer()) }
					: input.upload
						? await uploadedFile(user.principal, input.upload, dir)
						: null;
			return await prepareImport(db, user.principal, file, {
				kind: input.kind,
				encoding: input.encoding,
				crs: input.crs,
				swap: input.swap === '1',
				mapping: input.mapping ?? null
			});
		} catch (e) {
			if (e instanceof ImportRejected) refuse(locale, e.key, e.params);
			throw e;
		}
	});

	if (input.step === 'read') {
		const t0 = prepared.table;
		return json({
			sha256: prepared.sha256,
			format: t0.format,
			encoding: t0.encoding,
			headers: t0.headers,
			rows: t0.count,
			sample: t0.sample.map((r) => ({ row: r.row, cells: r.cells })),
			mapping: prepared.mapping,
			remembered: prepared.remembered,
			fields: KIND_FIELDS[input.kind].map((f) => ({ key: f.key, required: f.required }))
		});
	}

	// Checked before the stream starts, so a missing column is a plain 400 too
	const missing = missingFields(prepared);
	if (missing.length)
		refuse(locale, 'imp.err.mapping', {
			fields: missing.map((k) => t(`imp.f.${k}` as Parameters<typeof t>[0])).join('、')
		});
	if (input.step === 'commit' && input.sha256 !== prepared.sha256)
		refuse(locale, 'imp.err.changed');

	const meta = requestMeta(event);
	const enc = new TextEncoder();
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			const send = (o: unknown) => controller.enqueue(enc.encode(JSON.stringify(o) + '\n'));
			let last = 0;
			const progress = (phase: string, done: number, total: number) => {
				const now = Date.now();
				if (now - last < 200 && done < total) return;
				last = now;
				send({ progress: { phase, done, total } });
			};
			try {
				const outcome: ImportOutcome =
					input.step === 'commit'
						? await commitImport(db, user.principal, prepared, input.sha256 ?? '', meta, progress)
						: await dryRunImport(db, user.principal, prepared, progress);
				if (outcome.committed && input.upload) await dropUpload(input.upload, dir);
				send({
					outcome: {
						...outcome,
						messages: outcome.problems.map((p) => problemText(t, p)),
						// the same problems as a table (row, field, column, reason), which the page keeps
						// after the commit and offers as a CSV
						rejects: outcome.problems.map((p) => rejectedRow(t, p)),
						// what reading changed in rows still imported (全角数字已转换为半角), row by row
						noteLines: outcome.notes.map((p) => problemText(t, p)),
						// which coordinate system the points were found in, and on what evidence
						crsLine: outcome.crsDetection ? detectionText(t, outcome.crsDetection) : null
					}
				});
			} catch (e) {
				send({
					error:
						e instanceof ImportRejected && isMessageKey(e.key) ? t(e.key, e.params) : t('error.500')
				});
				if (!(e instanceof ImportRejected)) console.error('[tongan] import failed', e);
			}
			controller.close();
		}
	});
	return new Response(stream, {
		headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' }
	});
};
