// After a check is saved, the page offers the nearest segment still lacking items: never the
// one just checked, never one already waiting in the phone's outbox, and out of signal too.
import { test, expect } from '@playwright/test';
import { DEMO, PHONE, signIn } from './helpers';

test.use(PHONE);
test.describe.configure({ timeout: 180_000 });

test('a river chief is offered the next segment after a check, offline too', async ({
	page,
	context
}) => {
	await signIn(page, DEMO.riverChief);
	const first = page.getByTestId('segment-list').locator('tr.card').first();
	const id = Number(await first.getAttribute('data-id'));
	await first.click();
	await expect(page).toHaveURL(new RegExp(`/waterways/${id}$`));
	await expect(page.getByTestId('check-form')).toBeVisible();

	await context.setOffline(true);
	const form = page.getByTestId('check-form');
	const record = async () => {
		for (const item of ['警示牌', '救生圈', '救生绳', '救生杆'])
			await form.getByRole('group', { name: item }).getByText('完好', { exact: true }).click();
		await page.getByTestId('check-save').click();
		await expect(page.getByTestId('check-message')).toHaveText('已保存在本机，联网后自动上传');
	};
	await record();
	const link = page.getByTestId('next-segment-link');
	await expect(link).toBeVisible();
	await expect(page.getByTestId('next-segment')).toContainText('离线');
	const nextId = Number((await link.getAttribute('href'))!.split('/').pop());
	expect(nextId).not.toBe(id);
	// and it is one of this river chief's segments that lacks items (from the list they saw)
	await expect(link).toContainText('米');

	// a check of that segment waits in the outbox too (recorded on this phone earlier): it is not
	// offered again, the one after it is
	await page.evaluate(
		async ({ nextId, owner }) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const r = indexedDB.open('tongan-outbox', 1);
				r.onsuccess = () => resolve(r.result);
				r.onerror = () => reject(r.error);
			});
			await new Promise<void>((resolve, reject) => {
				const t = db.transaction('checks', 'readwrite');
				t.objectStore('checks').put({
					clientUuid: crypto.randomUUID(),
					waterwayId: nextId,
					check: {},
					photos: [],
					queuedAt: new Date().toISOString(),
					owner
				});
				t.oncomplete = () => resolve();
				t.onerror = () => reject(t.error);
			});
			db.close();
		},
		{ nextId, owner: DEMO.riverChief }
	);
	await record();
	await expect(link).toBeVisible();
	// the saved message reads the same after the second save, so wait for the offer itself: it
	// must move off the segment now waiting in the outbox (this fails if it never does)
	await expect(link).not.toHaveAttribute('href', new RegExp(`/${nextId}$`));
	const after = Number((await link.getAttribute('href'))!.split('/').pop());
	expect(after).not.toBe(id);
	expect(after).not.toBe(nextId);

	// leave nothing in the outbox for other tests: the fake check would be refused
	await page.evaluate(
		() =>
			new Promise<void>((resolve) => {
				const r = indexedDB.deleteDatabase('tongan-outbox');
				r.onsuccess = r.onerror = r.onblocked = () => resolve();
			})
	);
});
