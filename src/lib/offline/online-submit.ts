// A hazard's forms (register, fix, close, send back), posted with use:enhance. Out of signal,
// SvelteKit's enhance would turn the failed fetch into an error result, and its default handling
// would show the error page as a server error (500) and drop what was typed and the photo. Here a
// step that cannot go now is handed to `queue` (the phone's outbox, which sends it when the signal
// returns): when the phone knows it is offline the post is not even tried, and a post that got no
// answer at all is queued too. The step carries the phone's UUID for it, so a post that reached
// the server and lost only its answer is not taken twice when the outbox sends it again. If the
// step cannot be queued either, the form stays as it was and the page says it was not sent.
import type { SubmitFunction } from '@sveltejs/kit';

/** What became of a step that was not answered: queued on the phone, or not sent at all. */
export type Unsent = 'queued' | 'offline';
type Said = (why: Unsent | null) => void;

/** Whether an enhance result is no answer at all (the network failed), not the server's error. */
export function unanswered(result: { type: string; status?: number }, online: boolean): boolean {
	return result.type === 'error' && (!online || result.status === undefined);
}

const isOnline = () => typeof navigator === 'undefined' || navigator.onLine !== false;

/**
 * `inner` (optional: it may change the form's data, e.g. stamp the photo) with a step that cannot
 * be sent now handed to `queue`, and `said` told what became of it. `queue` answers whether the
 * step still waits on the phone (the outbox may have sent it at once: the signal was back).
 */
export function queuedWhenUnsent(
	queue: (form: FormData) => Promise<boolean>,
	said: Said,
	inner?: SubmitFunction,
	online = isOnline
): SubmitFunction {
	const keep = async (form: FormData) => {
		try {
			said((await queue(form)) ? 'queued' : null);
		} catch {
			// the phone could not keep it (storage refused): the form still holds it
			said('offline');
		}
	};
	return async (input) => {
		said(null);
		// first what the form does to its data (the stamped photo is what is queued)
		const after = await inner?.(input);
		if (!online()) {
			input.cancel();
			await keep(input.formData);
			return;
		}
		return async (opts) => {
			if (unanswered(opts.result as { type: string; status?: number }, online())) {
				await keep(opts.formData);
				return;
			}
			if (after) await after(opts);
			else await opts.update();
		};
	};
}
