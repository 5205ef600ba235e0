// A hazard's forms out of signal: the step goes to the phone's outbox (not posted when the phone
// knows it is offline; queued when a post got no answer), the form is not reset and no error page
// is shown, and the page is told what became of the step.
import { describe, expect, it, vi } from 'vitest';
import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { queuedWhenUnsent, unanswered } from '../../src/lib/offline/online-submit';

type Input = Parameters<SubmitFunction>[0];
type After = Exclude<Awaited<ReturnType<SubmitFunction>>, void>;

function input(form = new FormData()): Input & { cancel: ReturnType<typeof vi.fn> } {
	return {
		action: new URL('http://x/hazards/1?/fix'),
		cancel: vi.fn(),
		controller: new AbortController(),
		formData: form,
		formElement: {} as HTMLFormElement,
		submitter: null
	};
}

async function answer(after: After, result: ActionResult, form = new FormData()) {
	const update = vi.fn(async () => {});
	await after({
		action: new URL('http://x/hazards/1?/fix'),
		formData: form,
		formElement: {} as HTMLFormElement,
		update,
		result
	} as Parameters<After>[0]);
	return update;
}

describe('a hazard form out of signal', () => {
	it('is not posted when the phone is offline: the stamped form is queued instead', async () => {
		const said = vi.fn();
		const queued: FormData[] = [];
		const queue = vi.fn(async (f: FormData) => (queued.push(f), true));
		// the inner step (stamping the photo) runs first: what is queued is what it made
		const inner: SubmitFunction = async ({ formData }) => void formData.set('photo', 'stamped');
		const form = new FormData();
		form.set('photo', 'raw');
		const i = input(form);
		const after = await queuedWhenUnsent(queue, said, inner, () => false)(i);
		expect(i.cancel).toHaveBeenCalledOnce();
		expect(after).toBeUndefined();
		expect(queued).toHaveLength(1);
		expect(queued[0].get('photo')).toBe('stamped');
		expect(said).toHaveBeenLastCalledWith('queued');
	});

	it('a post that got no answer is queued with its data: no update, no error page', async () => {
		const said = vi.fn();
		const queue = vi.fn(async () => true);
		const after = (await queuedWhenUnsent(queue, said, undefined, () => true)(input())) as After;
		const form = new FormData();
		form.set('note', '已加装护栏');
		const update = await answer(
			after,
			{ type: 'error', error: new TypeError('Failed to fetch') },
			form
		);
		expect(update).not.toHaveBeenCalled();
		expect(queue).toHaveBeenCalledWith(form);
		expect(said).toHaveBeenLastCalledWith('queued');
	});

	it('a step the outbox delivered at once is not said to wait', async () => {
		const said = vi.fn();
		const i = input();
		await queuedWhenUnsent(
			async () => false,
			said,
			undefined,
			() => false
		)(i);
		expect(said).toHaveBeenLastCalledWith(null);
	});

	it('a step the phone could not keep leaves the form as it was, and the page says so', async () => {
		const said = vi.fn();
		const queue = vi.fn(async (): Promise<boolean> => {
			throw new DOMException('quota', 'QuotaExceededError');
		});
		const i = input();
		await queuedWhenUnsent(queue, said, undefined, () => false)(i);
		expect(i.cancel).toHaveBeenCalledOnce();
		expect(said).toHaveBeenLastCalledWith('offline');
	});

	it("the server's own answers go through as before, the inner step's too", async () => {
		const said = vi.fn();
		const queue = vi.fn(async () => true);
		const stamped = vi.fn(async () => {});
		const inner: SubmitFunction = async () => stamped;
		const after = (await queuedWhenUnsent(queue, said, inner, () => true)(input())) as After;
		await answer(after, { type: 'failure', status: 400, data: { message: 'x' } });
		expect(stamped).toHaveBeenCalledOnce();
		const plain = (await queuedWhenUnsent(queue, said, undefined, () => true)(input())) as After;
		const update = await answer(plain, { type: 'error', status: 500, error: new Error('boom') });
		expect(update).toHaveBeenCalledOnce();
		expect(queue).not.toHaveBeenCalled();
		expect(said).toHaveBeenLastCalledWith(null);
	});

	it('tells no answer from an answer', () => {
		expect(unanswered({ type: 'error' }, true)).toBe(true);
		expect(unanswered({ type: 'error', status: 500 }, true)).toBe(false);
		expect(unanswered({ type: 'error', status: 500 }, false)).toBe(true);
		expect(unanswered({ type: 'success', status: 200 }, false)).toBe(false);
	});
});
