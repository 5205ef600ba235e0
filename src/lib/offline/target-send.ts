// Sending one target check from the outbox: the record first (POST /api/target-checks, stored once
// per client UUID), then each photo over tus, resumable. Every photo's upload is named by the
// phone's own id for it (/api/uploads/<photo id>). A photo is created (POST) the first time; once
// the server holds an upload for it, later attempts (after a dropped connection, a closed tab or
// a restart) ask the server how much it holds (HEAD) and send only the rest; a photo the server
// already holds whole is not sent again. The first attempt does not ask first: the answer would
// always be "nothing" (a 404 in the browser's console for every photo). The same code runs in the
// browser and in the integration test (tus-js-client picks its browser or Node build).
import { Upload } from 'tus-js-client';
import { UPLOAD_PATH, type TargetCheckPayloadInput } from '$lib/domain/field';

export interface QueuedPhoto {
	/** the phone's id for the photo: the upload's name on the server */
	photo: string;
	item: string | null;
	/** the stamped JPEG (a Blob in the browser; a Buffer in Node) */
	data: Blob | Uint8Array;
	/** it arrived whole: not sent again */
	done?: boolean;
	/** the server holds an upload for it (an earlier attempt created it): resumed, not created */
	created?: boolean;
}

export interface SendContext {
	/** the app's origin ('' in the browser: the page's own) */
	origin: string;
	headers?: Record<string, string>;
	/** waits between tus retries within one attempt (the outbox tries again later anyway) */
	retryDelays?: number[];
	/** bytes per PATCH: a dropped connection loses at most this much */
	chunkSize?: number;
	fetch?: typeof fetch;
}

export type TargetSendResult =
	{ ok: true } | { ok: false; retry: boolean; message: string; recordStored: boolean };

export const NETWORK = 'network';
/** The reason when the session ended (signed out, expired): kept, and sent once signed in again. */
export const SIGNED_OUT = 'signed-out';

/** The status and body of the answer that ended a tus upload (none: no answer). */
function answerOf(e: unknown): { status?: number; body?: string } {
	const res = (e as { originalResponse?: { getStatus(): number; getBody(): string } | null })
		.originalResponse;
	return res ? { status: res.getStatus(), body: res.getBody() } : {};
}

/** The server's answer to creating an upload it already holds (services/field.ts). */
const isAlreadyCreated = (e: unknown) => {
	const a = answerOf(e);
	return a.status === 409 && a.body?.trim() === 'exists';
};

function uploadPhoto(
	ctx: SendContext,
	checkUuid: string,
	p: QueuedPhoto,
	meta: TargetCheckPayloadInput['photos'][number] | undefined,
	created: () => void,
	resume: boolean
): Promise<void> {
	const base = `${ctx.origin}${UPLOAD_PATH}`;
	const metadata: Record<string, string> = { photo: p.photo, check: checkUuid };
	if (p.item) metadata.item = p.item;
	if (meta?.takenAt) metadata.takenAt = meta.takenAt;
	if (meta?.lon != null && meta.lat != null) {
		metadata.lon = String(meta.lon);
		metadata.lat = String(meta.lat);
	}
	if (meta?.stamp) metadata.stamp = meta.stamp;
	return new Promise((resolve, reject) => {
		const up = new Upload(p.data as Blob, {
			// the path itself: with a trailing slash the server answers 308 to it first
			endpoint: base,
			// an upload created before is resumed from its known URL (HEAD, then PATCH from the
			// offset the server holds); otherwise it is created (POST), named by metadata.photo
			uploadUrl: resume ? `${base}/${p.photo}` : undefined,
			metadata,
			headers: ctx.headers,
			chunkSize: ctx.chunkSize ?? 256 * 1024,
			retryDelays: ctx.retryDelays ?? [0, 1000, 3000, 5000],
			// "already created" is answered below by resuming, not by creating it again
			onShouldRetry: (e) => {
				if (isAlreadyCreated(e)) return false;
				const status = answerOf(e).status ?? 0;
				const online = typeof navigator === 'undefined' || navigator.onLine !== false;
				// otherwise tus's own rule: no answer, the server busy, or the upload locked
				return (status < 400 || status >= 500 || status === 409 || status === 423) && online;
			},
			// the outbox keeps what matters for resuming (the photo's id and `created`); tus's own
			// notes in localStorage would only duplicate it
			storeFingerprintForResuming: false,
			removeFingerprintOnSuccess: true,
			onUploadUrlAvailable: created,
			onSuccess: () => resolve(),
			onError: (e) => reject(e)
		});
		up.start();
	});
}

/**
 * One attempt to deliver a queued target check and its photos. `markDone` is told of each photo
 * that arrived whole, `markCreated` of each the server first holds an upload of (the outbox keeps
 * both). Delivered means the record and every photo.
 */
export async function sendTargetCheck(
	ctx: SendContext,
	check: TargetCheckPayloadInput,
	photos: QueuedPhoto[],
	markDone: (photo: string) => Promise<void> | void,
	/** told when the server first holds an upload of a photo (the outbox keeps that too) */
	markCreated?: (photo: string) => Promise<void> | void
): Promise<TargetSendResult> {
	const f = ctx.fetch ?? fetch;
	let res: Response;
	try {
		res = await f(`${ctx.origin}/api/target-checks`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', ...ctx.headers },
			body: JSON.stringify(check)
		});
	} catch {
		return { ok: false, retry: true, message: NETWORK, recordStored: false };
	}
	if (!res.ok) {
		const body = (await res.json().catch(() => ({}))) as { message?: string };
		return {
			ok: false,
			retry: res.status >= 500 || res.status === 401,
			message: res.status === 401 ? SIGNED_OUT : (body.message ?? String(res.status)),
			recordStored: false
		};
	}
	await res.arrayBuffer().catch(() => undefined);
	for (const p of photos) {
		if (p.done) continue;
		const meta = check.photos.find((x) => x.photo === p.photo);
		const created = () => {
			if (p.created) return;
			p.created = true;
			void markCreated?.(p.photo);
		};
		try {
			try {
				await uploadPhoto(ctx, check.clientUuid, p, meta, created, !!p.created);
			} catch (e) {
				// created by an attempt whose answer never arrived (or whose note of it was lost):
				// resume it
				if (p.created || !isAlreadyCreated(e)) throw e;
				created();
				await uploadPhoto(ctx, check.clientUuid, p, meta, created, true);
			}
		} catch (e) {
			const status = answerOf(e).status;
			// no answer, or the server busy: the rest waits for the next attempt
			return {
				ok: false,
				retry: !status || status >= 500 || status === 401 || status === 409 || status === 423,
				message: status === 401 ? SIGNED_OUT : status ? String(status) : NETWORK,
				recordStored: true
			};
		}
		p.done = true;
		await markDone(p.photo);
	}
	return { ok: true };
}
