// The field outbox: equipment checks are written to IndexedDB first and sent from there, so a
// check survives a dropped connection, a closed tab or a phone restart, and is sent exactly
// once (the server ignores a client UUID it has already stored). Only checks live here —
// never anything about children.

import type { CheckPayloadInput } from '$lib/domain/check';

const DB_NAME = 'tongan-outbox';
const STORE = 'checks';

export interface QueuedCheck {
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

export const putCheck = (c: QueuedCheck) => tx('readwrite', (s) => s.put(c));
export const deleteCheck = (id: string) => tx('readwrite', (s) => s.delete(id));
export const allChecks = () =>
	tx<QueuedCheck[]>('readonly', (s) => s.getAll() as IDBRequest<QueuedCheck[]>);

/** The reason of a send that did not reach the server (the banner says it in words). */
export const NETWORK = 'network';

export type SendResult = { ok: true } | { ok: false; retry: boolean; message: string };

/** One attempt to deliver a check. 2xx (created or already stored) means delivered. */
export async function send(c: QueuedCheck): Promise<SendResult> {
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
		message: body.message ?? String(res.status)
	};
}

/** Reactive view of the outbox for the banner: pending count, sending, last error. */
class Outbox {
	pending = $state(0);
	sending = $state(false);
	online = $state(true);
	lastError: string | null = $state(null);
	/** checks the server refused, each with its reason, until the user deletes them */
	refused: { clientUuid: string; waterwayId: number; label?: string; reason: string }[] = $state(
		[]
	);
	/** checks sent since the page loaded: pages showing what they changed reload on it */
	sent = $state(0);
	private started = false;
	/** the signed-in user: only their checks are counted and sent */
	private user: string | null = null;

	/** Who is signed in on this page (null: nobody). Another person's checks wait for them. */
	setUser(username: string | null): void {
		if (username === this.user) return;
		this.user = username;
		void this.refresh();
	}

	private async mine(): Promise<QueuedCheck[]> {
		const all = await allChecks();
		return this.user === null ? [] : all.filter((c) => (c.owner ?? this.user) === this.user);
	}

	async refresh(): Promise<void> {
		const all = await this.mine();
		this.pending = all.length;
		this.refused = all
			.filter((c) => c.refused)
			.map((c) => ({
				clientUuid: c.clientUuid,
				waterwayId: c.waterwayId,
				label: c.label,
				reason: c.lastError ?? ''
			}));
	}

	/** The user gives up a refused check (after being asked): it is deleted from this phone. */
	async discard(clientUuid: string): Promise<void> {
		await deleteCheck(clientUuid);
		await this.refresh();
	}

	async enqueue(c: QueuedCheck): Promise<void> {
		await putCheck(c);
		await this.refresh();
		await this.flush();
	}

	async flush(): Promise<void> {
		if (this.sending) return;
		this.sending = true;
		try {
			for (const c of await this.mine()) {
				const r = await send(c);
				if (r.ok) {
					await deleteCheck(c.clientUuid);
					this.lastError = null;
					this.sent++;
				} else if (r.retry) {
					// offline or a server hiccup: the rest would fail the same way, try later
					this.lastError = r.message;
					await putCheck({ ...c, lastError: r.message });
					break;
				} else {
					await putCheck({ ...c, lastError: r.message, refused: true });
				}
			}
		} finally {
			this.sending = false;
			await this.refresh();
		}
	}

	/** Start listening for connectivity and retrying; idempotent. */
	start(): void {
		if (this.started || typeof window === 'undefined') return;
		this.started = true;
		this.online = navigator.onLine;
		window.addEventListener('online', () => {
			this.online = true;
			void this.flush();
		});
		window.addEventListener('offline', () => (this.online = false));
		setInterval(() => {
			if (navigator.onLine && this.pending > 0) void this.flush();
		}, 30_000);
		void this.refresh().then(() =>
			this.pending > 0 && navigator.onLine ? this.flush() : undefined
		);
	}
}

export const outbox = new Outbox();
