// The field outbox: equipment checks, target checks (with their stamped photos), targets found
// in the field and hazards' steps (register, fix with its after photo, close, send back) are written to IndexedDB first and sent from there, so each survives a dropped
// connection, a closed tab or a phone restart, and is stored exactly once (the server ignores a
// client UUID it has already stored; a photo resumes where it stopped). Only what the worker
// recorded lives here — never anything about children.

import type { CheckPayloadInput } from '$lib/domain/check';
import type { FieldTargetPayloadInput, TargetCheckPayloadInput } from '$lib/domain/field';
import type { HazardAction } from '$lib/domain/hazard';
import type { RescuePayloadInput } from '$lib/domain/rescue';
import { refusedOf, sendable, settle, type RefusedView } from './outbox-state';
import { SIGNED_OUT, sendTargetCheck, type QueuedPhoto } from './target-send';

export { SIGNED_OUT };

const DB_NAME = 'tongan-outbox';
const STORE = 'checks';

export interface QueuedCheck {
	/** an equipment check of a segment (items stored before kinds existed have none) */
	kind?: 'equipment';
	clientUuid: string;
	waterwayId: number;
	/** what the check form built; POST /api/checks parses it with the same schema */
	check: CheckPayloadInput;
	photos: { item: string | null; blob: Blob }[];
	queuedAt: string;
	/** how the user knows the segment (its name and number), for messages about this check */
	label?: string;
	/** who recorded it: it is sent only while they are signed in, so it is stored as theirs */
	owner?: string;
	lastError?: string;
	/** the server refused it as invalid: sending it again cannot help, the user decides */
	refused?: boolean;
}

interface QueuedCommon {
	clientUuid: string;
	queuedAt: string;
	/** how the user knows it (the target's or the find's name), for the banner */
	label: string;
	owner?: string;
	lastError?: string;
	refused?: boolean;
}

/** A check of a campaign target: the record, then its photos (marked done as each arrives). */
export interface QueuedTargetCheck extends QueuedCommon {
	kind: 'target_check';
	targetCheck: TargetCheckPayloadInput;
	targetPhotos: QueuedPhoto[];
}

/** A target found in the field. */
export interface QueuedFieldTarget extends QueuedCommon {
	kind: 'field_target';
	fieldTarget: FieldTargetPayloadInput;
}

/**
 * A hazard's step taken out of signal: the page form's fields as they were (the server reads them
 * as it reads the form) and, for a fix, the stamped after photo, sent together (the step needs it).
 */
export interface QueuedHazardStep extends QueuedCommon {
	kind: 'hazard_step';
	hazardId: number;
	action: HazardAction;
	fields: Record<string, string>;
	photo: Blob | null;
}

/** Items on a segment used in a rescue (emergency staff, during an emergency). */
export interface QueuedRescue extends QueuedCommon {
	kind: 'rescue';
	rescue: RescuePayloadInput;
}

export type QueuedItem =
	QueuedCheck | QueuedTargetCheck | QueuedFieldTarget | QueuedHazardStep | QueuedRescue;

function open(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.open(DB_NAME, 1);
		req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'clientUuid' });
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

async function tx<T>(
	mode: IDBTransactionMode,
	fn: (s: IDBObjectStore) => IDBRequest<T>
): Promise<T> {
	const db = await open();
	try {
		return await new Promise<T>((resolve, reject) => {
			const t = db.transaction(STORE, mode);
			const r = fn(t.objectStore(STORE));
			t.oncomplete = () => resolve(r.result);
			t.onerror = () => reject(t.error);
			t.onabort = () => reject(t.error);
		});
	} finally {
		db.close();
	}
}

export const putCheck = (c: QueuedItem) => tx('readwrite', (s) => s.put(c));
export const deleteCheck = (id: string) => tx('readwrite', (s) => s.delete(id));
export const allChecks = () =>
	tx<QueuedItem[]>('readonly', (s) => s.getAll() as IDBRequest<QueuedItem[]>);

/** The reason of a send that did not reach the server (the banner says it in words). */
export const NETWORK = 'network';

export type SendResult = { ok: true } | { ok: false; retry: boolean; message: string };

/** One attempt to deliver a queued item of any kind. */
export async function send(c: QueuedItem): Promise<SendResult> {
	if (c.kind === 'target_check') {
		const r = await sendTargetCheck(
			{ origin: window.location.origin },
			c.targetCheck,
			c.targetPhotos,
			// each photo that arrived whole is noted at once: a later attempt skips it
			async () => void (await putCheck(c)),
			// and each the server holds an upload of: a later attempt resumes it
			async () => void (await putCheck(c))
		);
		return r.ok ? r : { ok: false, retry: r.retry, message: r.message };
	}
	if (c.kind === 'field_target') return postJson('/api/field-targets', c.fieldTarget);
	if (c.kind === 'hazard_step') return post('/api/hazard-steps', { body: hazardStepForm(c) });
	if (c.kind === 'rescue') return postJson('/api/rescues', c.rescue);
	return sendEquipmentCheck(c);
}

/** The multipart body of a queued hazard step: the form's own fields, the step's id and photo. */
export function hazardStepForm(c: QueuedHazardStep): FormData {
	const form = new FormData();
	for (const [k, v] of Object.entries(c.fields)) form.set(k, v);
	form.set('hazardId', String(c.hazardId));
	form.set('action', c.action);
	form.set('clientUuid', c.clientUuid);
	if (c.photo) form.set('photo', c.photo, 'after.jpg');
	return form;
}

const postJson = (url: string, body: unknown) =>
	post(url, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function post(url: string, init: RequestInit): Promise<SendResult> {
	let res: Response;
	try {
		res = await fetch(url, { method: 'POST', ...init });
	} catch {
		return { ok: false, retry: true, message: NETWORK };
	}
	if (res.ok) return { ok: true };
	const b = (await res.json().catch(() => ({}))) as { message?: string };
	return {
		ok: false,
		retry: res.status >= 500 || res.status === 401,
		message: res.status === 401 ? SIGNED_OUT : (b.message ?? String(res.status))
	};
}

/** One attempt to deliver an equipment check. 2xx (created or already stored) means delivered. */
async function sendEquipmentCheck(c: QueuedCheck): Promise<SendResult> {
	const form = new FormData();
	form.set('check', JSON.stringify(c.check));
	c.photos.forEach((p, i) =>
		form.append(p.item ? `photo:${p.item}` : `photo${i}`, p.blob, `photo-${i}.jpg`)
	);
	let res: Response;
	try {
		res = await fetch('/api/checks', { method: 'POST', body: form });
	} catch {
		// the browser's own words ("Failed to fetch") are not the user's language
		return { ok: false, retry: true, message: NETWORK };
	}
	if (res.ok) return { ok: true };
	const body = (await res.json().catch(() => ({}))) as { message?: string };
	// a session that expired offline, or a server hiccup: keep it and try again later; a check
	// the server refuses as invalid stays too, with the reason shown, for the user to see
	return {
		ok: false,
		retry: res.status >= 500 || res.status === 401,
		message: res.status === 401 ? SIGNED_OUT : (body.message ?? String(res.status))
	};
}

/**
 * Waits before the next automatic attempt after one that did not get through, by how many in a
 * row did not. Short at first: the `online` event comes as soon as the phone has a network,
 * often a moment before requests get through, and the worker should not wait half a minute for
 * that moment. Connectivity coming back starts again from the first.
 */
export const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/** Reactive view of the outbox for the banner: pending count, sending, why it is still waiting. */
class Outbox {
	pending = $state(0);
	sending = $state(false);
	online = $state(true);
	/**
	 * Why the last attempt did not get through (NETWORK, or the server's words) while another is
	 * already due by itself: not a failure to report, only what it is waiting for.
	 */
	lastError: string | null = $state(null);
	/** items the server refused, each with its reason, until the user deletes them */
	refused: RefusedView[] = $state([]);
	/** what is still on this phone, each by name, with the photos of it not yet sent */
	waiting: {
		clientUuid: string;
		kind: string;
		label?: string;
		photosLeft: number;
		/** a hazard's step: the hazard (its page says a step of it waits on the phone) */
		hazardId?: number;
	}[] = $state([]);
	/** checks sent since the page loaded: pages showing what they changed reload on it */
	sent = $state(0);
	private started = false;
	/** the signed-in user: only their checks are counted and sent */
	private user: string | null = null;
	/** attempts in a row that did not get through (picks the wait before the next) */
	private misses = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	/** asked to send while an attempt was under way: another follows it at once */
	private again = false;

	/** Who is signed in on this page (null: nobody). Another person's checks wait for them. */
	setUser(username: string | null): void {
		if (username === this.user) return;
		this.user = username;
		// their checks that waited for them go now (before start(): start sends them)
		void this.refresh().then(() =>
			this.started && this.pending > 0 && navigator.onLine ? this.flush() : undefined
		);
	}

	private async mine(): Promise<QueuedItem[]> {
		const all = await allChecks();
		return this.user === null ? [] : all.filter((c) => (c.owner ?? this.user) === this.user);
	}

	async refresh(): Promise<void> {
		const all = await this.mine();
		// a refused item is not waiting: it will not be sent again, the user decides
		const toSend = sendable(all);
		this.pending = toSend.length;
		this.refused = refusedOf(all);
		this.waiting = toSend.map((c) => ({
			clientUuid: c.clientUuid,
			kind: c.kind ?? 'equipment',
			label: c.label,
			photosLeft: c.kind === 'target_check' ? c.targetPhotos.filter((p) => !p.done).length : 0,
			hazardId: c.kind === 'hazard_step' ? c.hazardId : undefined
		}));
	}

	/** The user gives up a refused check (after being asked): it is deleted from this phone. */
	async discard(clientUuid: string): Promise<void> {
		await deleteCheck(clientUuid);
		await this.refresh();
	}

	async enqueue(c: QueuedItem): Promise<void> {
		await putCheck(c);
		await this.refresh();
		await this.flush();
	}

	/**
	 * A form's record: kept, and sent at once if the signal allows. What became of it: refused
	 * at once as invalid (not kept: the form says why, with what was entered still in it), still
	 * waiting on the phone (with what of it), or sent.
	 */
	async record(
		c: QueuedItem
	): Promise<
		{ refused: string } | { refused: null; waiting: Outbox['waiting'][number] | undefined }
	> {
		await this.enqueue(c);
		const refused = this.refused.find((r) => r.clientUuid === c.clientUuid);
		if (refused) {
			await this.discard(c.clientUuid);
			return { refused: refused.reason };
		}
		return { refused: null, waiting: this.waiting.find((w) => w.clientUuid === c.clientUuid) };
	}

	async flush(): Promise<void> {
		// the phone knows it has no network: an attempt could only fail (each send an error in
		// the console); the `online` event sends everything when the network returns
		if (typeof navigator !== 'undefined' && navigator.onLine === false) return this.refresh();
		if (this.sending) {
			this.again = true;
			return;
		}
		this.sending = true;
		this.again = false;
		this.cancelRetry();
		let retry = false;
		try {
			// refused items are final: sending them again would only be refused again
			for (const c of sendable(await this.mine())) {
				const s = settle(c, await send(c));
				if (s.action === 'delete') {
					await deleteCheck(c.clientUuid);
					this.lastError = null;
					this.misses = 0;
					this.sent++;
				} else if (s.action === 'stop') {
					// offline or a server hiccup: the rest would fail the same way, try later
					this.lastError = s.item.lastError ?? null;
					retry = true;
					await putCheck(s.item);
					break;
				} else {
					// the server answered: the connection is fine, whatever the last miss said
					this.lastError = null;
					this.misses = 0;
					await putCheck(s.item);
				}
			}
		} finally {
			this.sending = false;
			await this.refresh();
		}
		if (this.again) {
			// connectivity came back (or the user tapped) during an attempt made without it
			this.misses = 0;
			return this.flush();
		}
		if (retry) this.scheduleRetry();
	}

	private cancelRetry(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
	}

	private scheduleRetry(): void {
		this.cancelRetry();
		const wait = RETRY_DELAYS_MS[Math.min(this.misses, RETRY_DELAYS_MS.length - 1)];
		this.misses++;
		this.timer = setTimeout(() => {
			this.timer = null;
			// offline, the `online` event sends it
			if (navigator.onLine && this.pending > 0) void this.flush();
		}, wait);
	}

	/** Start listening for connectivity and retrying; idempotent. */
	start(): void {
		if (this.started || typeof window === 'undefined') return;
		this.started = true;
		this.online = navigator.onLine;
		window.addEventListener('online', () => {
			this.online = true;
			// the signal is back: send at once, whatever the wait reached while it was gone
			this.misses = 0;
			void this.flush();
		});
		window.addEventListener('offline', () => (this.online = false));
		void this.refresh().then(() =>
			this.pending > 0 && navigator.onLine ? this.flush() : undefined
		);
	}
}

export const outbox = new Outbox();
