// A hazard's forms out of signal: not posted, or a post with no answer leaves the form as it was
// (no error page, no reset), and the page is told to say so.
import { describe, expect, it, vi } from 'vitest';
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { keptOffline, unanswered } from '../../src/lib/offline/online-submit';

type Input = Parameters<SubmitFunction>[0];
type After = Exclude<Awaited<ReturnType<SubmitFunction>>, void>;

function input(): Input & { cancel: ReturnType<typeof vi.fn> } {
	return {
		action: new URL('http://x/hazards/1?/fix'),
		cancel: vi.fn(),
		controller: new AbortController(),
		formData: new FormData(),
		formElement: {} as HTMLFormElement,
		submitter: null
	};
}

async function answer(after: After, result: ActionResult) {
	const update = vi.fn(async () => {});
	await after({
		action: new URL('http://x/hazards/1?/fix'),
		formData: new FormData(),
		formElement: {} as HTMLFormElement,
		update,
		result
	} as Parameters<After>[0]);
	return update;
}

describe('a hazard form out of signal', () => {
	it('is not posted when the phone is offline, and the page says so', async () => {
		const said = vi.fn();
		const inner = vi.fn();
		const i = input();
		const after = await keptOffline(said, inner, () => false)(i);
		expect(i.cancel).toHaveBeenCalledOnce();
		expect(inner).not.toHaveBeenCalled();
		expect(after).toBeUndefined();
		expect(said).toHaveBeenLastCalledWith('offline');
	});

	it('a post that got no answer keeps the form: no update, no error page', async () => {
		const said = vi.fn();
		const after = (await keptOffline(said, undefined, () => true)(input())) as After;
		const update = await answer(after, { type: 'error', error: new TypeError('Failed to fetch') });
		expect(update).not.toHaveBeenCalled();
		expect(said).toHaveBeenLastCalledWith('offline');
	});

	it("the server's own answers go through as before, the inner step's too", async () => {
		const said = vi.fn();
		const stamped = vi.fn(async () => {});
		const inner: SubmitFunction = async () => stamped;
		const after = (await keptOffline(said, inner, () => true)(input())) as After;
		await answer(after, { type: 'failure', status: 400, data: { message: 'x' } });
		expect(stamped).toHaveBeenCalledOnce();
		const plain = (await keptOffline(said, undefined, () => true)(input())) as After;
		const update = await answer(plain, { type: 'error', status: 500, error: new Error('boom') });
		expect(update).toHaveBeenCalledOnce();
		expect(said).toHaveBeenLastCalledWith(null);
	});

	it('tells no answer from an answer', () => {
		expect(unanswered({ type: 'error' }, true)).toBe(true);
		expect(unanswered({ type: 'error', status: 500 }, true)).toBe(false);
		expect(unanswered({ type: 'error', status: 500 }, false)).toBe(true);
		expect(unanswered({ type: 'success', status: 200 }, false)).toBe(false);
	});
});
