// The bench's floor, in a worker thread like the app's analyses (the same snapshot decoded by
// the app's own code, the same lowered priority): one great-circle distance per point the
// analyses read, timed inside the thread so that only the pass itself counts. Not part of the
// app: its analysis worker answers only the app's questions.
//
// Messages in: {type: 'load', payload} (a SnapshotPayload) | {type: 'pass', points}.
// Messages out: {type: 'loaded'} | {type: 'passed', ms, residences} | {type: 'error', message}.
import { parentPort } from 'node:worker_threads';
import os from 'node:os';
import { loadSnapshot } from '../../src/lib/server/analysis/cases.mjs';
import { prefixSlice } from '../../src/lib/server/analysis/kernel/prefix.mjs';
import { floorPass } from './floor.mjs';

if (!parentPort) throw new Error('floor-worker.mjs must run as a worker thread');
const port = parentPort;

try {
	os.setPriority(0, 10);
} catch {
	/* not permitted or not supported: run at normal priority */
}

/** @type {ReturnType<typeof loadSnapshot> | undefined} */
let snap;

port.on('message', (/** @type {any} */ msg) => {
	try {
		if (msg.type === 'load') {
			snap = loadSnapshot(msg.payload);
			port.postMessage({ type: 'loaded' });
		} else if (msg.type === 'pass') {
			if (!snap) throw new Error('no data loaded');
			// the residences of the province ('42'), or (for the rule) every point of every kind
			if (msg.points === 'rule') {
				const { grid } = snap.ruleGrid();
				const t0 = performance.now();
				const sum = floorPass(grid, 0, grid.lon.length);
				port.postMessage({
					type: 'passed',
					residences: grid.lon.length,
					sum,
					ms: performance.now() - t0
				});
			} else {
				const p = snap.residences;
				const { from, to } = prefixSlice(p.code, '42');
				const t0 = performance.now();
				const sum = floorPass(p, from, to);
				port.postMessage({
					type: 'passed',
					residences: to - from,
					sum,
					ms: performance.now() - t0
				});
			}
		}
	} catch (e) {
		port.postMessage({ type: 'error', message: String(/** @type {Error} */ (e)?.stack ?? e) });
	}
});
