// A form posted with use:enhance where no outbox keeps it (a hazard's register, fix, close and
// reject): out of signal, SvelteKit's enhance turns the failed fetch into an error result, and
// its default handling shows the error page as a server error (500) and drops what was typed and
// the photo chosen. Here the post is not even tried when the phone knows it is offline, and a
// post that got no answer at all leaves the form as it is: the page says the step was not sent
// and to send it again in signal. A step that reached the server and lost only its answer is
// refused the second time as already taken (the form names the state it was taken from).
import type { SubmitFunction } from '@sveltejs/kit';

type Said = (why: 'offline' | null) => void;

/** Whether an enhance result is no answer at all (the network failed), not the server's error. */
export function unanswered(result: { type: string; status?: number }, online: boolean): boolean {
	return result.type === 'error' && (!online || result.status === undefined);
}

const isOnline = () => typeof navigator === 'undefined' || navigator.onLine !== false;

/** `inner` (optional) with the post kept back offline, and `said` told whether it was. */
export function keptOffline(said: Said, inner?: SubmitFunction, online = isOnline): SubmitFunction {
	return async (input) => {
		said(null);
		if (!online()) {
			input.cancel();
			said('offline');
			return;
		}
		const after = await inner?.(input);
		return async (opts) => {
			if (unanswered(opts.result as { type: string; status?: number }, online())) {
				said('offline');
				return;
			}
			if (after) await after(opts);
			else await opts.update();
		};
	};
}
