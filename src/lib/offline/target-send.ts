// Sending one target check from the outbox: the record first (POST /api/target-checks, stored once
// per client UUID), then each photo over tus, resumable. Every photo's upload URL is made from the
// phone's own id for it (/api/uploads/<photo id>), so an attempt after a dropped connection, a
// closed tab or a restart asks the server how much it holds and sends only the rest; a photo the
// server already holds whole is not sent again. The same code runs in the browser and in the
// integration test (tus-js-client picks its browser or Node build).
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

function uploadPhoto(
	ctx: SendContext,
	checkUuid: string,
	p: QueuedPhoto,
	meta: TargetCheckPayloadInput['photos'][number] | undefined
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
			endpoint: `${base}/`,
			// known before the first byte: the server is asked what it holds (HEAD) and the
			// upload is created only when it holds nothing
			uploadUrl: `${base}/${p.photo}`,
			metadata,
			headers: ctx.headers,
			chunkSize: ctx.chunkSize ?? 256 * 1024,
			retryDelays: ctx.retryDelays ?? [0, 1000, 3000, 5000],
			storeFingerprintForResuming: false,
			removeFingerprintOnSuccess: true,
			onSuccess: () => resolve(),
			onError: (e) => reject(e)
		});
		up.start();
	});
}

/**
 * One attempt to deliver a queued target check and its photos. `markDone` is told of each photo
 * that arrived whole (the outbox keeps that). Delivered means the record and every photo.
 */
export async function sendTargetCheck(
	ctx: SendContext,
	check: TargetCheckPayloadInput,
	photos: QueuedPhoto[],
	markDone: (photo: string) => Promise<void> | void
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
			message: body.message ?? String(res.status),
			recordStored: false
		};
	}
	await res.arrayBuffer().catch(() => undefined);
	for (const p of photos) {
		if (p.done) continue;
		try {
			await uploadPhoto(
				ctx,
				check.clientUuid,
				p,
				check.photos.find((x) => x.photo === p.photo)
			);
		} catch (e) {
			const status = (
				e as { originalResponse?: { getStatus(): number } | null }
			).originalResponse?.getStatus?.();
			// no answer, or the server busy: the rest waits for the next attempt
			return {
				ok: false,
				retry: !status || status >= 500 || status === 401 || status === 409 || status === 423,
				message: status ? String(status) : NETWORK,
				recordStored: true
			};
		}
		p.done = true;
		await markDone(p.photo);
	}
	return { ok: true };
}
