// A field find kept on the phone and refused by the server once sent (its position is outside
// the worker's township): the refusal is final. The banner shows it as refused, with the server's
// reason and a way to delete it, calls it a field find, never counts it as waiting, says nothing
// of an unsteady network, and the phone does not send it again.
import { test, expect } from '@playwright/test';
import { DEMO, PHONE, signIn } from './helpers';

test.use(PHONE);

test('a refused field find is shown as refused, not waiting, and is not sent again', async ({
	page
}) => {
	test.setTimeout(90_000);
	await signIn(page, DEMO.township);
	await page.goto('/campaigns/mine');
	// every post of it counted from the moment it is on the phone: the outbox of the page already
	// open may send it before the reload below (the clean-clone CI counted none after the reload,
	// a later run two: one cut by the reload, one after)
	let posts = 0;
	page.on('request', (r) => {
		if (r.method() === 'POST' && r.url().endsWith('/api/field-targets')) posts++;
	});
	// saved offline earlier on this phone, at a position far outside the township (Beijing)
	await page.evaluate(async (owner) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open('tongan-outbox', 1);
			r.onupgradeneeded = () => r.result.createObjectStore('checks', { keyPath: 'clientUuid' });
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		await new Promise<void>((resolve, reject) => {
			const t = db.transaction('checks', 'readwrite');
			const clientUuid = crypto.randomUUID();
			t.objectStore('checks').put({
				kind: 'field_target',
				clientUuid,
				queuedAt: new Date().toISOString(),
				label: 'E2E 村外野塘',
				owner,
				// the first attempt, made offline, did not get through
				lastError: 'network',
				fieldTarget: { clientUuid, fieldKind: 'pit', name: 'E2E 村外野塘', lon: 116.4, lat: 39.9 }
			});
			t.oncomplete = () => resolve();
			t.onerror = () => reject(t.error);
		});
		db.close();
	}, DEMO.township);
	await page.reload();
	const banner = page.getByTestId('outbox-banner');
	const refused = page.getByTestId('outbox-refused');
	await expect(refused).toContainText('现场发现“E2E 村外野塘”未被接受：');
	await expect(refused).not.toContainText('检查');
	await expect(page.getByTestId('outbox-pending')).toHaveCount(0);
	await expect(banner).not.toContainText('网络不稳');
	await expect(banner).not.toContainText('待上传');
	// sent once or twice by now (a send cut by the reload is sent again: the phone never heard
	// the answer); once refused, the automatic retries (after 2 s and 5 s) never come
	expect(posts).toBeGreaterThanOrEqual(1);
	const sentBeforeRefusal = posts;
	await page.waitForTimeout(8_000);
	expect(posts).toBe(sentBeforeRefusal);
	await expect(page.getByTestId('outbox-pending')).toHaveCount(0);
	// the worker deletes it (after being asked, in the words of a field find)
	page.once('dialog', (d) => {
		expect(d.message()).toContain('现场发现');
		void d.accept();
	});
	await refused.getByTestId('outbox-discard').click();
	await expect(banner).toBeHidden();
});
